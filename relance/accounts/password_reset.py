"""Asking for a password link: throttled, and answered before anything depends on the account.

The request only counts and writes one row, the same for an e-mail that has an account and
one that has none, so neither the answer nor its timing tells them apart. The link is looked
up and sent after the answer, by a thread started once the row is committed.

Within an hour, at most ``RELANCE_PASSWORD_RESET_PER_EMAIL`` links go to one e-mail and
``RELANCE_PASSWORD_RESET_PER_IP`` requests are taken from one network address: a mailbox
cannot be flooded, nor the site used to send mail in bulk. Refused requests are not written,
so they do not extend the wait of the person who owns the mailbox.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from relance.accounts.mail import password_reset_email_send
from relance.accounts.models import PasswordResetRequest, User
from relance.accounts.signin import normalise_email

WINDOW = timedelta(hours=1)
KEEP = timedelta(days=1)
THREAD_NAME = "relance-password-reset"

log = logging.getLogger("relance.security")


def password_reset_request(*, email: str, ip: str | None, language: str = "") -> bool:
    """Take a request for a password link; False when the limits hold it (the person is told
    the same either way)."""
    email = normalise_email(email)
    now = timezone.now()
    with transaction.atomic():
        PasswordResetRequest.objects.filter(at__lt=now - KEEP).delete()
        recent = PasswordResetRequest.objects.filter(at__gte=now - WINDOW)
        if recent.filter(email=email).count() >= settings.RELANCE_PASSWORD_RESET_PER_EMAIL or (
            ip and recent.filter(ip=ip).count() >= settings.RELANCE_PASSWORD_RESET_PER_IP
        ):
            log.warning("password reset held for %s from %s: too many requests", email, ip)
            return False
        request = PasswordResetRequest.objects.create(
            email=email, ip=ip or None, language=language[:5], at=now
        )
        transaction.on_commit(lambda: _send_later(request.pk))
    return True


def _send_later(request_id: int) -> None:
    threading.Thread(
        target=_send_in_thread, args=(request_id,), name=THREAD_NAME, daemon=True
    ).start()


def _send_in_thread(request_id: int) -> None:
    try:
        password_reset_deliver(request_id=request_id)
    except Exception:  # a thread has no one to tell: the log does
        log.exception("password reset %s was not sent", request_id)
    finally:
        connections.close_all()  # this thread's own connections


def password_reset_deliver(*, request_id: int) -> int:
    """Send the link of a request to each active account with its e-mail (none for an
    unknown e-mail); the request is claimed first, so it is sent at most once. Returns how
    many e-mails left."""
    claimed = PasswordResetRequest.objects.filter(pk=request_id, handled_at=None).update(
        handled_at=timezone.now()
    )
    if not claimed:
        return 0
    request = PasswordResetRequest.objects.get(pk=request_id)
    users = User.objects.filter(email__iexact=request.email, is_active=True)
    return sum(password_reset_email_send(user=user, language=request.language) for user in users)
