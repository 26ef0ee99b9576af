"""A tiny in-memory ledger that runs the planner day after day, to tell customers' stories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from relance.core.planner import (
    BusinessDays,
    CustomerState,
    DayPlan,
    ItemState,
    PlannedMessage,
    Rules,
    plan_day,
    shift_on_completion,
)


class WeekendsOnly:
    def next_business_day(self, day: date) -> date:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day


def weekends_only(country: str, postal_code: str) -> WeekendsOnly:
    return WeekendsOnly()


class Story:
    """Customers whose state moves as the plan of each day is carried out.

    Automatic steps are done the day they are planned. Manual ones (letters, calls, hand-offs)
    too, unless ``manual_waits``: then they stay under way until ``done`` or ``skip``.
    """

    def __init__(
        self,
        *customers: CustomerState,
        rules: Rules | None = None,
        manual_waits: bool = False,
        calendar_for: Callable[[str, str], BusinessDays] = weekends_only,
    ) -> None:
        self.customers = {customer.id: customer for customer in customers}
        self.calendar_for = calendar_for
        self.rules = rules or Rules()
        self.manual_waits = manual_waits
        self.log: list[tuple[date, str, str, tuple[str, ...]]] = []
        self.plans: list[DayPlan] = []
        self.repeats: list[int] = []  # of each message of the log: 0, or its repeat number
        self.under_way: dict[str, tuple[date, PlannedMessage]] = {}  # step key -> planned

    def item(self, number: str) -> ItemState:
        for customer in self.customers.values():
            for item in customer.items:
                if item.invoice_number == number:
                    return item
        raise KeyError(number)

    def change(self, number: str, **changes: object) -> None:
        for key, customer in self.customers.items():
            items = tuple(
                replace(item, **changes) if item.invoice_number == number else item  # type: ignore[arg-type]
                for item in customer.items
            )
            self.customers[key] = replace(customer, items=items)

    def pay(self, number: str, amount: str | None = None) -> None:
        item = self.item(number)
        left = item.outstanding - Decimal(amount) if amount else Decimal("0.00")
        self.change(number, outstanding=left)

    def run(self, day: date) -> DayPlan:
        plan = plan_day(
            self.customers.values(), today=day, rules=self.rules, calendar_for=self.calendar_for
        )
        self.plans.append(plan)
        for message in plan.messages:
            self.log.append((day, message.customer_ref, message.step.key,
                             tuple(a.invoice_number for a in message.items)))  # fmt: skip
            self.repeats.append(message.repeat)
            if self.manual_waits and message.step.mode == "manual":
                self.under_way[message.step.key] = (day, message)
                self._set_pending(message.customer_id)
            else:
                self._complete(message, planned_on=day, done_on=day, contact=True)
        return plan

    def done(self, step: str, on: date) -> None:
        """A person did the step that was waiting (posted the letter, logged the call)."""
        planned_on, message = self.under_way.pop(step)
        self._complete(message, planned_on=planned_on, done_on=on, contact=True)

    def skip(self, step: str, on: date) -> None:
        """A person skipped the step: the items move past it, but nobody was contacted."""
        planned_on, message = self.under_way.pop(step)
        self._complete(message, planned_on=planned_on, done_on=on, contact=False)

    def _set_pending(self, customer_id: int) -> None:
        pending = any(m.customer_id == customer_id for _, m in self.under_way.values())
        self.customers[customer_id] = replace(self.customers[customer_id], pending=pending)

    def _complete(
        self, message: PlannedMessage, *, planned_on: date, done_on: date, contact: bool
    ) -> None:
        customer = self.customers[message.customer_id]
        advanced = {advance.item_id: advance for advance in message.items}
        items = tuple(
            replace(item, last_step=advanced[item.id].step, last_step_on=done_on,
                    shift_days=shift_on_completion(advanced[item.id].shift_days,
                                                   planned_on=planned_on, done_on=done_on),
                    repeats=advanced[item.id].repeat)
            if item.id in advanced else item
            for item in customer.items
        )  # fmt: skip
        changes: dict[str, object] = {"items": items}
        if contact:
            changes["last_contact_on"] = done_on
        self.customers[customer.id] = replace(customer, **changes)  # type: ignore[arg-type]
        self._set_pending(customer.id)

    def run_days(
        self, start: date, end: date, events: dict[date, Callable[[], None]] | None = None
    ) -> list[tuple[date, str, str, tuple[str, ...]]]:
        day = start
        while day <= end:
            if events and day in events:
                events[day]()
            self.run(day)
            day += timedelta(days=1)
        return self.log
