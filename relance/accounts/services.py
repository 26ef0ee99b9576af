"""Creating and changing organisations, users, and the roles users have in organisations."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext
from PIL import Image

from relance.accounts.audit import Actor, audit_record
from relance.accounts.mail import access_email_send
from relance.accounts.models import Country, Membership, Organisation, Role, User
from relance.core import identifiers
from relance.lib.text import translated

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
        raise AccountError(
            gettext("SIREN et SIRET ne s'appliquent qu'aux organisations françaises.")
        )
    if country != Country.BE and ids.get("enterprise_number"):
        raise AccountError(gettext("Le n° d'entreprise ne s'applique qu'aux organisations belges."))
    clean: dict[str, str] = {}
    for name, value in ids.items():
        if not value:
            continue
        try:
            clean[name] = checks[name](value)
        except identifiers.InvalidIdentifier as exc:
            raise AccountError(translated(exc)) from exc
    if clean.get("siret") and clean.get("siren") and not clean["siret"].startswith(clean["siren"]):
        raise AccountError(gettext("Le SIRET ne commence pas par le SIREN."))
    return clean


def identifier_check(country: str, name: str, value: str) -> str:
    """One identifier of an organisation of ``country``, in compact form (for forms that
    explain each field's error next to it)."""
    return _check_identifiers(country, {name: value}).get(name, "")


def _check_profile(
    *, legal_name: str, timezone: str, default_currency: str, sender_email: str
) -> None:
    if not legal_name.strip():
        raise AccountError(gettext("La raison sociale est obligatoire."))
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise AccountError(
            gettext("Fuseau horaire « %(timezone)s » inconnu.") % {"timezone": timezone}
        ) from exc
    if not re.fullmatch(r"[A-Z]{3}", default_currency):
        raise AccountError(
            gettext("Devise « %(currency)s » invalide (code ISO 4217).")
            % {"currency": default_currency}
        )
    if sender_email:
        try:
            validate_email(sender_email)
        except ValidationError as exc:
            raise AccountError(
                gettext("Adresse d'expédition invalide « %(sender_email)s ».")
                % {"sender_email": sender_email}
            ) from exc


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
            gettext("Identifiant « %(slug)s » invalide : lettres minuscules, chiffres et tirets.")
            % {"slug": slug}
        )
    if Organisation.objects.filter(slug=slug).exists():
        raise AccountError(gettext("L'organisation « %(slug)s » existe déjà.") % {"slug": slug})
    if country not in Country.values:
        raise AccountError(
            gettext("Pays « %(country)s » non pris en charge (FR ou BE).") % {"country": country}
        )
    _check_profile(
        legal_name=legal_name,
        timezone=timezone,
        default_currency=default_currency,
        sender_email=sender_email,
    )
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
        raise AccountError(
            gettext("Adresse e-mail invalide « %(email)s ».") % {"email": email}
        ) from exc
    if role not in Role.values:
        raise AccountError(
            gettext("Rôle « %(role)s » inconnu : %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
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


# The fields of an organisation's profile that organisation_update may change.
PROFILE_FIELDS = (
    "legal_name", "siren", "siret", "vat_number", "enterprise_number", "address_line1",
    "address_line2", "postal_code", "city", "iban", "bic", "timezone", "default_currency",
    "sender_name", "sender_email",
)  # fmt: skip


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    actor: Actor,
    legal_name: str,
    timezone: str,
    default_currency: str,
    siren: str = "",
    siret: str = "",
    vat_number: str = "",
    enterprise_number: str = "",
    address_line1: str = "",
    address_line2: str = "",
    postal_code: str = "",
    city: str = "",
    iban: str = "",
    bic: str = "",
    sender_name: str = "",
    sender_email: str = "",
    logo: File[Any] | None = None,
    logo_remove: bool = False,
) -> Organisation:
    """Change an organisation's profile; the country stays (identifiers and legal rules
    depend on it). Records the changed values, before and after."""
    legal_name, sender_email = legal_name.strip(), sender_email.strip().lower()
    extension = logo_check(logo) if logo is not None else ""
    _check_profile(
        legal_name=legal_name,
        timezone=timezone,
        default_currency=default_currency,
        sender_email=sender_email,
    )
    ids = _check_identifiers(
        organisation.country,
        {"siren": siren, "siret": siret, "vat_number": vat_number,
         "enterprise_number": enterprise_number, "iban": iban, "bic": bic},
    )  # fmt: skip
    if ids.get("siret") and not ids.get("siren"):
        ids["siren"] = ids["siret"][:9]
    new = {
        "legal_name": legal_name, "timezone": timezone, "default_currency": default_currency,
        "address_line1": address_line1.strip(), "address_line2": address_line2.strip(),
        "postal_code": postal_code.strip(), "city": city.strip(),
        "sender_name": sender_name.strip() or legal_name, "sender_email": sender_email,
        **{name: ids.get(name, "") for name in
           ("siren", "siret", "vat_number", "enterprise_number", "iban", "bic")},
    }  # fmt: skip
    before = {name: getattr(organisation, name) for name in PROFILE_FIELDS}
    changed = [name for name in PROFILE_FIELDS if before[name] != new[name]]
    for name in changed:
        setattr(organisation, name, new[name])
    old_logo = organisation.logo.name or ""
    if logo is not None:
        organisation.logo.save(f"{organisation.uuid}{extension}", logo, save=False)
    elif logo_remove and old_logo:
        organisation.logo = ""
    if organisation.logo.name != old_logo:
        changed.append("logo")
        before["logo"], new["logo"] = old_logo, organisation.logo.name or ""
        if old_logo:
            storage = organisation.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    if not changed:
        return organisation
    organisation.save(update_fields=changed)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="organisation_update",
        entity_type="organisation",
        entity_id=str(organisation.uuid),
        before={name: before[name] for name in changed},
        after={name: new[name] for name in changed},
    )
    return organisation


LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}


def logo_check(logo: File[Any]) -> str:
    """Refuse anything but a reasonable PNG, JPEG, GIF or WebP image; return its extension.

    The content is read, not the name: a file named .png that is not one is refused. No SVG,
    which can carry scripts."""
    size = logo.size or 0
    if size == 0:
        raise AccountError(gettext("Le fichier du logo est vide."))
    if size > LOGO_MAX_BYTES:
        raise AccountError(gettext("Le logo dépasse 1 Mo : réduisez-le avant de l'envoyer."))
    try:
        logo.seek(0)
        with Image.open(logo) as image:
            image_format, (width, height) = image.format or "", image.size
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise AccountError(
            gettext("Le logo n'est pas une image lisible (PNG, JPEG, GIF ou WebP).")
        ) from exc
    finally:
        logo.seek(0)
    if image_format not in LOGO_FORMATS:
        raise AccountError(gettext("Le logo doit être une image PNG, JPEG, GIF ou WebP."))
    if max(width, height) > LOGO_MAX_PIXELS:
        raise AccountError(
            gettext("Le logo dépasse %(max)s pixels de côté.") % {"max": LOGO_MAX_PIXELS}
        )
    return LOGO_FORMATS[image_format]


def membership_invite(
    *, organisation: Organisation, email: str, role: str, actor: Actor, site: str = ""
) -> tuple[User, bool]:
    """Give a person (new or already known) a role in the organisation and tell them by
    e-mail, with a link to choose their password when they have none yet.

    Returns the user and whether the e-mail left; the access is given either way (a person
    without the e-mail can still use "forgotten password")."""
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        raise AccountError(
            gettext("%(email)s est déjà membre : changez son rôle dans la liste.")
            % {"email": email}
        )
    with transaction.atomic():
        user = user_create(email=email, organisation=organisation, role=role, actor=actor)
    return user, access_email_send(
        user=user, organisation=organisation, invited_by=actor.user, site=site
    )


