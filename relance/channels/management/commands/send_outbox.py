"""relance send-outbox [--limit N] [--now]: send what is due (embedded mode; Celery in
distributed mode): every e-mail due within its organisation's sending window, then the SMS due
within their recipients' hours."""

from __future__ import annotations

import os
import socket
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.channels.email.transports import email_destination
from relance.channels.outbox import send_due
from relance.channels.sms.backends import backend_from_url
from relance.channels.sms.service import send_due_sms
from relance.lib.cli import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop("Envoyer les messages en attente de l'outbox (e-mails puis SMS).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=None, help=_("envoyer au plus N e-mails (tous par défaut)")
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help=_("envoyer sans attendre la plage d'envoi de l'organisation"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError(_("--limit : un nombre de messages, au moins 1."))
        self.stderr.write(email_destination())
        worker = f"{socket.gethostname()}:{os.getpid()}"
        summary = send_due(worker=worker, limit=limit, ignore_window=options["now"])
        self.stdout.write(
            _(
                "E-mails envoyés : %(sent)s, annulés : %(cancelled)s, à réessayer : "
                "%(failed)s, en échec : %(dead)s."
            )
            % {
                "sent": summary.sent,
                "cancelled": summary.cancelled,
                "failed": summary.failed,
                "dead": summary.dead,
            }
        )
        if summary.waiting:
            self.stdout.write(
                _(
                    "En attente de la plage d'envoi : %(waiting)s (relance send-outbox --now "
                    "pour les envoyer tout de suite)."
                )
                % {"waiting": summary.waiting}
            )
        sms = send_due_sms(worker=worker, backend=backend_from_url(settings.SMS_URL))
        if sms.sent or sms.deferred or sms.cancelled or sms.failed or sms.dead:
            self.stdout.write(
                _(
                    "SMS envoyés : %(sent)s, en attente des heures d'envoi : %(deferred)s, "
                    "annulés : %(cancelled)s, en échec : %(failed)s."
                )
                % {
                    "sent": sms.sent,
                    "deferred": sms.deferred,
                    "cancelled": sms.cancelled,
                    "failed": sms.failed + sms.dead,
                }
            )
