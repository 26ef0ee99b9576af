"""Links to the debtor portal: issued per customer, expiring, revocable.

The token in a link is the HMAC of the link's uuid under the secret key: the same link gives
the same token every time it is put in a message, and only its SHA-256 is stored, so the
database alone opens no account. Changing the secret key ends every link.

A link also has a short form for what a person types from paper or reads in an SMS
(``exemple.fr/p/K7QM-4XT2-9PDA-3HRB``): 16 characters of another HMAC of the same uuid, in
Crockford's base 32 (no I, L, O or U: nothing to misread), stored hashed like the token and
opened by the same gate. It is the same row: expiring or revoking the link ends both forms.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relance.accounts.audit import Actor, audit_record, audit_record_many
from relance.accounts.models import Organisation
from relance.ledger.models import Customer, PortalHit, PortalLink
from relance.lib.bulk import insert_objects

PREFIX = "p/"  # where the portal's pages start (relance/urls.py mounts it here)
HIT_WINDOW = timedelta(hours=1)
CHUNK = 500


# Crockford's base 32: the digits and the letters but I, L, O and U.
SHORT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_LENGTH = 16  # 80 bits: out of reach of guessing behind the hourly limit per address
SHORT_GROUP = 4
SHORT_TYPED_MAX = 24  # a typed short code, separators included; a full token is longer
# What a person may type for a character it stands for: O for 0, I and L for 1.
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class PortalAddress:
    """A link as messages print it: the full address (e-mails, QR codes) and its short form
    (letters, SMS). Both are "" when there is no link."""

    url: str
    short_url: str

    @property
    def typed(self) -> str:
        """The short form without its scheme, as a person types it from a letter."""
        return self.short_url.split("://", 1)[-1]


NO_LINK = PortalAddress("", "")


def portal_token(link_uuid: uuid.UUID) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"relance.portal:" + link_uuid.bytes, hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def portal_short_code(link_uuid: uuid.UUID) -> str:
    """The short form of a link's key, grouped by four: ``K7QM-4XT2-9PDA-3HRB``."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"relance.portal.short:" + link_uuid.bytes, hashlib.sha256
    ).digest()
    number = int.from_bytes(digest[:10])  # the first 80 bits
    code = "".join(
        SHORT_ALPHABET[(number >> (5 * shift)) & 31] for shift in reversed(range(SHORT_LENGTH))
    )
    return "-".join(code[at : at + SHORT_GROUP] for at in range(0, SHORT_LENGTH, SHORT_GROUP))


def short_code_normalise(text: str) -> str:
    """The 16 characters a typed short code stands for (any case, dashes or spaces anywhere,
    O for 0, I or L for 1), "" when it is not one."""
    if len(text) > SHORT_TYPED_MAX:
        return ""
    code = text.upper().replace("-", "").replace(" ", "").translate(_MISREAD)
    if len(code) != SHORT_LENGTH or any(char not in SHORT_ALPHABET for char in code):
        return ""
    return code


def short_hash(code: str) -> str:
    return token_hash(short_code_normalise(code))


def portal_url(token: str) -> str:
    """The absolute address of a link, as reminders print it."""
    return f"{settings.RELANCE_PUBLIC_URL.rstrip('/')}/{PREFIX}{token}/"


def portal_short_url(code: str) -> str:
    """The short address: no trailing slash to type (the site adds it by a redirect)."""
    return f"{settings.RELANCE_PUBLIC_URL.rstrip('/')}/{PREFIX}{code}"


def portal_address(link_uuid: uuid.UUID) -> PortalAddress:
    return PortalAddress(url=portal_url(portal_token(link_uuid)),
                         short_url=portal_short_url(portal_short_code(link_uuid)))  # fmt: skip


def portal_example() -> PortalAddress:
    """What a preview shows for a customer who has no link yet: marked as an example, never
    a working address (a U is in no short code, and the long one is no token)."""
    return PortalAddress(url=portal_url("EXEMPLE-lien-personnel-cree-a-l-envoi"),
                         short_url=portal_short_url("EXEM-PLE0-URL0-0000"))  # fmt: skip


def _lifetime() -> timedelta:
    return timedelta(days=settings.RELANCE_PORTAL_LINK_DAYS)


def _reusable(now: datetime) -> dict[str, object]:
    # A link is put in a new message only while it has at least half its life ahead, so the
    # link in a reminder outlives the reminder's own follow-up.
    return {"revoked_at": None, "expires_at__gt": now + _lifetime() / 2}


