"""relance check: Django's system checks, then where e-mails go (console, files or a server):
an installation that would send nothing says so before the first morning."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.check import Command as DjangoCheck

from relance.channels.email.transports import CONSOLE, email_destination


class Command(DjangoCheck):
    def handle(self, *app_labels: Any, **options: Any) -> None:
        super().handle(*app_labels, **options)
        if settings.EMAIL_BACKEND == CONSOLE:
            self.stderr.write(
                f"Attention : {email_destination()} "
                "Pour envoyer : EMAIL_URL=smtp://utilisateur:motdepasse@serveur:587?tls=1 "
                "(voir docs/configuration.md)."
            )
        else:
            self.stdout.write(email_destination())
