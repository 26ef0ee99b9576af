"""``relance forecast`` and ``relance forecast backtest``: the documents they print."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.reports.forecast_ledger import build


def run(*args: str) -> str:
    out = StringIO()
    call_command("forecast", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def ledger(organisation, actor):
    build(organisation, actor)
    return organisation


def test_json_document(ledger):
    document = json.loads(run("--org", ledger.slug, "--date", "2026-06-30", "--json"))
    assert {"as_of", "invoices", "weeks"} <= set(document)
    assert document["as_of"] == "2026-06-30"
    assert document["currency"] == "EUR"  # the organisation's; CHF is listed apart
    assert document["other_currencies"] == ["CHF"]
    first = document["invoices"][0]
    assert {"number", "customer", "open_amount", "predicted_payment_date", "low", "high",
            "why"} <= set(first)  # fmt: skip
    assert first == first | {
        "number": "L8", "customer": "Lent SARL", "open_amount": "100.00",
        "predicted_payment_date": "2026-07-02", "low": "2026-07-02", "high": "2026-07-02",
    }  # fmt: skip
    assert [line["number"] for line in document["invoices"]] == [
        "L8", "P6", "P5", "L7", "P7", "L5", "L6", "S2",
    ]  # fmt: skip
    assert len(document["weeks"]) == 13
    assert document["weeks"][2] == {
        "week_start": "2026-07-13", "expected": "300.00", "statistical": "0.00",
        "promises": "200.00", "plans": "100.00",
    }  # fmt: skip
    assert document["disputed"] == "500.00"


def test_other_currency(ledger):
    document = json.loads(run("--date", "2026-06-30", "--currency", "chf", "--json"))
    assert [line["number"] for line in document["invoices"]] == ["C1"]
    assert document["weeks"][3] == document["weeks"][3] | {"expected": "1000.00"}


def test_readable_table(ledger):
    text = run("--date", "2026-06-30", "--rows", "2")
    assert "8 facture(s) ouverte(s)" in text
    assert "L8" in text and "P6" in text and "S2" not in text
    assert "… et 6 autre(s)" in text
    assert "2026-07-13" in text and "300.00" in text


def test_backtest_document_is_deterministic(ledger):
    args = ("backtest", "--from", "2026-03-31", "--to", "2026-05-31", "--json")
    document = json.loads(run(*args))
    assert document == json.loads(run(*args))
    # 31 March: L3 (due that day, paid 20 April) and S1 (due 31 January, paid 1 May) are open.
    # L's two delays of 20 days give 20 April (0 off); the due date is 20 off, the customer's
    # mean delay 0. S1 is later than any payment then: 1 May (0 off) by the guess of as_of + 1
    # + 30 days; the due date is 90 off, the due date or 31 March 31, the organisation's mean
    # delay (8 days, S having none) 82.
    # 30 April: L4 (0 off by all but the due dates: 20) and S1 again: guessed 31 May (30 off);
    # 90, 1 (30 April) and 81 (mean 60/7, 9 days) for the baselines.
    # 31 May: S2 and L6 are open but never paid in full: no case.
    assert [(m["as_of"], m["paid_later"], m["mae_days"]) for m in document["month_ends"]] == [
        ("2026-03-31", 2, {"model": 0.0, "due_date": 55.0, "due_date_or_as_of": 25.5,
                           "customer_mean_delay": 41.0}),
        ("2026-04-30", 2, {"model": 15.0, "due_date": 55.0, "due_date_or_as_of": 10.5,
                           "customer_mean_delay": 40.5}),
        ("2026-05-31", 0, {"model": 0.0, "due_date": 0.0, "due_date_or_as_of": 0.0,
                           "customer_mean_delay": 0.0}),
    ]  # fmt: skip
    assert document["cases"] == 4
    assert document["mae_days"] == {
        "model": 7.5, "due_date": 55.0, "due_date_or_as_of": 18.0, "customer_mean_delay": 40.75,
    }  # fmt: skip


def test_backtest_without_data(organisation):
    with pytest.raises(CommandError, match="Aucune donnée"):
        run("backtest")
