"""Reviewing a scenario before it is used: advice on its steps, and the calendar it produces.

``calendar_preview`` follows one typical invoice through a scenario by asking the planner,
day after day, exactly what the daily run would ask it (``plan_customer``), and recording
what it decides the way the run does (the item's step and shift, the customer's last
contact). So the dates shown are the dates the run would use: business days and public
holidays of the customer's country, the minimum gap between two contacts, "latest step
only" when several fall due together. Pure: the calendar, the rules and the dates are
arguments.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

import holidays

from relance.core.calendar import BusinessCalendar
from relance.core.planner import CustomerState, ItemState, Rules, plan_customer
from relance.core.scenario import Scenario, Step

WRITTEN = ("email", "letter", "sms")
FIRM = ("formal_notice", "legal")
SENT_BY_ITSELF = ("email", "sms")  # other channels reach the to-do only when manual


def step_warnings(steps: Sequence[Step]) -> list[str]:
    """Things allowed but worth a second look, in French (empty when nothing stands out)."""
    warnings: list[str] = []
    after_due = [step for step in steps if step.offset_days >= 0]
    firm = next((step for step in after_due if step.channel in FIRM), None)
    if firm is not None and not any(
        step.channel in WRITTEN and step.offset_days < firm.offset_days for step in after_due
    ):
        warnings.append(
            f"L'étape « {firm.key} » ({firm.channel}) arrive avant tout rappel écrit : "
            "c'est permis, mais un rappel amiable d'abord est l'usage, et la condition "
            "pour réclamer des frais à un consommateur belge."
        )
    if after_due and after_due[0].penalties == "claimed":
        warnings.append(
            f"La première relance après l'échéance (« {after_due[0].key} ») réclame déjà "
            "les pénalités : un premier rappel courtois paie souvent plus vite."
        )
    for step in steps:
        if step.offset_days < 0 and (step.tone in ("firm", "formal") or step.penalties != "none"):
            warnings.append(
                f"L'étape « {step.key} » part avant l'échéance avec un ton ferme ou des "
                "pénalités : la facture n'est pas encore en retard."
            )
        if step.mode == "auto" and step.channel not in SENT_BY_ITSELF:
            warnings.append(
                f"L'étape « {step.key} » ({step.channel}) est automatique : rien ne l'envoie "
                "seul : manuelle, elle arriverait dans la liste des tâches."
            )
    return warnings


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One step of the scenario for the typical invoice (or one of its repeats): when it
    would really happen."""

    step: Step
    nominal: date  # due date + offset (a repeat: the previous time + the interval)
    day: date | None  # None: the run would never do this step for this invoice
    penalties: str  # what the message does about penalties (Belgian consumers: mentioned)
    moved_because: tuple[str, ...] = ()  # why ``day`` is not ``nominal``
    skipped_because: str = ""
    notes: tuple[str, ...] = ()
    repeat: int = 0  # 0: the step itself; n: its n-th repeat


# A step repeated until paid is shown this many times in the preview.
PREVIEW_UNTIL_PAID = 5


@functools.lru_cache(maxsize=512)
def holiday_name(country: str, subdivision: str | None, day: date, language: str) -> str:
    """The name of a public holiday in ``language`` when the package has it, else ""."""
    try:
        found = holidays.country_holidays(
            country, subdiv=subdivision, years=day.year, language=language
        )
    except (NotImplementedError, KeyError, ValueError):
        return ""
    return str(found.get(day) or "")


def _moved(
    nominal: date, day: date, calendar: BusinessCalendar, language: str, gap_days: int
) -> tuple[str, ...]:
    reasons: list[str] = []
    probe = nominal
    while probe < day and not calendar.is_business_day(probe):
        if probe.weekday() >= 5:
            reasons.append(f"{probe:%d/%m/%Y} : week-end")
        else:
            name = holiday_name(calendar.country, calendar.subdivision, probe, language)
            reasons.append(f"{probe:%d/%m/%Y} : jour férié" + (f" ({name})" if name else ""))
        probe += timedelta(days=1)
    if day > calendar.next_business_day(nominal):
        reasons.append(f"écart minimum de {gap_days} jours depuis le contact précédent")
    return tuple(reasons)


