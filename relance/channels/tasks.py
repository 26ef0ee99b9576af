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
