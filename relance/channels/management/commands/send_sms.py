"""relance send_sms: send the SMS that are due; --stop records a STOP received another way."""

from __future__ import annotations

import os
import socket
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.channels.sms.backends import backend_from_url
from relance.channels.sms.service import SmsRefused, send_due_sms, sms_opt_out_record
from relance.lib.cli import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop(
        "Envoyer les SMS en attente (dans les heures permises), ou enregistrer un STOP."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--stop", metavar="NUMERO", help=_("enregistrer un STOP pour ce numéro")
        )
        parser.add_argument("--organisation", metavar="SLUG", help=_("organisation du STOP"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["stop"]:
            self._stop(options["stop"], options["organisation"])
            return
        backend = backend_from_url(settings.SMS_URL)
        summary = send_due_sms(worker=f"{socket.gethostname()}:{os.getpid()}", backend=backend)
        self.stdout.write(
            _(
                "Envoyés : %(sent)s, hors heures (reportés) : %(deferred)s, annulés : "
                "%(cancelled)s, à réessayer : %(failed)s, en échec : %(dead)s, incertains : "
                "%(uncertain)s."
            )
            % {
                "sent": summary.sent,
                "deferred": summary.deferred,
                "cancelled": summary.cancelled,
                "failed": summary.failed,
                "dead": summary.dead,
                "uncertain": summary.uncertain,
            }
        )

    def _stop(self, phone: str, slug: str | None) -> None:
        if not slug:
            raise CommandError(_("--stop demande --organisation SLUG."))
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(_("Organisation « %(slug)s » inconnue.") % {"slug": slug})
        try:
            created = sms_opt_out_record(
                organisation=organisation, phone=phone, source="manual", actor=Actor.system("cli")
            )
        except SmsRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("STOP enregistré.") if created else _("Ce numéro avait déjà demandé STOP.")
        )