def calendar_preview(
    scenario: Scenario,
    *,
    issue_date: date,
    due_date: date,
    calendar: BusinessCalendar,
    rules: Rules,
    country: str,
    kind: str = "B2B",
    amount: Decimal = Decimal("1000.00"),
    language: str = "fr",
) -> list[CalendarEntry]:
    """Each step of ``scenario`` (and its repeats) for one invoice issued and due on these
    dates, unpaid."""
    item = ItemState(id=1, invoice_number="EXEMPLE", due_date=due_date, outstanding=amount)
    customer = CustomerState(
        id=1, ref="exemple", scenario=scenario, items=(item,), country=country,
        postal_code="", kind=kind,
    )  # fmt: skip
    done: dict[tuple[str, int], tuple[date, str, tuple[str, ...]]] = {}
    below_minimum: set[str] = set()
    day = issue_date  # the invoice exists from then on; an earlier step is caught up that day
    end = _preview_end(scenario, due_date, rules)
    while day <= end and not _preview_complete(scenario, done):
        messages, skipped = plan_customer(customer, today=day, rules=rules, calendar=calendar)
        if any(skip.reason in ("below_minimum", "below_step_minimum") for skip in skipped):
            below_minimum.update(step.key for step in scenario.steps if step.min_amount > amount)
        for message in messages:
            advance = message.items[0]
            done[(message.step.key, advance.repeat)] = (day, message.penalties, message.notes)
            item = replace(
                item, last_step=advance.step, last_step_on=day, shift_days=advance.shift_days,
                repeats=advance.repeat,
            )  # fmt: skip
            first = customer.first_reminder_on
            if first is None and message.step.channel in ("email", "letter"):
                first = day
            customer = replace(
                customer, items=(item,), last_contact_on=day, first_reminder_on=first
            )
        day += timedelta(days=1)
    entries: list[CalendarEntry] = []
    for step in scenario.steps:
        entries.append(_entry(step, due_date, done, below_minimum, calendar, rules, amount,
                              language))  # fmt: skip
        entries.extend(_repeats(step, done, calendar, rules, language))
    return entries


def _shown_repeats(step: Step) -> int:
    return 0 if not step.repeats else step.repeat_times or PREVIEW_UNTIL_PAID


def _preview_end(scenario: Scenario, due_date: date, rules: Rules) -> date:
    """The last day worth simulating: the last step, its gap and repeats, and a margin."""
    last_offset = max(step.offset_days for step in scenario.steps)
    repeats = sum(
        max(step.repeat_every, rules.min_gap_days) * _shown_repeats(step) for step in scenario.steps
    )
    return due_date + timedelta(days=last_offset + rules.min_gap_days + 31 + repeats)


def _preview_complete(
    scenario: Scenario, done: dict[tuple[str, int], tuple[date, str, tuple[str, ...]]]
) -> bool:
    """Whether the last step and all the repeats shown of it happened."""
    last = scenario.steps[-1]
    return all((last.key, n) in done for n in range(_shown_repeats(last) + 1))


def _repeats(
    step: Step,
    done: dict[tuple[str, int], tuple[date, str, tuple[str, ...]]],
    calendar: BusinessCalendar,
    rules: Rules,
    language: str,
) -> list[CalendarEntry]:
    """The repeats of ``step`` that happened, each from the day of the time before."""
    entries = []
    for repeat in range(1, _shown_repeats(step) + 1):
        previous, current = done.get((step.key, repeat - 1)), done.get((step.key, repeat))
        if previous is None or current is None:
            break
        nominal = previous[0] + timedelta(days=step.repeat_every)
        entries.append(CalendarEntry(
            step=step, nominal=nominal, day=current[0], penalties=current[1], notes=current[2],
            moved_because=_moved(nominal, current[0], calendar, language, rules.min_gap_days),
            repeat=repeat,
        ))  # fmt: skip
    return entries


def _entry(
    step: Step,
    due_date: date,
    done: dict[tuple[str, int], tuple[date, str, tuple[str, ...]]],
    below_minimum: set[str],
    calendar: BusinessCalendar,
    rules: Rules,
    amount: Decimal,
    language: str,
) -> CalendarEntry:
    nominal = due_date + timedelta(days=step.offset_days)
    if (step.key, 0) in done:
        day, penalties, notes = done[(step.key, 0)]
        return CalendarEntry(
            step=step, nominal=nominal, day=day, penalties=penalties, notes=notes,
            moved_because=_moved(nominal, day, calendar, language, rules.min_gap_days),
        )  # fmt: skip
    if step.key in below_minimum or amount < rules.min_amount:
        why = "montant de la facture sous le minimum relancé"
    elif step.offset_days < 0:
        why = "l'échéance est déjà passée le jour où elle tomberait"
    else:
        why = "remplacée par une étape plus avancée tombant le même jour (écart minimum)"
    return CalendarEntry(
        step=step, nominal=nominal, day=None, penalties=step.penalties, skipped_because=why
    )
