"""relance check: Django's system checks, then where e-mails go (console, files or a server):
an installation that would send nothing says so before the first morning."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.check import Command as DjangoCheck
from django.utils.translation import gettext as _

from relance.channels.email.transports import CONSOLE, email_destination


class Command(DjangoCheck):
    def handle(self, *app_labels: Any, **options: Any) -> None:
        super().handle(*app_labels, **options)
        if settings.EMAIL_BACKEND == CONSOLE:
            self.stderr.write(
                _(
                    "Attention : %(destination)s Pour envoyer : "
                    "EMAIL_URL=smtp://utilisateur:motdepasse@serveur:587?tls=1 "
                    "(voir docs/configuration.md)."
                )
                % {"destination": email_destination()}
            )
        else:
            self.stdout.write(email_destination())
