"""Creating organisations and users, and giving users a role in an organisation."""

from __future__ import annotations

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Country, Membership, Organisation, Role, User
from relance.core import identifiers

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")


class AccountError(ValueError):
    """A request that cannot be carried out, with a message for the person who made it."""


def _check_identifiers(country: str, ids: dict[str, str]) -> dict[str, str]:
    """Validate the identifiers that apply to the country; return them in compact form."""
    checks = {
        "siren": identifiers.siren,
        "siret": identifiers.siret,
        "vat_number": identifiers.vat_number,
        "enterprise_number": identifiers.be_enterprise_number,
        "iban": identifiers.iban,
        "bic": identifiers.bic,
    }
    if country != Country.FR and (ids.get("siren") or ids.get("siret")):
        raise AccountError("SIREN et SIRET ne s'appliquent qu'aux organisations françaises.")
    if country != Country.BE and ids.get("enterprise_number"):
        raise AccountError("Le n° d'entreprise ne s'applique qu'aux organisations belges.")
    clean: dict[str, str] = {}
    for name, value in ids.items():
        if not value:
            continue
        try:
            clean[name] = checks[name](value)
        except identifiers.InvalidIdentifier as exc:
            raise AccountError(str(exc)) from exc
    if clean.get("siret") and clean.get("siren") and not clean["siret"].startswith(clean["siren"]):
        raise AccountError("Le SIRET ne commence pas par le SIREN.")
    return clean


@transaction.atomic
def organisation_create(
    *,
    slug: str,
    legal_name: str,
    country: str,
    actor: Actor,
    timezone: str = "Europe/Paris",
    default_currency: str = "EUR",
    siren: str = "",
    siret: str = "",
    vat_number: str = "",
    enterprise_number: str = "",
    iban: str = "",
    bic: str = "",
    sender_name: str = "",
    sender_email: str = "",
    address_line1: str = "",
    postal_code: str = "",
    city: str = "",
) -> Organisation:
    if not SLUG_RE.match(slug):
        raise AccountError(
            f"Identifiant « {slug} » invalide : lettres minuscules, chiffres et tirets."
        )
    if Organisation.objects.filter(slug=slug).exists():
        raise AccountError(f"L'organisation « {slug} » existe déjà.")
    if country not in Country.values:
        raise AccountError(f"Pays « {country} » non pris en charge (FR ou BE).")
    if not legal_name.strip():
        raise AccountError("La raison sociale est obligatoire.")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise AccountError(f"Fuseau horaire « {timezone} » inconnu.") from exc
    if not re.fullmatch(r"[A-Z]{3}", default_currency):
        raise AccountError(f"Devise « {default_currency} » invalide (code ISO 4217).")
    if sender_email:
        try:
            validate_email(sender_email)
        except ValidationError as exc:
            raise AccountError(f"Adresse d'expédition invalide « {sender_email} ».") from exc
    ids = _check_identifiers(
        country,
        {
            "siren": siren,
            "siret": siret,
            "vat_number": vat_number,
            "enterprise_number": enterprise_number,
            "iban": iban,
            "bic": bic,
        },
    )
    if ids.get("siret") and not ids.get("siren"):
        ids["siren"] = ids["siret"][:9]
    organisation = Organisation.objects.create(
        slug=slug,
        legal_name=legal_name.strip(),
        country=country,
        timezone=timezone,
        default_currency=default_currency,
        sender_name=sender_name or legal_name.strip(),
        sender_email=sender_email,
        address_line1=address_line1,
        postal_code=postal_code,
        city=city,
        **ids,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="organisation_create",
        entity_type="organisation",
        entity_id=str(organisation.uuid),
        after={"slug": slug, "legal_name": organisation.legal_name, "country": country, **ids},
    )
    return organisation


@transaction.atomic
def user_create(
    *,
    email: str,
    organisation: Organisation,
    role: str,
    actor: Actor,
    password: str | None = None,
) -> User:
    """Create the user if new, and give them ``role`` in ``organisation``."""
    try:
        validate_email(email)
    except ValidationError as exc:
        raise AccountError(f"Adresse e-mail invalide « {email} ».") from exc
    if role not in Role.values:
        raise AccountError(f"Rôle « {role} » inconnu : {', '.join(Role.values)}.")
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password)
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    before = None if created else {"role": membership.role}
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="membership_set",
        entity_type="user",
        entity_id=str(user.uuid),
        before=before,
        after={"email": email, "role": role},
    )
    return user
