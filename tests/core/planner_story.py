"""A tiny in-memory ledger that runs the planner day after day, to tell customers' stories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from relance.core.planner import CustomerState, DayPlan, ItemState, Rules, plan_day


class WeekendsOnly:
    def next_business_day(self, day: date) -> date:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day


def weekends_only(country: str, postal_code: str) -> WeekendsOnly:
    return WeekendsOnly()


class Story:
    """Customers whose state moves as the plan of each day is carried out."""

    def __init__(self, *customers: CustomerState, rules: Rules | None = None) -> None:
        self.customers = {customer.id: customer for customer in customers}
        self.rules = rules or Rules()
        self.log: list[tuple[date, str, str, tuple[str, ...]]] = []
        self.plans: list[DayPlan] = []

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
            self.customers.values(), today=day, rules=self.rules, calendar_for=weekends_only
        )
        self.plans.append(plan)
        for message in plan.messages:
            customer = self.customers[message.customer_id]
            advanced = {advance.item_id: advance for advance in message.items}
            items = tuple(
                replace(item, last_step=advanced[item.id].step, last_step_on=day,
                        shift_days=advanced[item.id].shift_days)
                if item.id in advanced else item
                for item in customer.items
            )  # fmt: skip
            self.customers[customer.id] = replace(customer, items=items, last_contact_on=day)
            self.log.append((day, message.customer_ref, message.step.key,
                             tuple(a.invoice_number for a in message.items)))  # fmt: skip
        return plan

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
