"""The daily run: plan the day for an organisation and record what it decided.

Automatic steps become reminders ready to send (the channels send them); manual steps become
to-do items. Recording moves nothing yet: a step counts once it is done (see
``relance.dunning.completion``). The run is idempotent: a customer with a reminder under way
gets nothing new, so the same day run again plans nothing; the organisation is locked for the
run and a unique constraint (one message per customer, day, channel and currency) makes two
workers running at once unable to record anything twice.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.db import transaction

from relance.accounts.audit import Actor, audit_record_many
from relance.accounts.models import Organisation
from relance.core.calendar import for_customer
from relance.core.planner import CustomerState, DayPlan, PlannedMessage, Rules, plan_day
from relance.core.rates import load_rate_tables
from relance.core.scenario import options_of
from relance.dunning.models import (
    DunningSettings,
    Reminder,
    ReminderItem,
    ReminderStatus,
)
from relance.dunning.scenarios import scenarios_ensure_presets, scenarios_of
from relance.dunning.services import pauses_end, payment_plans_check, promises_check_broken
from relance.dunning.state import customer_states
from relance.lib import bulk
from relance.lib.progress import Progress


@dataclass
class RunSummary:
    plan: DayPlan
    recorded: bool
    by_step: Counter[tuple[str, str]] = field(default_factory=Counter)  # (step, channel)
    todo: int = 0
    ready: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def dunning_rules(organisation: Organisation) -> Rules:
    settings = DunningSettings.of(organisation)
    return Rules(
        min_gap_days=settings.min_gap_days,
        min_amount=settings.min_amount,
        promise_grace_days=settings.promise_grace_days,
        be_consumer_wait=belgian_consumer_wait(),
    )


def belgian_consumer_wait() -> tuple[int, int, int]:
    """The Belgian consumer's waiting period after the free first reminder, from the regime
    parameters data file (the same numbers the penalty computation reads)."""
    tables = load_rate_tables()
    return (
        int(tables.parameter("BE-B2C", "waiting_days").value),
        int(tables.parameter("BE-B2C", "paper_start_working_day").value),
        int(tables.parameter("BE-B2C", "email_start_day").value),
    )


def day_plan(organisation: Organisation, *, day: date, progress: Progress | None = None) -> DayPlan:
    """What the run would do on ``day``, without doing it."""
    progress = progress or Progress()
    scenarios_ensure_presets(organisation)
    progress.phase("Chargement du grand livre", 0)
    states = list(customer_states(organisation, scenarios_of(organisation)))
    progress.phase("Planification", len(states))

    def counted() -> Iterator[CustomerState]:
        for done, state in enumerate(states, 1):
            if done % 1000 == 0:
                progress.advance(done)
            yield state
        progress.advance(len(states))

    plan = plan_day(
        counted(), today=day, rules=dunning_rules(organisation), calendar_for=for_customer
    )
    progress.close()
    return plan


def run_day(
    *,
    organisation: Organisation,
    day: date,
    actor: Actor,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> RunSummary:
    with transaction.atomic():
        # One run at a time per organisation: a second one waits, then finds nothing to do.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if not dry_run:
            pauses_end(organisation=organisation, day=day, actor=actor)
            promises_check_broken(organisation=organisation, day=day, actor=actor)
            payment_plans_check(organisation=organisation, day=day, actor=actor)
        plan = day_plan(organisation, day=day, progress=progress)
        summary = RunSummary(plan=plan, recorded=not dry_run)
        for message in plan.messages:
            summary.by_step[(message.step.key, message.step.channel)] += 1
            if message.step.mode == "manual":
                summary.todo += 1
            else:
                summary.ready += 1
        summary.skipped.update(skip.reason for skip in plan.skipped)
        if not dry_run and plan.messages:
            _record(organisation, plan, actor)
    return summary


def _record(organisation: Organisation, plan: DayPlan, actor: Actor) -> None:
    messages = plan.messages
    reminder_ids = bulk.reserve_ids(Reminder, len(messages))
    new_uuid = bulk.uuid_factory()
    uuids = [new_uuid() for _ in messages]
    now = bulk.now_for_db()
    bulk.insert_rows(
        Reminder,
        ("id", "uuid", "organisation_id", "customer_id", "run_date", "step", "template",
         "channel", "mode", "currency", "amount_due", "penalties", "tone", "status", "notes",
         "created_at", "options"),
        (
            (pk, uuid, organisation.pk, m.customer_id, plan.day, m.step.key,
             m.step.template or m.step.key, m.step.channel, m.step.mode, m.currency,
             m.amount_due, m.penalties, m.step.tone, _status(m),
             json.dumps(_notes(m), ensure_ascii=False), now, json.dumps(_options(m)))
            for pk, uuid, m in zip(reminder_ids, uuids, messages, strict=True)
        ),
    )  # fmt: skip
    bulk.insert_rows(
        ReminderItem,
        ("reminder_id", "instalment_id", "step", "shift_days", "outstanding", "repeat"),
        (
            (
                pk,
                advance.item_id,
                advance.step,
                advance.shift_days,
                advance.outstanding,
                advance.repeat,
            )
            for pk, m in zip(reminder_ids, messages, strict=True)
            for advance in m.items
        ),
    )
    # Nothing moves yet: the items reach their step and the customer counts as contacted when
    # the reminder is done (relance.dunning.completion).
    audit_record_many(
        organisation=organisation,
        actor=actor,
        action="reminder_plan",
        entity_type="reminder",
        changes=(
            (str(UUID(str(uuid))), None, {**m.as_dict(), "date": plan.day.isoformat()})
            for uuid, m in zip(uuids, messages, strict=True)
        ),
    )


# What the collector checks before suspending a service (docs/legal-rules.md, §8b).
SUSPENSION_NOTE = (
    "Suspension de service annoncée : avant de suspendre, vérifiez que la mise en demeure a "
    "été reçue et que son délai est échu, que le contrat ou vos conditions générales prévoient "
    "la suspension, et qu'il ne s'agit pas d'un consommateur privé d'un service essentiel "
    "(eau, énergie, accès de base aux télécommunications), régi par des règles propres."
)


def _notes(message: PlannedMessage) -> list[str]:
    return [*message.notes, *([SUSPENSION_NOTE] if message.step.suspension else [])]


def _options(message: PlannedMessage) -> dict[str, object]:
    """What writing the message needs of its step: its options, and which repeat it is."""
    options = options_of(message.step)
    if message.repeat:
        options["repeat"] = message.repeat
    return options


def _status(message: PlannedMessage) -> str:
    return ReminderStatus.TODO if message.step.mode == "manual" else ReminderStatus.READY
