"""Locking sign-in after repeated failures, so passwords cannot be guessed one after another.

``MAX_PER_EMAIL`` failures for one e-mail within ``WINDOW`` lock that e-mail for ``LOCK_FOR``
from the last of them; ``MAX_PER_IP`` failures from one address lock that address the same
way (higher, because a whole office may sign in from one address). While locked, attempts are
refused before the password is even checked, and are not counted: the lock ends on time.
A successful sign-in or a password reset clears the e-mail's failures.

Every way in goes through ``SignInLockBackend``, the only authentication backend: the app's
sign-in page, the Django admin's, and any later exchange of a password for a token all call
``authenticate()``, so none of them can go around the lock or leave a failure uncounted.

Each check reads at most a few timestamps through an index: cheap enough for every attempt.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Membership, SignInFailure, User

MAX_PER_EMAIL = 5
MAX_PER_IP = 20
WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
# Failures older than this serve no check any more; they are deleted as new ones come.
KEEP = timedelta(days=1)

log = logging.getLogger("relance.security")


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the connection comes from. Forwarding headers are not trusted: anyone can
    write them, and would then pick whose address gets locked."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def normalise_email(email: str) -> str:
    return email.strip().lower()[:254]


def _lock_end(times: list[datetime], limit: int) -> datetime | None:
    """``times``: the latest failures, newest first. When the latest ``limit`` of them fall
    within the window, the lock they set runs from the newest one."""
    if len(times) < limit or times[0] - times[limit - 1] >= WINDOW:
        return None
    return times[0] + LOCK_FOR


def _latest(*, email: str = "", ip: str | None = None, limit: int) -> list[datetime]:
    rows = (
        SignInFailure.objects.filter(email=email) if email else SignInFailure.objects.filter(ip=ip)
    )
    return list(rows.order_by("-at").values_list("at", flat=True)[:limit])


def sign_in_locked_until(
    *, email: str, ip: str | None, now: datetime | None = None
) -> datetime | None:
    """When sign-in for this e-mail (or from this address) opens again; None if it is open."""
    now = now or timezone.now()
    ends = [_lock_end(_latest(email=normalise_email(email), limit=MAX_PER_EMAIL), MAX_PER_EMAIL)]
    if ip:
        ends.append(_lock_end(_latest(ip=ip, limit=MAX_PER_IP), MAX_PER_IP))
    current = [end for end in ends if end is not None and end > now]
    return max(current) if current else None


@transaction.atomic
def sign_in_failure_record(*, email: str, ip: str | None) -> datetime | None:
    """Count a failed sign-in; when it locks the e-mail or the address, record the lock and
    return when it ends."""
    now = timezone.now()
    email = normalise_email(email)
    SignInFailure.objects.filter(at__lt=now - KEEP).delete()
    SignInFailure.objects.create(email=email, ip=ip or None, at=now)
    until = sign_in_locked_until(email=email, ip=ip, now=now)
    if until is not None:
        _record_lock(email=email, ip=ip, now=now, until=until)
    return until


def _record_lock(*, email: str, ip: str | None, now: datetime, until: datetime) -> None:
    log.warning("sign-in locked until %s for %s from %s", until.isoformat(), email, ip or "?")
    # The organisations of the account, if there is one, see it in their audit trail; an
    # unknown e-mail has no organisation and is only logged.
    memberships = Membership.objects.filter(user__email=email).select_related(
        "organisation", "user"
    )
    for membership in memberships:
        audit_record(
            organisation=membership.organisation,
            actor=Actor.system(f"connexion depuis {ip or 'une adresse inconnue'}"),
            action="sign_in_locked",
            entity_type="user",
            entity_id=str(membership.user.uuid),
            after={"email": email, "ip": ip, "until": until.isoformat()},
        )


def sign_in_failures_clear(*, email: str) -> int:
    """After a successful sign-in or a password reset: the e-mail starts afresh."""
    deleted, _ = SignInFailure.objects.filter(email=normalise_email(email)).delete()
    return deleted


class SignInLocked(PermissionDenied):
    """Refused by the lock: ``authenticate()`` stops at once, trying no other backend."""


class SignInLockBackend(ModelBackend):
    """Django's e-mail and password check, behind the lock: while the e-mail or the address
    is locked even the right password is refused, unchecked; a wrong one is counted."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if email is None or password is None:
            return None  # not a password sign-in: nothing to count
        ip = client_ip(request)
        if sign_in_locked_until(email=email, ip=ip) is not None:
            raise SignInLocked
        user = super().authenticate(request, username=normalise_email(email), password=password)
        if user is None:
            if sign_in_failure_record(email=email, ip=ip) is not None:
                raise SignInLocked
            return None
        sign_in_failures_clear(email=email)
        return user
