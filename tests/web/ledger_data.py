"""Small ledgers for the customer and invoice pages, dated relative to the organisation's
today (the pages compute lateness, promises and penalties against the real calendar)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import holidays

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.accounts.models import Organisation
from relance.dunning.models import Reminder
from relance.dunning.run import run_day
from relance.ledger.models import Customer, Invoice
from relance.ledger.services import contact_add, customer_create, invoice_create
from tests.days import run_and_send

D = Decimal


def today(organisation: Organisation) -> date:
    return local_day(organisation)


def customer(
    organisation: Organisation, actor: Actor, ref: str, name: str, **extra: object
) -> Customer:
    found = customer_create(organisation=organisation, external_ref=ref, name=name,
                            actor=actor, **extra)  # type: ignore[arg-type]  # fmt: skip
    contact_add(customer=found, email=f"compta@{ref.lower()}.example", is_primary=True,
                actor=actor)  # fmt: skip
    return found


def invoice(
    organisation: Organisation,
    actor: Actor,
    owner: Customer,
    number: str,
    *,
    amount: str,
    due: date,
    issued: date | None = None,
) -> Invoice:
    return invoice_create(
        organisation=organisation, customer=owner, number=number,
        issue_date=issued or due - timedelta(days=30), due_date=due,
        amount_incl_tax=D(amount), actor=actor,
    )  # fmt: skip


def run_days(
    organisation: Organisation, actor: Actor, first: date, last: date, *, send: bool = False
) -> None:
    """The daily run on every day of a period (weekends and holidays send nothing); with
    ``send``, each day's automatic reminders leave that day (their steps then count)."""
    day = first
    while day <= last:
        if send:
            run_and_send(organisation, day, actor)
        else:
            run_day(organisation=organisation, day=day, actor=actor)
        day += timedelta(days=1)


def reminders_of(owner: Customer) -> list[Reminder]:
    return list(Reminder.objects.filter(customer=owner).order_by("run_date", "id"))


def working_day(day: date) -> date:
    """``day``, or the next day someone may be written to in France (reminders wait for it)."""
    closed = holidays.country_holidays("FR", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day
