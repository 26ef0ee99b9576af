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
from relance.ledger.balances import customer_balances_refresh
from relance.rates.selectors import rate_warnings_log
from relance.reports.services import monthly_figures_record


def local_day(organisation: Organisation, now: datetime | None = None) -> date:
    """Today in the organisation's time zone."""
    moment = now or timezone.now()
    return moment.astimezone(zoneinfo.ZoneInfo(organisation.timezone)).date()


def daily_cycle(*, organisation: Organisation, day: date, actor: Actor) -> RunSummary:
    """What happens each morning: segments brought up to date, the day's reminders, and
    their e-mails written into the outbox (sent by ``send-outbox`` or the Celery worker)."""
    from relance.channels.compose import outbox_fill

    with transaction.atomic():
        # Ageing moves with the calendar: balances are aged afresh each morning.
        customer_balances_refresh(organisation=organisation, as_of=day)
        segments_recompute(organisation=organisation, as_of=day, actor=actor)
    # The dashboard's month-end history, read from a snapshot rather than the whole ledger.
    monthly_figures_record(organisation=organisation, day=day)
    summary = run_day(organisation=organisation, day=day, actor=actor)
    outbox_fill(organisation=organisation, day=day, actor=actor)
    rate_warnings_log(organisation=organisation, day=day)  # a rate table about to run out
    return summary


def run_all_organisations(*, now: datetime | None = None) -> dict[str, RunSummary]:
    """Run the day of each organisation. Safe to repeat: a day already run records nothing."""
    actor = Actor.system("daily run")
    return {
        organisation.slug: daily_cycle(
            organisation=organisation, day=local_day(organisation, now), actor=actor
        )
        for organisation in Organisation.objects.order_by("slug")
    }
