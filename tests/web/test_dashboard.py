"""The dashboard page: figures per currency, to-do counts, promises, trend, roles, isolation."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from relance.accounts.clock import local_day
from relance.core.calendar import BusinessCalendar
from relance.dunning.models import Reminder, ReminderStatus
from relance.dunning.run import run_day
from relance.dunning.services import dispute_open, promise_record
from relance.ledger.balances import customer_balances_refresh
from relance.ledger.models import Invoice
from relance.ledger.services import customer_create, invoice_create
from relance.reports.services import monthly_figures_record
from tests.imports.helpers import fixture, run_import

D = Decimal


def url(organisation) -> str:
    return reverse("dashboard", kwargs={"org": organisation.slug})


@pytest.fixture
def ledger(organisation, actor):
    """Two customers, euros and Swiss francs, aged as of today."""
    today = local_day(organisation)
    alpha = customer_create(organisation=organisation, external_ref="A", name="Alpha <b>SARL</b>",
                            actor=actor)  # fmt: skip
    beta = customer_create(organisation=organisation, external_ref="B", name="Beta AG",
                           actor=actor)  # fmt: skip
    for number, customer, days_late, amount, currency in (
        ("F-1", alpha, 10, "1000.00", "EUR"),
        ("F-2", alpha, 45, "500.00", "EUR"),
        ("F-3", alpha, -20, "250.00", "EUR"),
        ("F-4", beta, 100, "777.00", "CHF"),
    ):
        due = today - timedelta(days=days_late)
        invoice_create(
            organisation=organisation, customer=customer, number=number,
            issue_date=due - timedelta(days=30), due_date=due, amount_incl_tax=D(amount),
            currency=currency, actor=actor,
        )  # fmt: skip
    customer_balances_refresh(organisation=organisation, as_of=today)
    return {"alpha": alpha, "beta": beta, "today": today}


def test_figures_per_currency(collector, organisation, ledger, actor):
    today = ledger["today"]
    dispute_open(invoice=Invoice.objects.get(number="F-2"), reason="Prix contesté", day=today,
                 actor=actor)  # fmt: skip
    promise_record(customer=ledger["alpha"], invoices=[Invoice.objects.get(number="F-1")],
                   promised_on=today, amount=D("400.00"), day=today, actor=actor)  # fmt: skip
    page = collector.get(url(organisation))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Encours en EUR" in html and "Encours en CHF" in html
    assert "1\u00a0750,00\u00a0€" in html  # total owed in euros
    assert "777,00\u00a0CHF" in html
    assert "2\u00a0527" not in html  # never euros plus francs
    assert "500,00\u00a0€" in html  # disputed
    assert "400,00\u00a0€" in html  # promised today
    # the customer's name is escaped, never markup
    assert "Alpha &lt;b&gt;SARL&lt;/b&gt;" in html and "<b>SARL</b>" not in html
    # the aged balance: a chart and the same amounts in a table
    assert 'data-chart="aged-EUR"' in html and "Balance âgée en EUR" in html
    charts = json.loads(html.split('id="dashboard-charts" type="application/json">')[1]
                        .split("</script>")[0])  # fmt: skip
    assert charts["aged-EUR"]["values"] == [250.0, 1000.0, 500.0, 0.0, 0.0]
    assert charts["aged-CHF"]["values"] == [0.0, 0.0, 0.0, 0.0, 777.0]
    assert "chart-4.6.1.umd.min.js" in html


def test_trend_and_dso_once_the_months_are_recorded(collector, organisation, ledger):
    html = collector.get(url(organisation)).content.decode()
    assert "passage quotidien" in html  # nothing recorded yet
    monthly_figures_record(organisation=organisation, day=ledger["today"])
    html = collector.get(url(organisation)).content.decode()
    assert 'data-chart="trend-EUR"' in html
    assert "Encours fin de mois" in html
    assert html.count("<tr>") > 12
    assert " jours" in html


def test_todo_counts_and_failed_deliveries(collector, organisation, actor):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    run_import(organisation, "invoices", fixture("ref-invoices.csv"))
    # The last business day's run (nothing is sent on a weekend): its to-do is still open.
    last_run = BusinessCalendar("FR", None).previous_business_day(local_day(organisation))
    run_day(organisation=organisation, day=last_run, actor=actor)
    reminders = Reminder.objects.filter(organisation=organisation).order_by("id")
    failed = reminders.first()
    assert failed is not None
    reminders.filter(pk=failed.pk).update(status=ReminderStatus.FAILED,
                                          notes=["Rejeté : 5.1.1 boîte inconnue"])  # fmt: skip
    waiting = reminders.filter(status=ReminderStatus.TODO).count()
    html = collector.get(url(organisation)).content.decode()
    assert "À faire aujourd'hui" in html
    assert "Rejeté : 5.1.1 boîte inconnue" in html
    assert failed.customer.name in html
    assert f'<td class="num">{waiting + 1}</td>' in html  # the to-do's total
    try:
        todo = reverse("todo", kwargs={"org": organisation.slug})
    except NoReverseMatch:
        assert "Ouvrir la liste à faire" not in html
    else:
        assert f'href="{todo}"' in html


def test_an_empty_organisation_has_a_calm_dashboard(collector, organisation):
    html = collector.get(url(organisation)).content.decode()
    assert "Aucune créance ouverte" in html
    assert "Aucun envoi en échec" in html


def test_viewer_reads_the_dashboard(viewer, organisation, ledger):
    page = viewer.get(url(organisation))
    assert page.status_code == 200 and "Encours en EUR" in page.content.decode()


def test_another_organisations_figures_never_appear(
    signed_in, organisation, other_organisation, ledger, actor
):
    theirs = customer_create(organisation=other_organisation, external_ref="Z",
                             name="Brasseur Secret", actor=actor)  # fmt: skip
    invoice_create(
        organisation=other_organisation, customer=theirs, number="Z-1",
        issue_date=date(2026, 1, 1), due_date=date(2026, 2, 1), amount_incl_tax=D("98765.43"),
        currency="USD", actor=actor,
    )  # fmt: skip
    promise_record(customer=theirs, invoices=[Invoice.objects.get(number="Z-1")],
                   promised_on=ledger["today"], amount=D("5.00"), day=ledger["today"],
                   actor=actor)  # fmt: skip
    customer_balances_refresh(organisation=other_organisation, as_of=ledger["today"])
    monthly_figures_record(organisation=other_organisation, day=ledger["today"])
    client = signed_in(organisation, "collector")
    html = client.get(url(organisation)).content.decode()
    assert "USD" not in html
    assert "Brasseur Secret" not in html and "98\u00a0765" not in html
    assert client.get(url(other_organisation)).status_code == 404
