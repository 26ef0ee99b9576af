"""Deciding, for one day, which reminder each customer gets. Pure: state and date in, plan out.

Rules (each has a test that tells it as a customer's story):

* State is kept per item (an invoice instalment): the last step it reached, when, and how far
  its schedule was shifted. Communication is per customer: one message per customer, day,
  channel and currency, at the highest step due, covering every item that is due a step.
* A step is due when its date has passed and it was not done; its date is the due date plus
  its offset (plus the item's shift), moved to the next business day of the customer's
  country. Never an exact-day match, so a missed day is caught up.
* When several steps of an item are due at once, only the latest is done (no burst of stale
  reminders). But an item that never had a reminder (a backlog at go-live, an invoice imported
  late), or that resumes after a pause, starts at the first step due after the due date, and
  its schedule is shifted so that the next steps keep their spacing: no formal notice out of
  the blue.
* A pre-due step is only for items not yet due.
* Two clocks: the step date, and a minimum gap since the last contact with the customer.
* Nothing goes to a customer on a weekend or a public holiday of their country.
* Never: paid or credited items (nothing outstanding), disputed items, items under a promise
  to pay (until its date plus a grace period), items in a payment plan, paused customers,
  totals under the minimum amount. Every skip says why.
* A pause given an end date holds up to and including that day; from the day after, the
  customer's items resume as after a dispute (the next step, spaced from that day), whether
  or not the morning run has recorded the resume yet.
* A step counts once it is *done* (sent, posted, call logged, hand-off confirmed), not when
  it is planned: while a customer has a reminder under way (ready to leave, on the to-do,
  failed and waiting for a person), nothing new is planned for them. A step done later than
  planned shifts the rest of the item's schedule by the delay, so the spacing holds.
* A step may repeat (every N days, at most M times or until paid): a repeat is the same step
  again, due N days after the step was last done (moved to a business day), only while no
  later step is due; the minimum gap holds, and a missed day catches up one repeat, not all.
* The legal hand-off, and a suspension of service, never come before the formal notice's
  deadline has passed since the notice was posted.
* Belgian consumers: no cost is claimed before a free first reminder and 14 days.
* Items close to their limitation date (prescription) are flagged in the plan's warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from relance.core.penalties.belgium import waiting_period
from relance.core.prescription import limitation, needs_attention
from relance.core.promises import promise_holds, promise_lapses_on
from relance.core.scenario import Scenario, Step

ZERO = Decimal("0.00")
# The deadline a formal notice gives (days after it is posted) before the legal hand-off.
FORMAL_NOTICE_DAYS = 8


class BusinessDays(Protocol):
    def next_business_day(self, day: date) -> date: ...


@dataclass(frozen=True, slots=True)
class Rules:
    min_gap_days: int = 7
    min_amount: Decimal = ZERO
    promise_grace_days: int = 3
    # Belgian consumers: the waiting period after the free first reminder before costs may be
    # claimed (days; from which working day after a paper one; from which day after an
    # e-mail), as the regime parameters data file gives them (``be_consumer_wait``).
    be_consumer_wait: tuple[int, int, int] = (14, 3, 1)
    # Warn about an item this many days before its limitation date (prescription).
    prescription_warn_days: int = 90
    # Days a formal notice gives the debtor to pay, from the day it is posted.
    formal_notice_days: int = FORMAL_NOTICE_DAYS


@dataclass(frozen=True, slots=True)
class ItemState:
    id: int
    invoice_number: str
    due_date: date
    outstanding: Decimal
    currency: str = "EUR"
    last_step: str | None = None
    last_step_on: date | None = None
    shift_days: int = 0
    resumed_on: date | None = None  # a dispute, promise or plan ended that day
    disputed: bool = False
    promised_until: date | None = None
    in_payment_plan: bool = False
    repeats: int = 0  # how many times ``last_step`` was repeated since it was first done


@dataclass(frozen=True, slots=True)
class CustomerState:
    id: int
    ref: str
    scenario: Scenario
    items: tuple[ItemState, ...]
    country: str = "FR"
    postal_code: str = ""
    kind: str = "B2B"
    paused: bool = False
    paused_until: date | None = None  # the last day of a pause given an end
    last_contact_on: date | None = None
    # Belgian consumers: when the free first reminder was sent, and whether on paper.
    first_reminder_on: date | None = None
    first_reminder_paper: bool = False
    # A reminder is under way (not yet done, skipped or cancelled): nothing new is planned.
    pending: bool = False


@dataclass(frozen=True, slots=True)
class ItemAdvance:
    """An item covered by a message, and the step (with its schedule shift) it reaches."""

    item_id: int
    invoice_number: str
    step: str
    shift_days: int
    outstanding: Decimal
    repeat: int = 0  # 0: the step itself; n: its n-th repeat


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    customer_id: int
    customer_ref: str
    step: Step
    currency: str
    items: tuple[ItemAdvance, ...]
    penalties: str
    notes: tuple[str, ...] = ()
    repeat: int = 0  # 0: the step itself; n: its n-th repeat

    @property
    def amount_due(self) -> Decimal:
        return sum((item.outstanding for item in self.items), ZERO)

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer": self.customer_ref,
            "step": self.step.key,
            "channel": self.step.channel,
            "mode": self.step.mode,
            "items": [item.invoice_number for item in self.items],
            "amount_due": str(self.amount_due),
            "currency": self.currency,
            **({"repeat": self.repeat} if self.repeat else {}),
        }


@dataclass(frozen=True, slots=True)
class Skip:
    customer_ref: str
    reason: str  # paused, dispute, promise, payment_plan, min_gap, below_minimum...
    items: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"customer": self.customer_ref, "reason": self.reason}
        if self.items:
            found["items"] = list(self.items)
        return found


@dataclass(frozen=True, slots=True)
class LimitationWarning:
    """An open item close to (or past) the last day it can be pursued."""

    customer_ref: str
    invoice_number: str
    last_day: date
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer": self.customer_ref,
            "item": self.invoice_number,
            "limitation_date": self.last_day.isoformat(),
            "rule": self.rule,
        }


@dataclass(slots=True)
class DayPlan:
    day: date
    messages: list[PlannedMessage] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    warnings: list[LimitationWarning] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "messages": [message.as_dict() for message in self.messages],
            "skipped": [skip.as_dict() for skip in self.skipped],
            "warnings": [warning.as_dict() for warning in self.warnings],
        }


def plan_day(
    customers: Iterable[CustomerState],
    *,
    today: date,
    rules: Rules,
    calendar_for: Callable[[str, str], BusinessDays],
) -> DayPlan:
    plan = DayPlan(day=today)
    for customer in customers:
        messages, skipped = plan_customer(
            customer, today=today, rules=rules,
            calendar=calendar_for(customer.country, customer.postal_code),
        )  # fmt: skip
        plan.messages.extend(messages)
        plan.skipped.extend(skipped)
        plan.warnings.extend(limitation_warnings(customer, today=today, rules=rules))
    return plan


def limitation_warnings(
    customer: CustomerState, *, today: date, rules: Rules
) -> list[LimitationWarning]:
    """Open items whose limitation date is near or past: chasing them soon matters."""
    warnings = []
    for item in customer.items:
        if item.outstanding <= 0:
            continue
        found = limitation(kind=customer.kind, country=customer.country, due_date=item.due_date)
        if found and needs_attention(found.last_day, today, rules.prescription_warn_days):
            warnings.append(
                LimitationWarning(customer.ref, item.invoice_number, found.last_day, found.rule)
            )
    return warnings


def plan_customer(
    customer: CustomerState, *, today: date, rules: Rules, calendar: BusinessDays
) -> tuple[list[PlannedMessage], list[Skip]]:
    open_items = [item for item in customer.items if item.outstanding > 0]
    if not open_items:
        return [], []
    if pause_holds(customer.paused, customer.paused_until, today):
        return [], [Skip(customer.ref, "paused", _numbers(open_items))]
    if customer.paused and customer.paused_until is not None:
        resumed = customer.paused_until + timedelta(days=1)
        open_items = [_resumed_on(item, resumed) for item in open_items]
    if customer.pending:
        return [], [Skip(customer.ref, "in_progress", _numbers(open_items))]
    if calendar.next_business_day(today) != today:
        return [], []  # nobody is written to on a weekend or public holiday of their country
    skipped: list[Skip] = []
    due: list[tuple[ItemState, int, int]] = []  # item, step index, new shift
    repeats: dict[int, int] = {}  # item id -> the repeat it is due, when it is one
    blocked: dict[str, list[ItemState]] = {}
    for item in open_items:
        reason = _blocked(item, today, rules)
        if reason:
            blocked.setdefault(reason, []).append(item)
            continue
        found = due_step(
            _resumed(item, rules), customer.scenario, today=today, calendar=calendar,
            formal_notice_days=rules.formal_notice_days,
        )  # fmt: skip
        if found is not None:
            due.append((item, found.position, found.shift))
            if found.repeat:
                repeats[item.id] = found.repeat
    skipped.extend(Skip(customer.ref, reason, _numbers(items)) for reason, items in blocked.items())
    if not due:
        return [], skipped
    if customer.last_contact_on is not None:
        since = (today - customer.last_contact_on).days
        if since < rules.min_gap_days:
            return [], [*skipped, Skip(customer.ref, "min_gap", _numbers(i for i, _, _ in due))]
    messages: list[PlannedMessage] = []
    for currency in sorted({item.currency for item, _, _ in due}):
        in_currency = [entry for entry in due if entry[0].currency == currency]
        total = sum((item.outstanding for item, _, _ in in_currency), ZERO)
        if total < rules.min_amount:
            skipped.append(
                Skip(customer.ref, "below_minimum", _numbers(i for i, _, _ in in_currency))
            )
            continue
        for channel in _channels(customer.scenario, in_currency):
            entries = [e for e in in_currency if customer.scenario.steps[e[1]].channel == channel]
            top = max(index for _, index, _ in entries)
            step = customer.scenario.steps[top]
            if total < step.min_amount:
                skipped.append(
                    Skip(customer.ref, "below_step_minimum", _numbers(i for i, _, _ in entries))
                )
                continue
            penalties, notes = _penalties(customer, step, today, rules, calendar)
            messages.append(
                PlannedMessage(
                    customer_id=customer.id,
                    customer_ref=customer.ref,
                    step=step,
                    currency=currency,
                    items=tuple(
                        ItemAdvance(item.id, item.invoice_number,
                                    customer.scenario.steps[index].key, shift, item.outstanding,
                                    repeats.get(item.id, 0))
                        for item, index, shift in sorted(entries, key=_by_due_date)
                    ),
                    penalties=penalties,
                    notes=notes,
                    repeat=max(repeats.get(item.id, 0) for item, i, _ in entries if i == top),
                )
            )  # fmt: skip
    return messages, skipped


class Due(NamedTuple):
    position: int  # of the step in the scenario
    shift: int  # the item's schedule shift once the step is done
    repeat: int = 0  # 0: the step itself; n: its n-th repeat


def due_step(
    item: ItemState,
    scenario: Scenario,
    *,
    today: date,
    calendar: BusinessDays,
    formal_notice_days: int = FORMAL_NOTICE_DAYS,
) -> Due | None:
    """The step an item is due today (a later step, else a repeat of its last one), or None."""
    last = _last_index(item, scenario, calendar)
    notice_ends = _formal_notice_deadline(item, scenario, last, formal_notice_days)
    fresh = last < 0 or (
        item.resumed_on is not None
        and (item.last_step_on is None or item.resumed_on > item.last_step_on)
    )
    overdue = today > item.due_date
    candidates: list[int] = []
    for index in range(last + 1, len(scenario.steps)):
        step = scenario.steps[index]
        if step.offset_days < 0 and today >= item.due_date:
            continue  # "your invoice falls due soon" is wrong once it has
        scheduled = _scheduled(item, step, calendar)
        if fresh and item.resumed_on is not None:
            scheduled = max(scheduled, calendar.next_business_day(item.resumed_on))
        if (step.channel == "legal" or step.suspension) and notice_ends is not None:
            scheduled = max(scheduled, notice_ends + timedelta(days=1))
        if scheduled > today:
            break
        candidates.append(index)
    if not candidates:
        return _repeat_due(item, scenario, last, today=today, calendar=calendar, fresh=fresh)
    if fresh and overdue:
        chosen = candidates[0]
        step = scenario.steps[chosen]
        if today > _scheduled(item, step, calendar):
            # Late start: shift the rest of the schedule by the delay, so that the next steps
            # keep the scenario's spacing from today.
            nominal = item.due_date + timedelta(days=step.offset_days + item.shift_days)
            return Due(chosen, item.shift_days + (today - nominal).days)
        return Due(chosen, item.shift_days)
    return Due(candidates[-1], item.shift_days)


def _repeat_due(
    item: ItemState,
    scenario: Scenario,
    last: int,
    *,
    today: date,
    calendar: BusinessDays,
    fresh: bool,
) -> Due | None:
    """The next repeat of the item's last step, when it has fallen due (only one, however
    many days were missed: it counts from the day the step was last done)."""
    if last < 0 or item.last_step_on is None:
        return None
    step = scenario.steps[last]
    if not step.repeats or item.last_step != step.key:
        return None  # not a repeating step, or a scenario changed since (no repeat carried)
    if step.repeat_times and item.repeats >= step.repeat_times:
        return None
    if step.offset_days < 0 and today >= item.due_date:
        return None  # "your invoice falls due soon" is wrong once it has
    on = repeat_date(step, last_done=item.last_step_on, calendar=calendar)
    if fresh and item.resumed_on is not None:
        on = max(on, calendar.next_business_day(item.resumed_on))
    if on > today:
        return None
    return Due(last, item.shift_days, item.repeats + 1)


def repeat_date(step: Step, *, last_done: date, calendar: BusinessDays) -> date:
    """When a repeat of ``step`` falls due: ``repeat_every`` days after it was last done, on
    the next business day."""
    return calendar.next_business_day(last_done + timedelta(days=step.repeat_every))


def _formal_notice_deadline(
    item: ItemState, scenario: Scenario, last: int, days: int
) -> date | None:
    """The last day the debtor has to pay after the item's formal notice, when the last step
    done is one."""
    if last < 0 or item.last_step_on is None or scenario.steps[last].channel != "formal_notice":
        return None
    return item.last_step_on + timedelta(days=days)


def shift_on_completion(shift_days: int, *, planned_on: date, done_on: date) -> int:
    """An item's schedule shift once its step is done: a step done later than the day it was
    planned for (a letter posted three days after the run) pushes the next steps by as much."""
    return shift_days + max(0, (done_on - planned_on).days)


def _scheduled(item: ItemState, step: Step, calendar: BusinessDays) -> date:
    nominal = item.due_date + timedelta(days=step.offset_days + item.shift_days)
    return calendar.next_business_day(nominal)


def _last_index(item: ItemState, scenario: Scenario, calendar: BusinessDays) -> int:
    if item.last_step is None:
        return -1
    for index, step in enumerate(scenario.steps):
        if step.key == item.last_step:
            return index
    # The customer changed scenario since: count as done every step of the new one that was
    # due on the day of the last reminder, so nothing already said is said again.
    last = -1
    for index, step in enumerate(scenario.steps):
        if item.last_step_on is not None and _scheduled(item, step, calendar) <= item.last_step_on:
            last = index
    return last


def pause_holds(paused: bool, until: date | None, today: date) -> bool:
    """Whether a customer's pause still holds on ``today``: with no end date until someone
    resumes, else up to and including ``until``."""
    return paused and (until is None or today <= until)


def _resumed_on(item: ItemState, day: date) -> ItemState:
    if item.resumed_on is not None and item.resumed_on >= day:
        return item
    return replace(item, resumed_on=day)


def _resumed(item: ItemState, rules: Rules) -> ItemState:
    """An item whose promise lapsed resumes the day after the grace period, like after a pause,
    whether or not the promise has been marked broken yet."""
    if item.promised_until is None:
        return item
    lapsed = promise_lapses_on(item.promised_until, grace_days=rules.promise_grace_days)
    return _resumed_on(item, lapsed)


def _blocked(item: ItemState, today: date, rules: Rules) -> str:
    if item.disputed:
        return "dispute"
    if item.in_payment_plan:
        return "payment_plan"
    if item.promised_until is not None and promise_holds(
        item.promised_until, today=today, grace_days=rules.promise_grace_days
    ):
        return "promise"
    return ""


def _channels(scenario: Scenario, entries: Sequence[tuple[ItemState, int, int]]) -> list[str]:
    """Channels of the due steps, most escalated first, each once."""
    ordered = sorted({index for _, index, _ in entries}, reverse=True)
    channels: list[str] = []
    for index in ordered:
        channel = scenario.steps[index].channel
        if channel not in channels:
            channels.append(channel)
    return channels


def _penalties(
    customer: CustomerState, step: Step, today: date, rules: Rules, calendar: BusinessDays
) -> tuple[str, tuple[str, ...]]:
    if step.penalties != "claimed" or not (customer.country == "BE" and customer.kind == "B2C"):
        return step.penalties, ()
    days, paper_working_day, email_day = rules.be_consumer_wait
    sent = customer.first_reminder_on
    if sent is not None:
        _, last = waiting_period(
            sent=sent, kind="paper" if customer.first_reminder_paper else "email", days=days,
            paper_working_day=paper_working_day, email_day=email_day,
            is_working_day=lambda day: calendar.next_business_day(day) == day,
        )  # fmt: skip
        if today > last:
            return step.penalties, ()
    return "mentioned", (
        "Consommateur belge : aucun frais ne peut être réclamé avant un premier rappel gratuit "
        f"suivi d'un délai de {days} jours (Code de droit économique, livre XIX).",
    )


def _numbers(items: Iterable[ItemState]) -> tuple[str, ...]:
    return tuple(sorted({item.invoice_number for item in items}))


def _by_due_date(entry: tuple[ItemState, int, int]) -> tuple[date, str]:
    return entry[0].due_date, entry[0].invoice_number