def _admins_left_after(membership: Membership) -> int:
    """The organisation's other administrators, locked until the end of the transaction so
    that two administrators demoting each other at once cannot leave none."""
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Role.ADMIN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return len([pk for pk in admins if pk != membership.pk])


LAST_ADMIN = (
    "{email} est le dernier administrateur de l'organisation : nommez d'abord un autre "
    "administrateur."
)


@transaction.atomic
def membership_role_set(*, membership: Membership, role: str, actor: Actor) -> Membership:
    if role not in Role.values:
        raise AccountError(
            gettext("Rôle « %(role)s » inconnu : %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and not _admins_left_after(membership):
        raise AccountError(LAST_ADMIN.format(email=membership.user.email))
    before = {"email": membership.user.email, "role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        organisation=membership.organisation,
        actor=actor,
        action="membership_role_set",
        entity_type="user",
        entity_id=str(membership.user.uuid),
        before=before,
        after={"email": membership.user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor) -> None:
    """Take a person's access to the organisation away; their account stays (they may belong
    to other organisations), and so does everything they did."""
    if membership.role == Role.ADMIN and not _admins_left_after(membership):
        raise AccountError(LAST_ADMIN.format(email=membership.user.email))
    audit_record(
        organisation=membership.organisation,
        actor=actor,
        action="membership_remove",
        entity_type="user",
        entity_id=str(membership.user.uuid),
        before={"email": membership.user.email, "role": membership.role},
    )
    membership.delete()


# A phone number as people write it on a letter: digits, spaces, dots, dashes, brackets.
PHONE = re.compile(r"^\+?[0-9(][0-9 .()\-]{5,28}$")
USER_PROFILE_FIELDS = {"first_name": 150, "last_name": 150, "title": 100, "phone": 30}


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    organisation: Organisation,
    actor: Actor,
    first_name: str,
    last_name: str,
    title: str = "",
    phone: str = "",
) -> User:
    """Change a person's profile: the name, title and phone that sign their letters, from
    their own profile or by an administrator of ``organisation``, of which they must be a
    member. Recorded in the audit trail of that organisation."""
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise AccountError(gettext("Cette personne n'a pas accès à cette organisation."))
    new = {"first_name": " ".join(first_name.split()), "last_name": " ".join(last_name.split()),
           "title": " ".join(title.split()), "phone": " ".join(phone.split())}  # fmt: skip
    for name, limit in USER_PROFILE_FIELDS.items():
        if len(new[name]) > limit:
            raise AccountError(
                gettext("« %(value)s… » dépasse %(limit)s caractères.")
                % {"value": new[name][:30], "limit": limit}
            )
    if new["phone"] and not PHONE.match(new["phone"]):
        raise AccountError(
            gettext("Téléphone « %(phone)s » invalide : chiffres, espaces, « + » seuls.")
            % {"phone": phone}
        )
    changed = [name for name, value in new.items() if getattr(user, name) != value]
    if not changed:
        return user
    before = {name: getattr(user, name) for name in changed}
    for name in changed:
        setattr(user, name, new[name])
    user.save(update_fields=changed)
    audit_record(
        organisation=organisation, actor=actor, action="user_profile", entity_type="user",
        entity_id=str(user.uuid), before=before, after={name: new[name] for name in changed},
    )  # fmt: skip
    return user


@transaction.atomic
def membership_digest_set(*, membership: Membership, weekly_digest: bool, actor: Actor) -> None:
    """Turn a person's Monday digest on or off, for the organisation of ``membership``."""
    if membership.weekly_digest == weekly_digest:
        return
    membership.weekly_digest = weekly_digest
    membership.save(update_fields=["weekly_digest"])
    audit_record(
        organisation=membership.organisation, actor=actor, action="membership_digest",
        entity_type="user", entity_id=str(membership.user.uuid),
        before={"weekly_digest": not weekly_digest}, after={"weekly_digest": weekly_digest},
    )  # fmt: skip
