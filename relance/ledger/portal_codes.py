"""One-time codes for the portal's sensitive actions.

The code goes to the customer's billing address on record, never to one typed on the portal:
whoever holds a forwarded link cannot also read that mailbox. Six digits, valid
``CODE_LIFETIME``, ``MAX_ATTEMPTS`` tries; only an HMAC of it is kept, keyed with the secret
key and the link, so the database alone gives no code away. A new code replaces the previous
one, and a link gets at most ``MAX_CODES_PER_HOUR`` codes an hour so that the portal cannot be
used to flood the customer's mailbox.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from relance.ledger.models import Contact, ContactRole, Customer, PortalCode, PortalLink

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5


def billing_email(customer: Customer) -> str:
    """The address codes go to: the primary billing contact's, else the first billing
    contact's with an address; "" when the customer has none."""
    found = (
        Contact.objects.filter(customer=customer, role=ContactRole.BILLING).exclude(email="")
        .order_by("-is_primary", "id").values_list("email", flat=True).first()
    )  # fmt: skip
    return found or ""


def _hash(link: PortalLink, code: str) -> str:
    message = b"relance.portal.code:" + link.uuid.bytes + b":" + code.encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class CodeRefused(ValueError):
    """Why no code was sent (``no_email``, ``code_flood``)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@transaction.atomic
def portal_code_issue(*, link: PortalLink) -> tuple[str, str]:
    """A new code for the link and the address to send it to: ``(code, address)``. The
    caller sends it; the code is never stored as such."""
    address = billing_email(link.customer)
    if not address:
        raise CodeRefused("no_email")
    now = timezone.now()
    PortalLink.objects.select_for_update().filter(pk=link.pk).first()  # one issuer at a time
    if PortalCode.objects.filter(link=link, created_at__gt=now - timedelta(hours=1)).count() >= (
        MAX_CODES_PER_HOUR
    ):
        raise CodeRefused("code_flood")
    PortalCode.objects.filter(link=link, used_at=None).update(expires_at=now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    PortalCode.objects.create(link=link, code_hash=_hash(link, code), created_at=now,
                              expires_at=now + CODE_LIFETIME)  # fmt: skip
    return code, address


@dataclass(frozen=True)
class CodeCheck:
    code: PortalCode | None  # the right, live code; None when refused
    problem: str = ""  # code_missing | code_expired | code_wrong | code_exhausted


def portal_code_check(*, link: PortalLink, typed: str) -> CodeCheck:
    """Whether ``typed`` is the link's live code. A wrong try counts (and is kept even when
    the caller's work fails afterwards); the right code is spent by ``portal_code_spend``."""
    latest = PortalCode.objects.filter(link=link, used_at=None).order_by("-created_at").first()
    if latest is None:
        return CodeCheck(None, "code_missing")
    if latest.expires_at <= timezone.now():
        return CodeCheck(None, "code_expired")
    if latest.attempts >= MAX_ATTEMPTS:
        return CodeCheck(None, "code_exhausted")
    typed = typed.strip().replace(" ", "")
    if (
        len(typed) == 6
        and typed.isdigit()
        and hmac.compare_digest(latest.code_hash, _hash(link, typed))
    ):
        return CodeCheck(latest)
    PortalCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
    return CodeCheck(
        None, "code_exhausted" if latest.attempts + 1 >= MAX_ATTEMPTS else "code_wrong"
    )


def portal_code_spend(code: PortalCode) -> bool:
    """Use the code up, within the caller's transaction; False when it was used meanwhile."""
    return bool(PortalCode.objects.filter(pk=code.pk, used_at=None).update(used_at=timezone.now()))
