"""Celery tasks of the dunning app: ids in, one service called."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.accounts.models import Organisation
from relance.cycle.daily import daily_cycle


@shared_task(name="relance.cycle.tasks.run_organisation_day", acks_late=True)
def run_organisation_day(organisation_id: int, day: str | None = None) -> int:
    """Run one organisation's day; returns the number of messages recorded."""
    organisation = Organisation.objects.get(pk=organisation_id)
    when = date.fromisoformat(day) if day else local_day(organisation)
    summary = daily_cycle(organisation=organisation, day=when, actor=Actor.system("daily run"))
    return len(summary.plan.messages)


@shared_task(name="relance.cycle.tasks.run_all_days")
def run_all_days() -> int:
    """Fan out one task per organisation (each day is idempotent, so retries are safe)."""
    ids = list(Organisation.objects.values_list("id", flat=True))
    for organisation_id in ids:
        run_organisation_day.delay(organisation_id)
    return len(ids)
