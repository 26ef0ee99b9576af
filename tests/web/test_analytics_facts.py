"""The analysis page reads the payments kept per reminded item (tests/reports/facts_ledger.py:
the rates there are worked out by hand in tests/reports/test_reminder_facts.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from relance.dunning.models import ReminderItemPayment
from relance.ledger.models import Invoice
from tests.reports.facts_ledger import build_facts_ledger


@pytest.fixture
def ledger(organisation, actor):
    return build_facts_ledger(organisation, actor)


def test_the_page_shows_the_rates(collector, organisation, ledger):
    url = reverse("analytics", kwargs={"org": organisation.slug})
    response = collector.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    page = response.content.decode()
    assert response.status_code == 200
    # First reminders: 800.00 of 1,700.00 within 15 days; second: 150.00 of 600.00 within 7.
    assert "47,1 %" in page and "25,0 %" in page


def test_a_payment_recorded_by_hand_counts_for_the_items_reminded(collector, organisation, ledger):
    a1 = Invoice.objects.get(number="A-1")
    response = collector.post(
        reverse("invoice_payment", kwargs={"org": organisation.slug, "invoice": a1.uuid}),
        {"amount": "10,00", "paid_on": "2026-03-20", "method": "cheque", "reference": "CHQ 9",
         "currency": "EUR"},
    )  # fmt: skip
    assert response.status_code == 302
    # 20 March: 18 days after R1 (2 March), 4 days after R2 (16 March).
    added = ReminderItemPayment.objects.filter(days__in=(18, 4), amount=Decimal("10.00"))
    assert sorted(added.values_list("item__reminder_id", "days")) == sorted(
        [(ledger["r1"].pk, 18), (ledger["r2"].pk, 4)]
    )
