"""Segments recomputed on a real ledger: figures, explanations, manual choices, audit, command."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relance.accounts.models import AuditEvent
from relance.core.text import text_of
from relance.dunning.models import CustomerDunning, Promise, Scenario, Segment
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.dunning.segments import (
    customer_figures,
    customer_segment,
    portfolio_figures,
    segment_scenarios,
    segments_ensure_defaults,
    segments_recompute,
)
from relance.ledger.models import Customer
from relance.ledger.services import customer_create, invoice_create, payment_record

D = Decimal
AS_OF = date(2026, 6, 30)
START = date(2026, 1, 5)


def str_of(stored: object) -> str:
    """A stored explanation sentence, in French."""
    return str(text_of(stored))


class Ledger:
    def __init__(self, organisation, actor):
        self.organisation, self.actor, self.n = organisation, actor, 0

    def customer(self, ref, *, since=None):
        customer = customer_create(
            organisation=self.organisation, external_ref=ref, name=f"Client {ref}", actor=self.actor
        )
        if since:
            Customer.objects.filter(pk=customer.pk).update(customer_since=since)
        return customer

    def invoice(self, customer, amount, *, due, paid_days_late=None):
        """An invoice due on ``due``, paid in full ``paid_days_late`` days after (or not)."""
        self.n += 1
        invoice = invoice_create(
            organisation=self.organisation, customer=customer, number=f"F-{self.n}",
            issue_date=due - timedelta(days=30), due_date=due, amount_incl_tax=D(amount),
            actor=self.actor,
        )  # fmt: skip
        if paid_days_late is not None:
            payment_record(
                organisation=self.organisation, customer=customer, reference=f"P-{self.n}",
                date=due + timedelta(days=paid_days_late), amount=D(amount), invoice=invoice,
                actor=self.actor,
            )  # fmt: skip
        return invoice


@pytest.fixture
def ledger(organisation, actor):
    book = Ledger(organisation, actor)
    dues = [START + timedelta(days=20 * i) for i in range(6)]
    vip = book.customer("VIP", since=date(2022, 3, 1))
    for due in dues:
        book.invoice(vip, "3000.00", due=due, paid_days_late=2)
    late = book.customer("LATE", since=date(2024, 1, 1))
    for due, days in zip(dues[:4], (40, 5, 30, 0), strict=True):  # 2 of 4 over 15 days
        book.invoice(late, "800.00", due=due, paid_days_late=days)
    standard = book.customer("STD", since=date(2023, 1, 1))
    for due in dues:
        book.invoice(standard, "500.00", due=due, paid_days_late=10)
    unpaid = book.customer("UNPAID")
    for due in dues[:2]:
        book.invoice(unpaid, "400.00", due=due)  # never paid, months overdue
    book.invoice(book.customer("NEW"), "200.00", due=AS_OF + timedelta(days=10))
    promises = book.customer("PROMISES")
    invoice = book.invoice(promises, "700.00", due=dues[-1], paid_days_late=0)
    for when in (date(2026, 3, 1), date(2026, 4, 1)):
        promise = Promise.objects.create(
            organisation=organisation, customer=promises, promised_on=when,
            amount=D("700.00"), recorded_on=when, broken_on=when + timedelta(days=4),
        )  # fmt: skip
        promise.invoices.add(invoice)
    manual = book.customer("MANUAL")
    for due in dues[:3]:
        book.invoice(manual, "900.00", due=due, paid_days_late=60)
    CustomerDunning.objects.create(customer=manual, segment="vip", segment_is_manual=True)
    return book


def _segments():
    return dict(CustomerDunning.objects.values_list("customer__external_ref", "segment"))


def test_figures_of_a_customer(organisation, ledger):
    late = Customer.objects.get(external_ref="LATE")
    figures = customer_figures(organisation, AS_OF, customer_ids=[late.pk])[late.pk]
    assert figures.paid_items == 4 and figures.late_items == 2
    assert figures.late_pct == D("50.00") and figures.avg_days_late == D("18.75")
    assert figures.relationship_days == (AS_OF - date(2024, 1, 1)).days
    assert figures.avg_invoice == D("800.00") and figures.total_invoiced == D("3200.00")
    unpaid = Customer.objects.get(external_ref="UNPAID")
    figures = customer_figures(organisation, AS_OF, customer_ids=[unpaid.pk])[unpaid.pk]
    assert (figures.paid_items, figures.judged_items, figures.late_pct) == (0, 2, D("100.00"))
    assert figures.relationship_days == (AS_OF - date(2025, 12, 6)).days  # first invoice
    # As of an earlier date, later payments and invoices do not exist yet.
    early = customer_figures(organisation, date(2026, 1, 1))
    assert all(not f.has_history for f in early.values())


def test_portfolio_median(organisation, ledger):
    # 6 x 3000, 4 x 800, 6 x 500, 2 x 400, 200, 700, 3 x 900: 23 invoices, 12th = 800
    assert portfolio_figures(organisation, AS_OF).median_invoice == D("800.00")


def test_recompute_sorts_explains_and_audits(organisation, ledger, actor):
    summary = segments_recompute(organisation=organisation, as_of=AS_OF, actor=actor)
    assert _segments() == {
        "VIP": "vip", "LATE": "bad_payer", "STD": "standard", "UNPAID": "bad_payer",
        "NEW": "standard", "PROMISES": "bad_payer", "MANUAL": "vip",
    }  # fmt: skip
    assert summary.as_dict() == {
        "date": "2026-06-30",
        "segments": {"bad_payer": 3, "vip": 1, "standard": 2},
        "changed": 6,
        "manual": 1,
    }
    late = CustomerDunning.objects.get(customer__external_ref="LATE").segment_explanation
    assert [str_of(reason) for reason in late["reasons"]] == [
        "50 % des factures payées avec plus de 15 jours de retard (seuil : 30 %)"
    ]
    assert late["as_of"] == "2026-06-30" and late["figures"]["paid_items"] == 4
    promises = CustomerDunning.objects.get(customer__external_ref="PROMISES")
    assert [str_of(r) for r in promises.segment_explanation["reasons"]] == [
        "2 promesse(s) de paiement non tenue(s) (seuil : au moins 2)"
    ]
    std = CustomerDunning.objects.get(customer__external_ref="STD").segment_explanation
    assert [other["segment"] for other in std["not_matched"]] == ["bad_payer", "vip"]
    assert any("médiane" in reason for reason in map(str_of, std["not_matched"][1]["reasons"]))
    new = CustomerDunning.objects.get(customer__external_ref="NEW").segment_explanation
    assert "historique" in str_of(new["reasons"][0])
    # The manual choice is kept, explanation untouched.
    manual = CustomerDunning.objects.get(customer__external_ref="MANUAL")
    assert manual.segment_is_manual and manual.segment_explanation == {}
    events = AuditEvent.objects.filter(action="customer_segment")
    assert events.count() == 6
    vip_uuid = str(Customer.objects.get(external_ref="VIP").uuid)
    assert events.get(entity_id=vip_uuid).after["segment"] == "vip"
    summary_event = AuditEvent.objects.get(action="segments_recompute")
    assert summary_event.after == summary.as_dict()

    again = segments_recompute(organisation=organisation, as_of=AS_OF, actor=actor)
    assert again.changed == 0 and _segments()["MANUAL"] == "vip"
    assert AuditEvent.objects.filter(action="customer_segment").count() == 6


def test_queries_do_not_grow_with_customers(organisation, ledger, actor):
    segments_ensure_defaults(organisation)
    with CaptureQueriesContext(connection) as few:
        segments_recompute(organisation=organisation, as_of=AS_OF, actor=actor)
    for n in range(30):
        ledger.invoice(ledger.customer(f"X{n}"), "100.00", due=START, paid_days_late=n)
    with CaptureQueriesContext(connection) as many:
        segments_recompute(organisation=organisation, as_of=AS_OF, actor=actor)
    assert len(many) <= len(few) + 2  # the bulk upsert batches, nothing per customer
    assert len(many) < 25


def test_defaults_are_created_once_and_map_to_scenarios(organisation):
    segments_ensure_defaults(organisation)
    segments_ensure_defaults(organisation)
    assert list(Segment.objects.values_list("key", "position")) == [
        ("bad_payer", 1), ("vip", 2), ("standard", 3),
    ]  # fmt: skip
    assert segment_scenarios(organisation) == {}
    scenarios_ensure_presets(organisation)
    firm = Scenario.objects.get(organisation=organisation, key="bad_payer")
    Segment.objects.filter(key="standard").update(scenario=firm)
    assert segment_scenarios(organisation) == {"standard": firm.pk}


def test_selector_gives_segment_scenario_and_explanation(organisation, ledger, actor):
    scenarios_ensure_presets(organisation)
    segments_recompute(organisation=organisation, as_of=AS_OF, actor=actor)
    late = Customer.objects.get(external_ref="LATE")
    found = customer_segment(organisation, late)
    assert (found.key, found.name, found.is_manual, found.scenario) == (
        "bad_payer", "Mauvais payeur", False, "bad_payer",
    )  # fmt: skip
    assert found.explanation["segment"] == "bad_payer"
    vip_scenario = Scenario.objects.get(organisation=organisation, key="vip")
    Segment.objects.filter(organisation=organisation, key="bad_payer").update(scenario=vip_scenario)
    assert customer_segment(organisation, late).scenario == "vip"


def test_command_recompute_json_and_show(organisation, ledger):
    out = StringIO()
    call_command("segments", "recompute", "--date", "2026-06-30", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "date": "2026-06-30",
        "segments": {"bad_payer": 3, "vip": 1, "standard": 2},
        "changed": 6,
        "manual": 1,
    }
    out = StringIO()
    call_command("segments", "show", "LATE", "--org", "atelier", stdout=out)
    text = out.getvalue()
    assert "Segment : bad_payer" in text and "late_pct (%)" in text
    assert "50 % des factures payées avec plus de 15 jours de retard (seuil : 30 %)" in text
    out = StringIO()
    call_command("segments", "show", "MANUAL", "--date", "2026-06-30", stdout=out)
    assert "choisi à la main" in out.getvalue() and "Le calcul donnerait : bad_payer" in (
        out.getvalue()
    )