def _current(
    organisation: Organisation, ids: list[int], now: datetime
) -> dict[int, tuple[int, uuid.UUID, str | None]]:
    """Each customer's link still good for long enough: (id, uuid, short hash)."""
    found: dict[int, tuple[int, uuid.UUID, str | None]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = (
            PortalLink.objects.filter(organisation=organisation,
                                      customer_id__in=ids[start : start + CHUNK],
                                      **_reusable(now))
            .order_by("customer_id", "-expires_at")
            .values_list("customer_id", "pk", "uuid", "short_hash")
        )  # fmt: skip
        for customer_id, pk, link_uuid, short in rows:
            found.setdefault(customer_id, (pk, link_uuid, short))
    return found


def portal_links_current(
    *, organisation: Organisation, customer_ids: Iterable[int]
) -> dict[int, PortalAddress]:
    """The address each customer's next message would reuse, for those who have one. A read:
    previews show this and create nothing."""
    found = _current(organisation, sorted(set(customer_ids)), timezone.now())
    return {customer_id: portal_address(value) for customer_id, (_, value, _) in found.items()}


def portal_link_shown(customer: Customer) -> PortalAddress:
    """What a preview shows: the customer's reusable link, else an example address."""
    current = portal_links_current(organisation=customer.organisation, customer_ids=[customer.pk])
    return current.get(customer.pk) or portal_example()


def portal_links_issue(
    *, organisation: Organisation, customer_ids: Iterable[int], actor: Actor
) -> dict[int, PortalAddress]:
    """The portal address of each customer, for a whole batch in a few queries: the link
    still good for long enough, else a new one."""
    now = timezone.now()
    ids = sorted(set(customer_ids))
    with transaction.atomic():
        current = _current(organisation, ids, now)
        found = {customer_id: value for customer_id, (_, value, _) in current.items()}
        # A link issued before short forms existed gets its short form when reused.
        PortalLink.objects.bulk_update(
            [PortalLink(pk=pk, short_hash=short_hash(portal_short_code(value)))
             for pk, value, short in current.values() if short is None],
            ["short_hash"], batch_size=CHUNK,
        )  # fmt: skip
        new = [
            PortalLink(organisation=organisation, customer_id=customer_id, uuid=uuid.uuid4(),
                       created_at=now, expires_at=now + _lifetime())
            for customer_id in ids if customer_id not in found
        ]  # fmt: skip
        addresses: dict[int, PortalAddress] = {}
        for link in new:
            token, code = portal_token(link.uuid), portal_short_code(link.uuid)
            link.token_hash, link.short_hash = token_hash(token), short_hash(code)
            addresses[link.customer_id] = PortalAddress(
                url=portal_url(token), short_url=portal_short_url(code)
            )
        insert_objects(PortalLink, new)
        customers = dict(
            Customer.objects.filter(pk__in=[link.customer_id for link in new]).values_list(
                "pk", "uuid"
            )
        )
        audit_record_many(
            organisation=organisation, actor=actor, action="portal_link_issued",
            entity_type="customer",
            changes=[(str(customers[link.customer_id]), None,
                      {"expires_at": link.expires_at.isoformat()}) for link in new],
        )  # fmt: skip
    addresses.update((customer_id, portal_address(value)) for customer_id, value in found.items())
    return addresses


def portal_link_issue(*, customer: Customer, actor: Actor) -> PortalAddress:
    """One customer's portal address (a reused link or a new one)."""
    return portal_links_issue(
        organisation=customer.organisation, customer_ids=[customer.pk], actor=actor
    )[customer.pk]


@transaction.atomic
def portal_link_revoke(*, customer: Customer, actor: Actor) -> int:
    """End every link of a customer now; the next reminder carries a new one."""
    now = timezone.now()
    count = PortalLink.objects.filter(
        customer=customer, revoked_at=None, expires_at__gt=now
    ).update(revoked_at=now)
    if count:
        audit_record(organisation=customer.organisation, actor=actor,
                     action="portal_link_revoked", entity_type="customer",
                     entity_id=str(customer.uuid), after={"links": count})  # fmt: skip
    return count


@dataclass(frozen=True)
class Resolved:
    link: PortalLink | None
    problem: str = ""  # unknown | expired | revoked


def portal_link_resolve(token: str) -> Resolved:
    """The link a token or a short code opens, or why it opens nothing."""
    if not token or len(token) > 64:
        return Resolved(None, "unknown")
    code = short_code_normalise(token)
    wanted = {"short_hash": token_hash(code)} if code else {"token_hash": token_hash(token)}
    link = (
        PortalLink.objects.filter(**wanted)
        .select_related("customer", "organisation").first()
    )  # fmt: skip
    if link is None:
        return Resolved(None, "unknown")
    if link.revoked_at is not None:
        return Resolved(None, "revoked")
    if link.expires_at <= timezone.now():
        return Resolved(None, "expired")
    return Resolved(link)


def portal_hit_allow(ip: str | None) -> bool:
    """Count one portal request from ``ip``; False beyond the hourly limit (not counted)."""
    if not ip:
        return True
    now = timezone.now()
    with transaction.atomic():
        PortalHit.objects.filter(at__lt=now - HIT_WINDOW).delete()
        if PortalHit.objects.filter(ip=ip, at__gte=now - HIT_WINDOW).count() >= (
            settings.RELANCE_PORTAL_PER_IP
        ):
            return False
        PortalHit.objects.create(ip=ip, at=now)
    return True


def portal_link_reference(link: PortalLink) -> str:
    """How staff pages name a link: the start of its uuid (which opens nothing by itself)."""
    return link.uuid.hex[:8]


def portal_actor(link: PortalLink) -> Actor:
    """The debtor, acting through this link."""
    return Actor.debtor(portal_link_reference(link))


def portal_view_record(*, link: PortalLink, page: str) -> None:
    """The debtor opened a page: proof they saw it, in the customer's history."""
    audit_record(organisation=link.organisation, actor=portal_actor(link),
                 action="portal_viewed", entity_type="customer",
                 entity_id=str(link.customer.uuid), after={"page": page})  # fmt: skip
