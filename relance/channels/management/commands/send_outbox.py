"""relance send-outbox: send the e-mails that are due (embedded mode; Celery in distributed)."""

from __future__ import annotations

import os
import socket
from typing import Any

from django.core.management.base import BaseCommand

from relance.channels.outbox import send_due


class Command(BaseCommand):
    help = "Envoyer les messages en attente de l'outbox."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = send_due(worker=f"{socket.gethostname()}:{os.getpid()}")
        self.stdout.write(
            f"Envoyés : {summary.sent}, annulés : {summary.cancelled}, "
            f"à réessayer : {summary.failed}, en échec : {summary.dead}."
        )
