"""The daily run of every organisation, on its own calendar day."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from django.utils import timezone

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.dunning.run import RunSummary, run_day


def local_day(organisation: Organisation, now: datetime | None = None) -> date:
    """Today in the organisation's time zone."""
    moment = now or timezone.now()
    return moment.astimezone(zoneinfo.ZoneInfo(organisation.timezone)).date()


def run_all_organisations(*, now: datetime | None = None) -> dict[str, RunSummary]:
    """Run the day of each organisation. Safe to repeat: a day already run records nothing."""
    actor = Actor.system("daily run")
    return {
        organisation.slug: run_day(
            organisation=organisation, day=local_day(organisation, now), actor=actor
        )
        for organisation in Organisation.objects.order_by("slug")
    }
