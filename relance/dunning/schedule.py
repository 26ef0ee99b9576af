"""The daily run of every organisation, on its own calendar day."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.dunning.run import RunSummary, run_day
from relance.dunning.segments import segments_recompute


def local_day(organisation: Organisation, now: datetime | None = None) -> date:
    """Today in the organisation's time zone."""
    moment = now or timezone.now()
    return moment.astimezone(zoneinfo.ZoneInfo(organisation.timezone)).date()


def daily_cycle(*, organisation: Organisation, day: date, actor: Actor) -> RunSummary:
    """What happens each morning: segments brought up to date, then the day's reminders."""
    with transaction.atomic():
        segments_recompute(organisation=organisation, as_of=day, actor=actor)
    return run_day(organisation=organisation, day=day, actor=actor)


def run_all_organisations(*, now: datetime | None = None) -> dict[str, RunSummary]:
    """Run the day of each organisation. Safe to repeat: a day already run records nothing."""
    actor = Actor.system("daily run")
    return {
        organisation.slug: daily_cycle(
            organisation=organisation, day=local_day(organisation, now), actor=actor
        )
        for organisation in Organisation.objects.order_by("slug")
    }
