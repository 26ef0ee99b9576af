"""What the analysis keeps per reminded item (payments by day after the reminder, the first
reminder of each instalment), against the ledger of tests/reports/facts_ledger.py worked out
by hand and recomputed from the allocations, and the figures read from it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relance.dunning.models import (
    InstalmentDunning,
    ReminderItem,
    ReminderItemPayment,
    ReminderStatus,
)
from relance.dunning.reminder_facts import reminder_facts_rebuild
from relance.ledger.models import Allocation
from relance.reports.analytics_filters import AnalyticsFilters
from relance.reports.cohorts import cohorts
from relance.reports.collection import collection_rates
from tests.reports.facts_ledger import build_facts_ledger

D = Decimal
TODAY = date(2026, 6, 20)
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def ledger(organisation, actor):
    return build_facts_ledger(organisation, actor)


def stored() -> dict[tuple[int, str], dict[int, Decimal]]:
    found: dict[tuple[int, str], dict[int, Decimal]] = {}
    for row in ReminderItemPayment.objects.select_related("item__instalment__invoice"):
        key = (row.item.reminder_id, row.item.instalment.invoice.number)
        found.setdefault(key, {})[row.days] = row.amount
    return found


def recomputed() -> dict[tuple[int, str], dict[int, Decimal]]:
    """The same facts worked out in Python from every allocation, item by item."""
    found: dict[tuple[int, str], dict[int, Decimal]] = {}
    done = ReminderItem.objects.filter(reminder__status=ReminderStatus.SENT)
    for item in done.select_related("reminder", "instalment__invoice"):
        for allocation in Allocation.objects.filter(instalment=item.instalment_id):
            days = (allocation.date - item.reminder.run_date).days
            if allocation.payment_id is None or not 0 <= days <= 30:
                continue
            paid = found.setdefault((item.reminder_id, item.instalment.invoice.number), {})
            paid[days] = paid.get(days, D("0.00")) + allocation.amount
    return found


def test_the_payments_kept_per_item_and_day(ledger):
    r1, r2, r3 = ledger["r1"].pk, ledger["r2"].pk, ledger["r3"].pk
    assert stored() == {
        (r1, "A-1"): {7: D("200.00"), 15: D("150.00"), 30: D("50.00")},  # not +31, not before
        (r1, "A-2"): {8: D("150.00")},  # VIR-5 taken back, VIR-6 refunded in part
        (r2, "A-1"): {1: D("150.00"), 16: D("50.00"), 17: D("100.00")},
        (r3, "B-1"): {1: D("300.00")},  # paid before the reminder was done
    }
    assert stored() == recomputed()


def test_the_first_reminder_of_each_instalment(ledger):
    firsts = {
        state.instalment.invoice.number: (state.first_reminded_on, state.first_reminder_item)
        for state in InstalmentDunning.objects.select_related(
            "instalment__invoice", "first_reminder_item"
        )
    }
    assert {number: day for number, (day, _) in firsts.items()} == {
        "A-1": date(2026, 3, 2), "A-2": date(2026, 3, 2), "B-1": date(2026, 3, 5),
    }  # fmt: skip
    assert firsts["A-1"][1].reminder_id == ledger["r1"].pk  # reminded twice: the first counts
    assert firsts["B-1"][1].reminder_id == ledger["r3"].pk


def test_a_rebuild_finds_the_same_facts(organisation, ledger):
    before = stored()
    ReminderItemPayment.objects.all().delete()
    InstalmentDunning.objects.update(first_reminder_item=None, first_reminded_on=None)
    reminder_facts_rebuild(organisation=organisation)
    assert stored() == before
    assert InstalmentDunning.objects.filter(first_reminded_on__isnull=False).count() == 3


def test_the_maintenance_command_checks_and_rebuilds(organisation, ledger):
    out = StringIO()
    call_command("reports", "facts", "--org", organisation.slug, stdout=out)
    assert "à recalculer : 0 ; " in out.getvalue()
    ReminderItemPayment.objects.filter(days=8).update(amount=D("200.00"))  # the refund lost
    InstalmentDunning.objects.update(first_reminded_on=None)
    with pytest.raises(CommandError, match="--rebuild"):
        call_command("reports", "facts", "--org", organisation.slug, stdout=out)
    assert "à recalculer : 1 ; " in out.getvalue() and "première relance est à recalculer : 3" in (
        out.getvalue()
    )
    call_command("reports", "facts", "--org", organisation.slug, "--rebuild", stdout=out)
    assert ReminderItemPayment.objects.get(days=8).amount == D("150.00")


def test_collection_rates_worked_out_by_hand(organisation, ledger):
    filters = AnalyticsFilters.from_mapping(MARCH, TODAY)
    steps = {row.key: row for row in collection_rates(organisation, filters).by_step}
    first = steps["reminder_1"]  # R1's two items and R3's: 900 + 500 + 300
    assert (first.items, first.reminded) == (3, D("1700.00"))
    # Within 7 days: 200 (A-1, +7) + 300 (B-1, +1); 15: + 150 (A-2, +8) + 150 (A-1, +15);
    # 30: + 50 (A-1, +30).
    assert [first.collected(days) for days in (7, 15, 30)] == [D("500.00"), D("800.00"),
                                                               D("850.00")]  # fmt: skip
    assert [first.rate(days) for days in (7, 15, 30)] == [D("29.4"), D("47.1"), D("50.0")]
    assert first.median_days == 7  # 300 by day 1, 500 of 850 by day 7
    second = steps["reminder_2"]  # R2: A-1 reminded again, 600.00 owed
    assert (second.items, second.reminded) == (1, D("600.00"))
    assert [second.collected(days) for days in (7, 15, 30)] == [D("150.00"), D("150.00"),
                                                                D("300.00")]  # fmt: skip
    assert second.median_days == 1  # 150 of 300 the next day


def test_cohorts_by_first_reminder_worked_out_by_hand(organisation, ledger):
    filters = AnalyticsFilters.from_mapping(MARCH, TODAY)
    (march,) = cohorts(organisation, filters, "reminder")
    assert (march.month, march.items, march.base) == (date(2026, 3, 1), 3, D("1700.00"))
    # From each first reminder: A-1 +7 200, +15 150, +30 50, +31 100; A-2 +8 150; B-1 +1 300.
    assert march.paid == {"0_7": D("500.00"), "8_15": D("300.00"), "16_30": D("50.00"),
                          "31_60": D("100.00")}  # fmt: skip
    assert [march.share(cell) for cell in ("0_7", "8_15", "16_30", "31_60")] == [
        D("29.4"), D("17.6"), D("2.9"), D("5.9")
    ]  # fmt: skip
