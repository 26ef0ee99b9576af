"""relance scheduler [--at HH:MM] [--once]: the daily run of the embedded mode.

It runs every organisation's day at start (catching up a day missed while the machine was
off) and then every day at the given time. In the distributed mode, Celery beat does this.
"""

from __future__ import annotations

import time as clock
from argparse import ArgumentParser
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relance.dunning.management.commands.run_day import render_summary
from relance.dunning.schedule import run_all_organisations


def next_run(now: datetime, at: time) -> datetime:
    """The next moment at ``at`` (server time zone) strictly after ``now``."""
    today = timezone.localtime(now).replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return today if today > now else today + timedelta(days=1)


class Command(BaseCommand):
    help = "Lancer les relances de chaque organisation tous les jours (mode intégré)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--at", default="07:00", help="heure du passage quotidien (HH:MM)")
        parser.add_argument("--once", action="store_true", help="un passage, puis s'arrêter")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            at = time.fromisoformat(options["at"])
        except ValueError as exc:
            raise CommandError(f"Heure « {options['at']} » invalide : attendu HH:MM.") from exc
        if settings.RELANCE_EXECUTION != "inline":
            raise CommandError("RELANCE_EXECUTION=celery : le passage quotidien est celui de "
                               "« celery -A relance beat ».")  # fmt: skip
        while True:
            for slug, summary in run_all_organisations().items():
                self.stdout.write(f"[{slug}] {render_summary(summary)}")
            if options["once"]:
                return
            wake = next_run(timezone.now(), at)
            self.stdout.write(f"Prochain passage : {timezone.localtime(wake):%d/%m/%Y %H:%M}")
            self.stdout.flush()
            clock.sleep(max(1.0, (wake - timezone.now()).total_seconds()))
