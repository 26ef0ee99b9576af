"""Rates added to an installation: checked, audited, used at once, and watched before they
run out."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from relance.accounts.models import AuditEvent
from relance.ledger.services import customer_create
from relance.rates.selectors import rate_coverage, rate_warnings
from relance.rates.services import RateRefused, rate_add
from relance.rates.tables import rate_tables

D = Decimal
SOURCE = "ECB press release of 10 December 2026 (main refinancing operations)"


def add(actor, table="ecb_reference_rate", start=date(2027, 1, 1), end=date(2027, 6, 30),
        rate="2.15", **options):  # fmt: skip
    return rate_add(table=table, start=start, end=end, rate=D(rate), source=SOURCE, actor=actor,
                    **options)  # fmt: skip


def test_an_added_rate_extends_the_table_at_once_and_is_audited(organisation, actor):
    assert rate_tables().ecb_reference.last_day == date(2026, 12, 31)
    add(actor)
    tables = rate_tables()
    assert tables.ecb_reference.last_day == date(2027, 6, 30)
    row = tables.ecb_reference.row_on(date(2027, 3, 1))
    assert (row.rate, row.source, row.verified) == (D("2.15"), SOURCE, True)
    event = AuditEvent.objects.get(organisation=organisation, action="rate_added")
    assert event.after["table"] == "ecb_reference_rate" and event.after["rate"] == "2.15"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"table": "libor"}, "table inconnue"),
        ({"start": date(2027, 2, 1)}, "une table n'a jamais de trou"),
        ({"end": date(2026, 12, 1)}, "la fin"),
        ({"rate": "215"}, "hors des bornes"),
        ({"start": date(2026, 7, 1)}, "--replace"),
        # A verified shipped value is corrected by a release, never per installation.
        ({"start": date(2026, 6, 1), "replace": True}, "vérifié et sourcé"),
    ],
)
def test_refused_rates(db, actor, options, message):
    with pytest.raises(RateRefused, match=message):
        add(actor, **options)
    assert rate_tables().ecb_reference.last_day == date(2026, 12, 31)


def test_a_source_is_required(db, actor):
    with pytest.raises(RateRefused, match="source est obligatoire"):
        rate_add(table="de_base_rate", start=date(2026, 7, 1), end=date(2026, 12, 31),
                 rate=D("1.27"), source="  ", actor=actor)  # fmt: skip


def test_an_assumed_shipped_row_is_replaced_by_the_published_value(db, actor):
    add(actor, start=date(2026, 7, 1), end=date(2026, 12, 31), rate="2.40", replace=True)
    tables = rate_tables()
    assert tables.ecb_reference.rate_on(date(2026, 8, 1)) == D("2.40")
    assert tables.ecb_reference.rate_on(date(2026, 6, 30)) == D("2.15")
    # and an added row can itself be replaced, the latest wins
    add(actor, start=date(2026, 10, 1), end=date(2027, 3, 31), rate="2.65", replace=True)
    table = rate_tables().ecb_reference
    assert [table.rate_on(date(2026, 9, 30)), table.rate_on(date(2027, 1, 1))] == [
        D("2.40"), D("2.65"),
    ]  # fmt: skip
    assert table.last_day == date(2027, 3, 31)


def test_relance_rates_lists_coverage_and_adds(db):
    out = StringIO()
    call_command("rates", "--date", "2026-12-07", stdout=out)
    text = out.getvalue()
    assert "ecb_reference_rate" in text and "31/12/2026" in text and "24 j restants" in text
    assert "fr_legal_rate_autres_cas" in text and "s'est arrêtée il y a 160 j" in text
    out = StringIO()
    call_command("rates", "add", "fr_legal_rate_autres_cas", "--from", "2026-07-01",
                 "--to", "2026-12-31", "--value", "2,10", "--source",
                 "Arrêté du 20 juin 2026, JORF du 27 juin 2026", "--date", "2026-12-07",
                 "--json", stdout=out)  # fmt: skip
    rows = {row["table"]: row for row in json.loads(out.getvalue())}
    assert rows["fr_legal_rate_autres_cas"]["last_day"] == "2026-12-31"
    assert rows["fr_legal_rate_autres_cas"]["last_rate"] == "2.1"
    assert rows["fr_legal_rate_autres_cas"]["added_here"] == 1
    assert rows["fr_legal_rate_autres_cas"]["days_left"] == 24
    with pytest.raises(CommandError, match="Taux refusé"):
        call_command("rates", "add", "fr_legal_rate_autres_cas", "--from", "2027-02-01",
                     "--to", "2027-06-30", "--value", "2", "--source", "Arrêté du ...")  # fmt: skip


def test_relance_penalties_uses_the_added_rate(db, actor):
    args = ("--amount", "1000", "--due", "2026-12-31", "--until", "2027-01-30")
    with pytest.raises(CommandError, match="2027-01-01"):
        call_command("penalties", *args, stdout=StringIO())
    add(actor)
    out = StringIO()
    call_command("penalties", *args, stdout=out)
    assert "30 jours à 12,15 %" in out.getvalue()


def test_warnings_name_the_tables_an_organisation_needs(organisation, actor):
    day = date(2026, 12, 7)
    assert rate_warnings(organisation=organisation, day=day) == []  # no customer, no need
    customer_create(organisation=organisation, external_ref="B", name="SARL B", actor=actor)
    [warning] = rate_warnings(organisation=organisation, day=day)
    assert (warning.table, warning.last_day, warning.days_left) == (
        "ecb_reference_rate", date(2026, 12, 31), 24,
    )  # fmt: skip
    assert (
        "31/12/2026" in warning.text() and "relance rates add ecb_reference_rate" in warning.text()
    )
    customer_create(organisation=organisation, external_ref="C", name="M. C", kind="B2C",
                    actor=actor)  # fmt: skip
    names = [w.table for w in rate_warnings(organisation=organisation, day=day)]
    assert names == ["fr_legal_rate_autres_cas", "ecb_reference_rate"]  # ended first
    assert rate_warnings(organisation=organisation, day=day)[0].ended
    # Sixty days ahead, not more.
    assert [w.table for w in rate_warnings(organisation=organisation, day=date(2026, 5, 1))] == []
    assert [w.table for w in rate_warnings(organisation=organisation, day=date(2026, 5, 2))] == [
        "fr_legal_rate_autres_cas"
    ]
    add(actor)
    add(actor, table="fr_legal_rate_autres_cas", start=date(2026, 7, 1), rate="2.10")
    assert rate_warnings(organisation=organisation, day=day) == []


def test_coverage_of_every_table(db):
    coverage = {c.table: c for c in rate_coverage(today=date(2026, 12, 7))}
    assert set(coverage) == {
        "ecb_mro", "ecb_reference_rate", "fr_legal_rate_particuliers",
        "fr_legal_rate_autres_cas", "be_late_payment_rate", "de_base_rate",
    }  # fmt: skip
    assert coverage["de_base_rate"].last_day == date(2026, 6, 30)
    assert coverage["de_base_rate"].days_left == -160


def test_the_morning_run_and_the_dashboard_warn(organisation, actor, capsys, caplog, monkeypatch):
    from datetime import UTC, datetime

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from relance.accounts.services import user_create
    from relance.cycle.daily import daily_cycle

    customer_create(organisation=organisation, external_ref="B", name="SARL B", actor=actor)
    call_command("run_day", "--date", "2026-12-07")
    assert "Attention : La table de taux « ecb_reference_rate » s'arrête le 31/12/2026" in (
        capsys.readouterr().out
    )
    with caplog.at_level("WARNING", logger="relance.rates"):
        daily_cycle(organisation=organisation, day=date(2026, 12, 8), actor=actor)
    assert any("ecb_reference_rate" in record.getMessage() for record in caplog.records)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    collector = Client()
    user = user_create(email="c@example.org", organisation=organisation, role="collector",
                       password="x" * 20, actor=actor)  # fmt: skip
    collector.force_login(user)
    page = collector.get(reverse("dashboard", kwargs={"org": organisation.slug}))
    html = page.content.decode()
    assert "rate-warning" in html and "relance rates add ecb_reference_rate" in html
    add(actor)
    html = collector.get(reverse("dashboard", kwargs={"org": organisation.slug})).content.decode()
    assert "rate-warning" not in html


def test_the_settings_page_lists_the_coverage(organisation, actor, monkeypatch):
    from datetime import UTC, datetime

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from relance.accounts.services import user_create

    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    customer_create(organisation=organisation, external_ref="B", name="SARL B", actor=actor)
    add(actor)
    client = Client()
    client.force_login(user_create(email="a@example.org", organisation=organisation, role="admin",
                                   password="x" * 20, actor=actor))  # fmt: skip
    html = client.get(reverse("settings_rates", kwargs={"org": organisation.slug})).content.decode()
    assert "30/06/2027" in html and SOURCE in html and "1 taux ajouté ici" in html
    assert "à compléter" not in html  # the table the organisation needs is now covered
