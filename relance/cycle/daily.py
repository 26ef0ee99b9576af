"""The morning cycle of every organisation, on its own calendar day.

Balances aged afresh, segments recomputed, the month-end figures, the cash-in forecast, the
day planned and recorded, the to-do cleared of what was paid overnight, and the day's
automatic e-mails and SMS written into the outbox (``send-outbox``, the scheduler or the
Celery worker send them, within the sending window). Safe to repeat: a day already run
records nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.accounts.models import Organisation
from relance.channels.compose import outbox_fill
from relance.core.planner import DayPlan
from relance.cycle.freshness import stale_bank_data_hold
from relance.dunning.run import RunSummary, run_day
from relance.dunning.segments import segments_recompute
from relance.dunning.todo import todo_withdraw_settled
from relance.ledger.balances import customer_balances_refresh
from relance.lib.progress import Progress
from relance.rates.selectors import RateWarning, rate_warnings_log
from relance.reports.digest_send import DigestRun, digest_due, weekly_digests_send
from relance.reports.forecast_record import cash_forecast_record
from relance.reports.services import group_monthly_figures_record, monthly_figures_record


@dataclass
class CycleSummary:
    run: RunSummary
    outbox: dict[str, int] = field(
        default_factory=dict
    )  # queued, no_address, held, sms, stale_bank_data
    withdrawn: int = 0  # to-do tasks no longer due
    rate_warnings: list[RateWarning] = field(default_factory=list)  # tables about to run out
    digests: DigestRun | None = None  # the collectors' weekly digests (Mondays)

    @property
    def plan(self) -> DayPlan:
        return self.run.plan


def daily_cycle(
    *, organisation: Organisation, day: date, actor: Actor, progress: Progress | None = None
) -> CycleSummary:
    """What happens each morning for one organisation."""
    with transaction.atomic():
        # Ageing moves with the calendar: balances are aged afresh each morning.
        customer_balances_refresh(organisation=organisation, as_of=day)
        segments_recompute(organisation=organisation, as_of=day, actor=actor)
    # The dashboard's month-end history, read from a snapshot rather than the whole ledger.
    monthly_figures_record(organisation=organisation, day=day)
    withdrawn = todo_withdraw_settled(organisation=organisation, today=day, actor=actor)
    run = run_day(organisation=organisation, day=day, actor=actor, progress=progress)
    held = stale_bank_data_hold(organisation=organisation, day=day)
    outbox = outbox_fill(organisation=organisation, day=day, actor=actor)
    outbox["stale_bank_data"] = held
    # The dashboard's 13 weeks of expected receipts, computed once rather than per page; after
    # the messages, which must not wait for it.
    cash_forecast_record(organisation=organisation, day=day)
    # The analysis page's DSO per segment, collector and filter, read from the same kind of
    # snapshot: every month per group of customers, rewritten each morning.
    group_monthly_figures_record(organisation=organisation, day=day)
    warnings = rate_warnings_log(organisation=organisation, day=day)  # tables running out
    # Last, on the morning's figures: each collector's week, once per week whatever reruns.
    digests = weekly_digests_send(organisation=organisation, day=day) if digest_due(day) else None
    return CycleSummary(run=run, outbox=outbox, withdrawn=len(withdrawn), rate_warnings=warnings,
                        digests=digests)  # fmt: skip


def run_all_organisations(*, now: datetime | None = None) -> dict[str, CycleSummary]:
    """Run the day of each organisation. Safe to repeat: a day already run records nothing."""
    actor = Actor.system("daily run")
    return {
        organisation.slug: daily_cycle(
            organisation=organisation, day=local_day(organisation, now), actor=actor
        )
        for organisation in Organisation.objects.order_by("slug")
    }
