"""Every staff list and report exports all the rows its filters keep, as CSV and XLSX, to
the people who may read the page, and nothing of another organisation."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from relance.accounts.models import User
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.dunning.segments import segments_ensure_defaults
from relance.dunning.services import (
    customer_pause,
    dispute_open,
    payment_plan_create,
    promise_record,
)
from relance.imports.bank import bank_statement_import
from relance.ledger.models import Invoice
from relance.ledger.services import customer_collector_set, invoice_create, payment_record
from relance.reports.services import monthly_figures_record
from relance.web.customers import paging
from tests.dunning.todo_helpers import make_todo
from tests.imports.bank_files import Move, camt053
from tests.imports.helpers import fixture, run_import
from tests.web.ledger_data import customer, invoice, today
from tests.web.test_imports import send, upload_of
from tests.web.test_sent import make_messages


@pytest.fixture
def book(organisation, actor):
    """Three customers: one 45 days late, one 10 days late, one owing nothing."""
    scenarios_ensure_presets(organisation)
    segments_ensure_defaults(organisation)
    day = today(organisation)
    garage = customer(organisation, actor, "K1", "Garage Martin")
    bakery = customer(organisation, actor, "K2", "Boulangerie Petit")
    florist = customer(organisation, actor, "K3", "Fleurs Durand")
    invoice(organisation, actor, garage, "F-1", amount="900.00", due=day - timedelta(45))
    invoice(organisation, actor, bakery, "F-2", amount="300.00", due=day - timedelta(10))
    return {"garage": garage, "bakery": bakery, "florist": florist}


@pytest.fixture
def entries(organisation, actor, book):
    """Two credits waiting for a person: one the name and amount of F-1 suggest, one not."""
    statement = camt053([
        Move("R1", "900.00", name="GARAGE MARTIN"),
        Move("R2", "60.00", name="SOCIETE INCONNUE", text="virement"),
    ])  # fmt: skip
    bank_statement_import(organisation=organisation, data=statement, filename="r.xml",
                          actor=actor)  # fmt: skip


def url(name, organisation, fmt="csv", **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, "fmt": fmt, **kwargs})


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_rows(response) -> list[tuple[object, ...]]:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = b"".join(response.streaming_content)
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def column(rows, header: str) -> list[Any]:
    index = list(rows[0]).index(header)
    return [row[index] for row in rows[1:]]


# --------------------------------------------------------------------------- customers


def test_customers_export_all_rows_in_the_list_order_not_one_page(
    collector, organisation, actor, book, monkeypatch
):
    monkeypatch.setattr(paging, "PER_PAGE", 1)  # the page holds one: the file holds all
    rows = csv_rows(collector.get(url("customers_export", organisation)))
    assert rows[0][:3] == ["Client", "Référence", "Segment"]
    assert column(rows, "Client") == ["Garage Martin", "Boulangerie Petit", "Fleurs Durand"]
    garage = rows[1]
    assert column(rows, "Échu")[0] == "900,00" and column(rows, "Jours de retard")[0] == "45"
    assert "standard" not in garage  # segments by their names, never their keys
    assert column(rows, "Encours")[2] == "0,00"


def test_customers_export_keeps_the_filters(collector, organisation, actor, book):
    camille = User.objects.get(email="collector@atelier.example")
    customer_collector_set(customer=book["florist"], collector=camille, actor=actor)
    customer_pause(customer=book["garage"], reason="Redressement", actor=actor)
    names = {
        "?paused=yes": ["Garage Martin"],
        "?paused=no&sort=name": ["Boulangerie Petit", "Fleurs Durand"],
        f"?collector={camille.uuid}": ["Fleurs Durand"],
        "?bucket=1_30": ["Boulangerie Petit"],
        "?q=boul": ["Boulangerie Petit"],
    }
    for query, expected in names.items():
        rows = csv_rows(collector.get(url("customers_export", organisation) + query))
        assert column(rows, "Client") == expected, query
    rows = csv_rows(collector.get(url("customers_export", organisation) + "?paused=yes"))
    assert column(rows, "Relances") == ["Suspendues"]


def test_customers_xlsx_has_numbers_and_dates(collector, organisation, book):
    rows = xlsx_rows(collector.get(url("customers_export", organisation, "xlsx")))
    assert rows[1][0] == "Garage Martin"
    assert column(rows, "Échu")[0] == 900 and column(rows, "Jours de retard")[0] == 45


def test_the_list_page_links_to_its_export_with_its_filters(collector, organisation, book):
    page = collector.get(reverse("customers", kwargs={"org": organisation.slug}),
                         {"paused": "no", "page": "2"}).content.decode()  # fmt: skip
    assert f'href="{url("customers_export", organisation)}?paused=no"' in page
    assert f'href="{url("customers_export", organisation, "xlsx")}?paused=no"' in page


def test_headers_follow_the_readers_language(signed_in, organisation, book):
    client = signed_in(organisation, "collector")
    User.objects.filter(email="collector@atelier.example").update(language="en")
    response = client.get(url("customers_export", organisation))
    data = b"".join(response.streaming_content).decode("utf-8-sig")
    head, garage = data.split("\r\n")[:2]
    assert head.startswith("Customer,Reference,Segment")
    assert ",900.00," in garage
    assert response["Content-Disposition"].endswith(f'-{today(organisation).isoformat()}.csv"')


def test_another_organisations_customers_are_never_exported(
    signed_in, organisation, other_organisation, book
):
    outsider = signed_in(other_organisation, "collector", "x@brasserie.example")
    assert outsider.get(url("customers_export", organisation)).status_code == 404
    rows = csv_rows(outsider.get(url("customers_export", other_organisation)))
    assert rows[1:] == []


def test_a_viewer_exports_what_a_viewer_reads(viewer, organisation, book):
    assert len(csv_rows(viewer.get(url("customers_export", organisation)))) == 4


def test_an_unknown_format_is_not_found(collector, organisation, book):
    assert collector.get(url("customers_export", organisation, "pdf")).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, organisation):
    response = client.get(url("customers_export", organisation))
    assert response.status_code == 302 and "login" in response.url


# ---------------------------------------------------------------------------- invoices


def test_invoices_export_one_line_per_due_date_with_its_status(collector, organisation, actor,
                                                               book):  # fmt: skip
    day = today(organisation)
    invoice(organisation, actor, book["florist"], "=1+1", amount="40.00", due=day + timedelta(9))
    rows = csv_rows(collector.get(url("invoices_export", organisation)))
    assert rows[0][:3] == ["Facture", "Échéance n°", "Client"]
    assert column(rows, "Facture") == ["'=1+1", "F-2", "F-1"]  # latest due first; escaped
    assert column(rows, "Statut") == ["À échoir", "Échue", "Échue"]
    assert column(rows, "Reste dû") == ["40,00", "300,00", "900,00"]
    assert column(rows, "Échéance")[2] == (day - timedelta(45)).strftime("%d/%m/%Y")
    overdue = csv_rows(collector.get(url("invoices_export", organisation) + "?status=overdue"))
    assert column(overdue, "Facture") == ["F-2", "F-1"]
    searched = csv_rows(collector.get(url("invoices_export", organisation) + "?customer=garage"))
    assert column(searched, "Facture") == ["F-1"]


def test_invoices_xlsx_dates_are_dates(collector, organisation, book):
    rows = xlsx_rows(collector.get(url("invoices_export", organisation, "xlsx")))
    due = column(rows, "Échéance")[0]
    assert due.date() == today(organisation) - timedelta(10)
    assert column(rows, "Montant") == [300, 900]


def test_invoices_export_reads_what_is_owed_and_what_pauses_each_line(
    collector, organisation, actor, book
):
    """Hand-worked: F-3 in two instalments of 100.00 and 50.10, 33.33 paid on the first;
    F-1 disputed, F-2 promised, F-4 in a payment plan."""
    day = today(organisation)
    florist = book["florist"]
    split = invoice_create(
        organisation=organisation, customer=florist, number="F-3", issue_date=day - timedelta(60),
        amount_incl_tax=Decimal("150.10"), actor=actor,
        instalments=[(day - timedelta(30), Decimal("100.00")),
                     (day + timedelta(5), Decimal("50.10"))],
    )  # fmt: skip
    payment_record(organisation=organisation, customer=florist, reference="V1", date=day,
                   amount=Decimal("33.33"), actor=actor, invoice=split)  # fmt: skip
    f1, f2 = (Invoice.objects.get(organisation=organisation, number=n) for n in ("F-1", "F-2"))
    dispute_open(invoice=f1, reason="livraison incomplète", day=day, actor=actor)
    promise_record(customer=book["bakery"], invoices=[f2], promised_on=day + timedelta(3),
                   amount=Decimal("300.00"), day=day, actor=actor)  # fmt: skip
    planned = invoice(organisation, actor, florist, "F-4", amount="80.00", due=day - timedelta(20))
    payment_plan_create(customer=florist, invoices=[planned], day=day, actor=actor,
                        schedule=[(day + timedelta(7), Decimal("80.00"))])  # fmt: skip
    rows = csv_rows(collector.get(url("invoices_export", organisation) + "?sort=due"))
    lines = {(row[0], row[1]): row for row in rows[1:]}
    owed, state, late = (rows[0].index(h) for h in ("Reste dû", "Statut", "Jours de retard"))
    shown = [(key, lines[key][owed], lines[key][state], lines[key][late]) for key in sorted(lines)]
    assert shown == [
        (("F-1", "1/1"), "900,00", "En litige", "45"),
        (("F-2", "1/1"), "300,00", "Promesse", "10"),
        (("F-3", "1/2"), "66,67", "Échue", "30"),
        (("F-3", "2/2"), "50,10", "À échoir", ""),
        (("F-4", "1/1"), "80,00", "Échéancier", "20"),
    ]  # fmt: skip


def test_another_organisations_invoices_are_not_in_its_export(
    signed_in, organisation, other_organisation, actor, book
):
    stranger = customer(other_organisation, actor, "Z1", "Brasserie Cliente")
    invoice(other_organisation, actor, stranger, "B-1", amount="10.00", due=today(organisation))
    rows = csv_rows(signed_in(organisation).get(url("invoices_export", organisation)))
    assert "B-1" not in column(rows, "Facture")


# ------------------------------------------------------------------------------- to-do


def test_todo_export_one_line_per_customer_with_its_tasks(collector, organisation):
    make_todo(organisation)
    rows = csv_rows(collector.get(url("todo_export", organisation)))
    assert len(rows) == 5  # four customers
    tasks = dict(zip(column(rows, "Client"), column(rows, "À faire aujourd'hui"), strict=True))
    assert tasks["Garage Martin"] == "Appel : Premier appel"
    assert tasks["Pharmacie Petit"] == "Mise en demeure : Mise en demeure"
    calls = csv_rows(collector.get(url("todo_export", organisation) + "?kind=call"))
    assert column(calls, "Client") == ["Garage Martin"]


def test_todo_export_page_link(collector, organisation):
    make_todo(organisation)
    page = collector.get(reverse("todo", kwargs={"org": organisation.slug}) + "?kind=call")
    assert f"{url('todo_export', organisation)}?kind=call" in page.content.decode()


# ------------------------------------------------------------------------ sent messages


def test_sent_export_keeps_the_filters_and_shows_words(collector, organisation, actor):
    make_messages(organisation, actor)
    rows = csv_rows(collector.get(url("sent_export", organisation)))
    assert len(rows) == 6
    assert set(column(rows, "Canal")) == {"E-mail", "SMS"}
    assert "Échec" in column(rows, "Statut") and "Ouvert" in column(rows, "Statut")
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", day) for day in column(rows, "Date"))
    sms = csv_rows(collector.get(url("sent_export", organisation) + "?channel=sms"))
    assert column(sms, "Client") == ["Client E"]
    assert column(sms, "Canal") == ["SMS"]


def test_sent_xlsx_dates_are_local_times(collector, organisation, actor):
    make_messages(organisation, actor)
    rows = xlsx_rows(collector.get(url("sent_export", organisation, "xlsx") + "?channel=sms"))
    assert column(rows, "Date")[0].hour == 10  # 9:00 UTC is 10:00 in Paris in March


# --------------------------------------------------------------------------- bank entries


def test_bank_entries_export_what_waits_for_a_person(collector, organisation, entries):
    rows = csv_rows(collector.get(url("bank_entries_export", organisation)))
    page = collector.get(reverse("bank_entries", kwargs={"org": organisation.slug}))
    shown = re.findall(r"<td>(GARAGE MARTIN|SOCIETE INCONNUE)", page.content.decode())
    assert column(rows, "Payeur") == shown  # the page's order
    amounts = dict(zip(column(rows, "Payeur"), column(rows, "Montant"), strict=True))
    assert amounts == {"GARAGE MARTIN": "900,000", "SOCIETE INCONNUE": "60,000"}
    assert set(column(rows, "Statut")) <= {"Non rapproché", "Proposé"}
    suggested = dict(zip(column(rows, "Payeur"), column(rows, "Factures proposées"), strict=True))
    assert suggested["SOCIETE INCONNUE"] == ""


def test_bank_entries_of_another_organisation_are_not_exported(
    signed_in, other_organisation, entries
):
    outsider = signed_in(other_organisation, "collector", "x@brasserie.example")
    assert csv_rows(outsider.get(url("bank_entries_export", other_organisation)))[1:] == []


# -------------------------------------------------------------------------- dashboard


def test_aged_balance_and_monthly_figures(collector, organisation, book):
    monthly_figures_record(organisation=organisation, day=today(organisation))
    aged = csv_rows(collector.get(url("report_export", organisation, report="aged")))
    assert aged[0][:3] == ["Devise", "Soldes au", "Clients"]
    assert aged[1][0] == "EUR"
    assert column(aged, "Total") == ["1200,00"]
    assert column(aged, "31 à 60 jours") == ["900,00"]
    monthly = xlsx_rows(collector.get(url("report_export", organisation, "xlsx", report="monthly")))
    assert len(monthly) == 13  # twelve months
    assert column(monthly, "Encours fin de mois")[-1] == 1200
    page = collector.get(reverse("dashboard", kwargs={"org": organisation.slug})).content.decode()
    assert url("report_export", organisation, report="aged") in page
    assert url("report_export", organisation, report="monthly") in page


def test_an_unknown_report_is_not_found(collector, organisation):
    assert collector.get(url("report_export", organisation, report="secret")).status_code == 404


# ----------------------------------------------------------------------- import errors


def test_every_import_error_is_exported_to_its_uploader_only(
    collector, signed_in, organisation, settings
):
    settings.RELANCE_IMPORT_MAX_ERRORS = 150
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    lines = ["number;customer_id;issue_date;due_date;amount_incl_tax"]
    lines += [f"F-{n};C999999;2026-01-10;2026-02-09;100.00" for n in range(150)]
    upload = upload_of(send(collector, organisation, "f.csv", "\n".join(lines).encode(),
                            "invoices"))  # fmt: skip
    collector.post(reverse("import_check", kwargs={"org": organisation.slug,
                                                  "token": upload.token}))  # fmt: skip
    address = url("import_errors_export", organisation, token=upload.token)
    rows = csv_rows(collector.get(address))
    assert len(rows) == 151  # all of them, where the page shows a hundred
    assert rows[1][0] == "2" and "client inconnu" in rows[1][2]
    colleague = signed_in(organisation, "admin")
    assert colleague.get(address).status_code == 404
