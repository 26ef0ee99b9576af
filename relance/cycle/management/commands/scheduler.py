"""relance scheduler [--at HH:MM] [--every SECONDS] [--once]: the embedded mode's clock.

At start it runs each organisation's morning cycle (catching up a day missed while the machine
was off: the planner never waits for an exact day), then, every ``--every`` seconds: the cycle
of each organisation whose new day has begun (from ``--at``, in its time zone), and the sending
of what is due, e-mails within each organisation's sending window, SMS within the debtors'
hours. In the distributed mode, Celery beat does this.
"""

from __future__ import annotations

import os
import socket
import time as clock
from argparse import ArgumentParser
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day, local_time
from relance.accounts.models import Organisation
from relance.channels.email.transports import email_destination
from relance.channels.outbox import send_due
from relance.channels.sms.backends import backend_from_url
from relance.channels.sms.service import send_due_sms
from relance.cycle.daily import daily_cycle
from relance.cycle.management.commands.run_day import render_summary
from relance.lib.cli import TranslatedCommand
from relance.lib.text import day_text


def next_run(now: datetime, at: time) -> datetime:
    """The next moment at ``at`` (server time zone) strictly after ``now``."""
    today = timezone.localtime(now).replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return today if today > now else today + timedelta(days=1)


def cycle_due(organisation: Organisation, *, now: datetime, at: time, last: date | None) -> bool:
    """Whether the organisation's cycle should run now: never run by this scheduler yet
    (catch-up at start), or a new day has begun on its clock and ``at`` has passed."""
    if last is None:
        return True
    return local_day(organisation, now) > last and local_time(organisation, now).time() >= at


class Command(TranslatedCommand):
    help = gettext_noop("Passage quotidien et envois de chaque organisation (mode intégré).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--at",
            default="07:00",
            help=_("heure du passage quotidien, heure de l'organisation (HH:MM)"),
        )
        parser.add_argument(
            "--every", type=int, default=60, help=_("secondes entre deux tours d'envoi")
        )
        parser.add_argument("--once", action="store_true", help=_("un tour, puis s'arrêter"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            at = time.fromisoformat(options["at"])
        except ValueError as exc:
            raise CommandError(
                _("Heure « %(time)s » invalide : attendu HH:MM.") % {"time": options["at"]}
            ) from exc
        if settings.RELANCE_EXECUTION != "inline":
            raise CommandError(
                _(
                    "RELANCE_EXECUTION=celery : le passage quotidien est celui de « celery -A "
                    "relance beat »."
                )
            )
        self.stderr.write(email_destination())
        last_cycle: dict[int, date] = {}
        while True:
            self.tick(at, last_cycle)
            if options["once"]:
                return
            self.stdout.flush()
            clock.sleep(max(1, options["every"]))

    def tick(self, at: time, last_cycle: dict[int, date]) -> None:
        now = timezone.now()
        actor = Actor.system("daily run")
        for organisation in Organisation.objects.order_by("slug"):
            if cycle_due(organisation, now=now, at=at, last=last_cycle.get(organisation.pk)):
                day = local_day(organisation, now)
                summary = daily_cycle(organisation=organisation, day=day, actor=actor)
                last_cycle[organisation.pk] = day
                self.stdout.write(f"[{organisation.slug}] {render_summary(summary)}")
        worker = f"{socket.gethostname()}:{os.getpid()}"
        sent = send_due(worker=worker)
        sms = send_due_sms(worker=worker, backend=backend_from_url(settings.SMS_URL))
        if sent.sent or sent.cancelled or sent.failed or sent.dead or sms.sent:
            moment = timezone.localtime(now)
            self.stdout.write(
                ngettext(
                    "%(day)s %(time)s envoyés : %(emails)s e-mail(s), %(sms)s SMS ; annulés : "
                    "%(cancelled)s ; en échec : %(failed)s ; en attente de la plage d'envoi : "
                    "%(waiting)s",
                    "%(day)s %(time)s envoyés : %(emails)s e-mail(s), %(sms)s SMS ; annulés : "
                    "%(cancelled)s ; en échec : %(failed)s ; en attente de la plage d'envoi : "
                    "%(waiting)s",
                    sent.sent,
                )
                % {
                    "day": day_text(moment.date()),
                    "time": f"{moment:%H:%M}",
                    "emails": sent.sent,
                    "sms": sms.sent,
                    "cancelled": sent.cancelled + sms.cancelled,
                    "failed": sent.failed + sent.dead + sms.failed + sms.dead,
                    "waiting": sent.waiting,
                }
            )
