"""An organisation's calendar day: the one clock the daily cycle and the pages agree on."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from django.utils import timezone

from relance.accounts.models import Organisation


def local_day(organisation: Organisation, now: datetime | None = None) -> date:
    """Today in the organisation's time zone."""
    moment = now or timezone.now()
    return moment.astimezone(zoneinfo.ZoneInfo(organisation.timezone)).date()


def local_time(organisation: Organisation, now: datetime | None = None) -> datetime:
    """Now on the organisation's wall clock."""
    moment = now or timezone.now()
    return moment.astimezone(zoneinfo.ZoneInfo(organisation.timezone))
