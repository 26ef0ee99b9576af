"""Bank data too old holds the reminders after the due date: they wait in the to-do."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from relance.channels.models import OutboundMessage
from relance.cycle.daily import daily_cycle
from relance.dunning.models import DunningSettings, Reminder
from relance.imports.freshness import STALE_REASON, bank_freshness
from relance.imports.models import ImportBatch
from relance.ledger.services import contact_add, customer_create, invoice_create

DAY = date(2026, 3, 9)  # a Monday; the invoice fell due on 2 March: reminder_1 is due


@pytest.fixture
def overdue(organisation, actor):
    customer = customer_create(organisation=organisation, external_ref="K1", name="Garage",
                               actor=actor)  # fmt: skip
    contact_add(customer=customer, email="compta@k1.example", is_primary=True, actor=actor)
    invoice_create(organisation=organisation, customer=customer, number="F-1",
                   issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                   amount_incl_tax=Decimal("120.00"), actor=actor)  # fmt: skip
    return customer


def imported_on(organisation, day: date, kind: str = "bank_statement") -> None:
    ImportBatch.objects.create(
        organisation=organisation, kind=kind, status="committed", filename="releve.xml",
        sha256="0" * 64, started_at=datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC),
    )  # fmt: skip


def test_a_statement_older_than_three_business_days_holds_the_reminder(organisation, actor,
                                                                       overdue):  # fmt: skip
    imported_on(organisation, date(2026, 3, 3))  # Tuesday: 4 business days before Monday 9
    summary = daily_cycle(organisation=organisation, day=DAY, actor=actor)
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.notes[-1]) == ("todo", STALE_REASON)
    assert summary.outbox["stale_bank_data"] == 1
    assert not OutboundMessage.objects.exists()


def test_a_fresh_statement_lets_the_reminder_go(organisation, actor, overdue):
    imported_on(organisation, date(2026, 3, 4), kind="payments")  # Wednesday: 3 business days
    summary = daily_cycle(organisation=organisation, day=DAY, actor=actor)
    assert Reminder.objects.get().status == "ready"
    assert summary.outbox["stale_bank_data"] == 0
    assert OutboundMessage.objects.filter(status="queued").count() == 1


def test_the_threshold_is_the_organisations(organisation, actor, overdue):
    imported_on(organisation, date(2026, 3, 4))
    DunningSettings.objects.update_or_create(organisation=organisation,
                                             defaults={"bank_freshness_days": 2})  # fmt: skip
    freshness = bank_freshness(organisation, day=DAY)
    assert freshness is not None and (freshness.age, freshness.stale) == (3, True)
    daily_cycle(organisation=organisation, day=DAY, actor=actor)
    assert Reminder.objects.get().status == "todo"


def test_an_organisation_that_never_imported_bank_data_is_not_held(organisation, actor, overdue):
    assert bank_freshness(organisation, day=DAY) is None
    daily_cycle(organisation=organisation, day=DAY, actor=actor)
    assert Reminder.objects.get().status == "ready"
