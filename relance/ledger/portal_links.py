"""Links to the debtor portal: issued per customer, expiring, revocable.

The token in a link is the HMAC of the link's uuid under the secret key: the same link gives
the same token every time it is put in a message, and only its SHA-256 is stored, so the
database alone opens no account. Changing the secret key ends every link.
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

PREFIX = "p/"  # where the portal's pages start (relance/urls.py mounts it here)
HIT_WINDOW = timedelta(hours=1)
CHUNK = 500


def portal_token(link_uuid: uuid.UUID) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"relance.portal:" + link_uuid.bytes, hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def portal_url(token: str) -> str:
    """The absolute address of a link, as reminders print it."""
    return f"{settings.RELANCE_PUBLIC_URL.rstrip('/')}/{PREFIX}{token}/"


def _lifetime() -> timedelta:
    return timedelta(days=settings.RELANCE_PORTAL_LINK_DAYS)


def _reusable(now: datetime) -> dict[str, object]:
    # A link is put in a new message only while it has at least half its life ahead, so the
    # link in a reminder outlives the reminder's own follow-up.
    return {"revoked_at": None, "expires_at__gt": now + _lifetime() / 2}


def portal_links_issue(
    *, organisation: Organisation, customer_ids: Iterable[int], actor: Actor
) -> dict[int, str]:
    """The portal address of each customer, for a whole batch in a few queries: the link
    still good for long enough, else a new one."""
    now = timezone.now()
    ids = sorted(set(customer_ids))
    found: dict[int, uuid.UUID] = {}
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            rows = (
                PortalLink.objects.filter(organisation=organisation,
                                          customer_id__in=ids[start : start + CHUNK],
                                          **_reusable(now))
                .order_by("customer_id", "-expires_at").values_list("customer_id", "uuid")
            )  # fmt: skip
            for customer_id, link_uuid in rows:
                found.setdefault(customer_id, link_uuid)
        new = [
            PortalLink(organisation=organisation, customer_id=customer_id, uuid=uuid.uuid4(),
                       created_at=now, expires_at=now + _lifetime())
            for customer_id in ids if customer_id not in found
        ]  # fmt: skip
        for link in new:
            link.token_hash = token_hash(portal_token(link.uuid))
            found[link.customer_id] = link.uuid
        PortalLink.objects.bulk_create(new, batch_size=CHUNK)
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
    return {customer_id: portal_url(portal_token(value)) for customer_id, value in found.items()}


def portal_link_issue(*, customer: Customer, actor: Actor) -> str:
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
    """The link a token opens, or why it opens nothing."""
    if not token or len(token) > 64:
        return Resolved(None, "unknown")
    link = (
        PortalLink.objects.filter(token_hash=token_hash(token))
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
