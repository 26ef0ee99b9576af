"""Celery tasks of the channels app (distributed mode): thin wrappers over the outbox."""

from __future__ import annotations

import os
import socket

from celery import shared_task

from relance.channels.outbox import send_due


@shared_task(name="relance.channels.tasks.send_outbox", acks_late=True)
def send_outbox() -> int:
    """Send what is due. Delivered twice or run by two workers, it still sends each message
    once: each message is claimed by a conditional UPDATE."""
    return send_due(worker=f"{socket.gethostname()}:{os.getpid()}").sent


@shared_task(name="relance.channels.tasks.send_sms", acks_late=True)
def send_sms() -> int:
    """Send the SMS that are due and within their recipients' sending hours."""
    from django.conf import settings

    from relance.channels.sms.backends import backend_from_url
    from relance.channels.sms.service import send_due_sms

    backend = backend_from_url(settings.SMS_URL)
    return send_due_sms(worker=f"{socket.gethostname()}:{os.getpid()}", backend=backend).sent


@shared_task(name="relance.channels.tasks.poll_mailbox")
def poll_mailbox() -> int:
    """Read bounces and replies from IMAP_URL (nothing to do when it is not set)."""
    from django.conf import settings

    from relance.channels.email.mailbox import mailbox_from_url, mailbox_poll

    if not settings.IMAP_URL:
        return 0
    return sum(mailbox_poll(mailbox_from_url(settings.IMAP_URL)).values())
