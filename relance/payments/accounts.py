"""Setting up an organisation's payment provider: which one, its API key and (Stripe) the
webhook signing secret, sealed at rest and never shown back; the methods offered."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation
from relance.lib.sealed import SealError, seal, unseal
from relance.payments.models import Method, Provider, ProviderAccount
from relance.payments.providers import ProviderError, ProviderGateway, gateway

KEY_SHAPES = {
    Provider.STRIPE: re.compile(r"^(?:sk|rk)_(?:test|live)_[A-Za-z0-9]{8,250}$"),
    Provider.MOLLIE: re.compile(r"^(?:test|live)_[A-Za-z0-9]{8,250}$"),
}
KEY_EXAMPLES = {Provider.STRIPE: "sk_live_…", Provider.MOLLIE: "live_…"}
WEBHOOK_SECRET = re.compile(r"^whsec_[A-Za-z0-9+/=]{8,250}$")
KEY_PREFIX = re.compile(r"^(?:(?:sk|rk)_)?(?:test|live)_")


class ProviderSetupError(ValueError):
    pass


def key_hint(key: str) -> str:
    """Enough of a key to recognise it (its kind and last four characters), not to use it."""
    found = KEY_PREFIX.match(key)
    return f"{found.group(0) if found else ''}…{key[-4:]}"


def _shown(account: ProviderAccount) -> dict[str, object]:
    """What the audit trail keeps: never a secret, only which key and whether there is one."""
    return {"provider": account.provider, "key": account.api_key_hint,
            "webhook_secret_set": bool(account.webhook_secret),
            "methods": list(account.methods)}  # fmt: skip


@transaction.atomic
def provider_account_set(
    *, organisation: Organisation, provider: str, api_key: str | None,
    webhook_secret: str | None, methods: Sequence[str], actor: Actor,
) -> ProviderAccount:  # fmt: skip
    """Offer online payment through ``provider``. ``api_key`` and ``webhook_secret``: None
    keeps the one stored (a new provider needs its own)."""
    if provider not in Provider.values:
        raise ProviderSetupError(
            gettext("Prestataire « %(provider)s » inconnu.") % {"provider": provider}
        )
    chosen = [method for method in Method.values if method in set(methods)]
    if not chosen or len(chosen) != len(set(methods)):
        raise ProviderSetupError(
            gettext("Choisissez au moins un moyen de paiement parmi ceux proposés.")
        )
    account = ProviderAccount.objects.select_for_update().filter(organisation=organisation).first()
    before = _shown(account) if account else None
    switching = account is None or account.provider != provider
    api_key = api_key.strip() if api_key else None
    webhook_secret = webhook_secret.strip() if webhook_secret else None
    if api_key is None and switching:
        raise ProviderSetupError(gettext("Saisissez la clé d'API du prestataire."))
    if api_key is not None and not KEY_SHAPES[Provider(provider)].match(api_key):
        raise ProviderSetupError(
            gettext("Clé d'API %(label)s invalide : elle ressemble à %(value)s")
            % {"label": Provider(provider).label, "value": KEY_EXAMPLES[Provider(provider)]}
        )
    if webhook_secret is not None and not WEBHOOK_SECRET.match(webhook_secret):
        raise ProviderSetupError(gettext("Secret de signature invalide : il commence par whsec_."))
    account = account or ProviderAccount(
        organisation=organisation, webhook_token=secrets.token_urlsafe(32)
    )
    if switching:
        account.webhook_secret = ""
    account.provider, account.methods = provider, chosen
    if api_key is not None:
        account.api_key, account.api_key_hint = seal(api_key), key_hint(api_key)
    if webhook_secret is not None:
        account.webhook_secret = seal(webhook_secret)
    if provider == Provider.STRIPE and not account.webhook_secret:
        raise ProviderSetupError(
            gettext(
                "Saisissez le secret de signature du webhook (Stripe le donne quand "
                "vous ajoutez l'adresse du webhook)."
            )
        )
    account.save()
    after = _shown(account)
    changed = api_key is not None or webhook_secret is not None
    if before != after or changed:
        audit_record(
            organisation=organisation, actor=actor, action="payment_provider_set",
            entity_type="payment_provider", entity_id=str(organisation.uuid), before=before,
            after={**after, "key_changed": api_key is not None,
                   "webhook_secret_changed": webhook_secret is not None},
        )  # fmt: skip
    return account


@transaction.atomic
def provider_account_remove(*, organisation: Organisation, actor: Actor) -> bool:
    """Stop offering online payment; checkouts already paid stay recorded."""
    account = ProviderAccount.objects.select_for_update().filter(organisation=organisation).first()
    if account is None:
        return False
    before = _shown(account)
    account.delete()
    audit_record(organisation=organisation, actor=actor, action="payment_provider_remove",
                 entity_type="payment_provider", entity_id=str(organisation.uuid),
                 before=before)  # fmt: skip
    return True


def account_gateway(account: ProviderAccount) -> ProviderGateway:
    """The provider's adapter with the account's keys unsealed."""
    try:
        api_key = unseal(account.api_key)
        secret = unseal(account.webhook_secret) if account.webhook_secret else ""
    except SealError as exc:
        raise ProviderError(
            gettext(
                "la clé enregistrée est illisible (la clé secrète du site a changé) : "
                "saisissez-la à nouveau"
            )
        ) from exc
    return gateway(account.provider, api_key=api_key, webhook_secret=secret)


def provider_account_check(account: ProviderAccount) -> str:
    """Reach the provider with the stored key now; raises ``ProviderError`` with its answer."""
    return account_gateway(account).account_check()
