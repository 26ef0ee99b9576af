"""The lists' exports row by row, from a small ledger worked out by hand: the same cells in
CSV (French conventions) and XLSX (typed cells), formula-looking text escaped in both, and a
number of queries that does not grow with the rows."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relance.accounts.models import User
from relance.accounts.services import user_create
from relance.channels.models import OutboundMessage
from relance.ledger.models import Customer
from relance.ledger.services import customer_collector_set, customer_create
from tests.dunning.todo_helpers import make_todo
from tests.web.ledger_data import customer, invoice, today

INJECTED = "=cmd|' /C calc'!A0"


def export(client, name, organisation, fmt, query=""):
    url = reverse(name, kwargs={"org": organisation.slug, "fmt": fmt}) + query
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_of(data: bytes) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def queries_to_export(client, name, organisation) -> int:
    with CaptureQueriesContext(connection) as done:
        export(client, name, organisation, "csv")
    return len(done.captured_queries)


def colleague(organisation, actor) -> User:
    camille = user_create(
        email="camille@atelier.example", organisation=organisation, role="collector",
        password="un mot de passe solide", actor=actor,
    )  # fmt: skip
    camille.first_name, camille.last_name = "Camille", "Roux"
    camille.save()
    return camille


# --------------------------------------------------------------------------- customers


@pytest.fixture
def ledger(organisation, actor):
    """Garage Martin owes 900.00 due 45 days ago and 100.50 due in 5 days, followed by
    Camille Roux; a customer named like a formula owes 300.00 due 10 days ago; Fleurs Durand
    owes nothing."""
    day = today(organisation)
    camille = colleague(organisation, actor)
    garage = customer(organisation, actor, "K1", "Garage Martin")
    customer_collector_set(customer=garage, collector=camille, actor=actor)
    invoice(organisation, actor, garage, "F-1", amount="900.00", due=day - timedelta(45))
    invoice(organisation, actor, garage, "F-2", amount="100.50", due=day + timedelta(5))
    formula = customer_create(organisation=organisation, external_ref="+K2", name=INJECTED,
                              actor=actor)  # fmt: skip
    invoice(organisation, actor, formula, "F-3", amount="300.00", due=day - timedelta(10))
    customer(organisation, actor, "K3", "Fleurs Durand")
    return day


def test_customers_export_rows_in_csv(collector, organisation, ledger):
    rows = csv_of(export(collector, "customers_export", organisation, "csv"))
    assert rows == [
        ["Client", "Référence", "Segment", "Chargé de recouvrement", "Devise", "Encours",
         "Échu", "Jours de retard", "Dernière relance", "Relances"],
        ["Garage Martin", "K1", "", "Camille Roux", "EUR", "1000,50", "900,00", "45", "",
         "Actives"],
        ["'" + INJECTED, "'+K2", "", "", "EUR", "300,00", "300,00", "10", "", "Actives"],
        ["Fleurs Durand", "K3", "", "", "EUR", "0,00", "0,00", "", "", "Actives"],
    ]  # fmt: skip


def test_customers_export_rows_in_xlsx(collector, organisation, ledger):
    rows = xlsx_of(export(collector, "customers_export", organisation, "xlsx"))
    # Empty text is an empty text cell, as the list exports always wrote it.
    assert rows[1:] == [
        ("Garage Martin", "K1", "", "Camille Roux", "EUR", 1000.5, 900, 45, None, "Actives"),
        ("'" + INJECTED, "'+K2", "", "", "EUR", 300, 300, 10, None, "Actives"),
        ("Fleurs Durand", "K3", "", "", "EUR", 0, 0, None, None, "Actives"),
    ]


def test_customers_export_sorted_by_name_reads_the_same_cells(collector, organisation, ledger):
    rows = csv_of(export(collector, "customers_export", organisation, "csv", "?sort=name"))
    assert [row[0] for row in rows[1:]] == ["'" + INJECTED, "Fleurs Durand", "Garage Martin"]
    assert rows[3][3:8] == ["Camille Roux", "EUR", "1000,50", "900,00", "45"]


def test_customers_export_queries_do_not_grow_with_the_customers(collector, organisation, actor):
    day = today(organisation)

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            owner = customer(organisation, actor, f"K{n}", f"Client {n}")
            if n % 2:  # half owe something, half nothing: both queries of the list are read
                invoice(organisation, actor, owner, f"F-{n}", amount="10.00", due=day)

    add(0, 3)
    few = queries_to_export(collector, "customers_export", organisation)
    add(3, 30)
    many = queries_to_export(collector, "customers_export", organisation)
    assert len(csv_of(export(collector, "customers_export", organisation, "csv"))) == 31
    assert many == few


# ------------------------------------------------------------------------ sent messages


def message(organisation, owner, *, subject: str, sent_at: datetime, **extra) -> None:
    OutboundMessage.objects.create(
        organisation=organisation, customer=owner, sender="Atelier <relances@atelier.example>",
        recipients=[f"compta@{owner.external_ref.lower()}.example"], subject=subject,
        body_text="Texte", message_id=f"<{uuid.uuid4()}@atelier.example>", content_sha256="0",
        next_attempt_at=sent_at, status="sent", sent_at=sent_at, **extra,
    )  # fmt: skip


@pytest.fixture
def sent(organisation, actor):
    """Two e-mails without a reminder sent on 9 March 2026, 9:00 and 9:30 UTC (10:00 and
    10:30 in Paris): one signed by Camille Roux with a subject that looks like a formula."""
    garage = customer(organisation, actor, "K1", "Garage Martin")
    colleague(organisation, actor)
    message(organisation, garage, subject="Votre compte", sent_at=datetime(2026, 3, 9, 9, 0,
            tzinfo=UTC))  # fmt: skip
    message(organisation, garage, subject=INJECTED, reply_to="camille@atelier.example",
            sent_at=datetime(2026, 3, 9, 9, 30, tzinfo=UTC))  # fmt: skip


def test_sent_export_rows_in_csv(collector, organisation, sent):
    rows = csv_of(export(collector, "sent_export", organisation, "csv"))
    assert rows == [
        ["Date", "Client", "Référence client", "Étape", "Canal", "Jours de retard", "Devise",
         "Montant", "Destinataire", "Expéditeur", "Objet", "Statut"],
        ["09/03/2026 10:30", "Garage Martin", "K1", "", "E-mail", "", "", "",
         "compta@k1.example", "Camille Roux", "'" + INJECTED, "Envoyé"],
        ["09/03/2026 10:00", "Garage Martin", "K1", "", "E-mail", "", "", "",
         "compta@k1.example", "Atelier <relances@atelier.example>", "Votre compte", "Envoyé"],
    ]  # fmt: skip


def test_sent_export_rows_in_xlsx(collector, organisation, sent):
    rows = xlsx_of(export(collector, "sent_export", organisation, "xlsx"))
    assert rows[1:] == [
        (datetime(2026, 3, 9, 10, 30), "Garage Martin", "K1", "", "E-mail", None, "", None,
         "compta@k1.example", "Camille Roux", "'" + INJECTED, "Envoyé"),
        (datetime(2026, 3, 9, 10, 0), "Garage Martin", "K1", "", "E-mail", None, "", None,
         "compta@k1.example", "Atelier <relances@atelier.example>", "Votre compte", "Envoyé"),
    ]  # fmt: skip


def test_sent_export_queries_do_not_grow_with_the_messages(collector, organisation, actor):
    garage = customer(organisation, actor, "K1", "Garage Martin")
    moment = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)

    def add(count: int) -> None:
        for n in range(count):
            message(organisation, garage, subject=f"Relance {n}", sent_at=moment)

    add(3)
    few = queries_to_export(collector, "sent_export", organisation)
    add(27)
    many = queries_to_export(collector, "sent_export", organisation)
    assert len(csv_of(export(collector, "sent_export", organisation, "csv"))) == 31
    assert many == few


# ------------------------------------------------------------------------------- to-do


def test_todo_export_rows_in_csv_and_xlsx(collector, organisation):
    """The to-do ``make_todo`` leaves (its run on 9 March 2026): every invoice due 2 March,
    the call's customer renamed like a formula; highest overdue balance first."""
    make_todo(organisation)
    Customer.objects.filter(organisation=organisation, external_ref="K-B").update(name=INJECTED)
    late = (today(organisation) - date(2026, 3, 2)).days
    vip = "Étape manuelle du scénario VIP."
    rows = csv_of(export(collector, "todo_export", organisation, "csv"))
    assert rows[1:] == [
        ["'" + INJECTED, "K-B", "", "EUR", "5000,00", str(late), "Appel : Premier appel", "0",
         "09/03/2026", "", "", ""],
        ["Boulangerie Lefèvre SARL", "K-A", "", "EUR", "1234,56", str(late),
         "E-mail : Première relance", "0", "09/03/2026", "", "", vip],
        ["Pharmacie Petit", "K-D", "", "EUR", "800,00", str(late),
         "Mise en demeure : Mise en demeure", "0", "09/03/2026", "", "", ""],
        ["Menuiserie Roux", "K-C", "", "EUR", "300,00", str(late), "E-mail : Première relance",
         "0", "09/03/2026", "", "", vip],
    ]  # fmt: skip
    cells = xlsx_of(export(collector, "todo_export", organisation, "xlsx"))
    assert cells[1] == ("'" + INJECTED, "K-B", "", "EUR", 5000, late, "Appel : Premier appel",
                        0, datetime(2026, 3, 9), None, None, "")  # fmt: skip
    assert [row[4] for row in cells[1:]] == [5000, 1234.56, 800, 300]
