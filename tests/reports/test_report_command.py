"""``relance report NAME --json`` prints the page's figures, amounts as strings."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.reports.analytics_ledger import build_history


@pytest.fixture
def history(organisation, actor):
    return build_history(organisation, actor)


def report(*args: str) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("report", *args, "--org", "atelier", "--from", "2026-03-01", "--to",
                 "2026-04-30", "--date", "2026-06-20", "--json", stdout=out)  # fmt: skip
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_collection(history):
    figures = report("collection", "--channel", "email")
    assert figures["filters"] == {"from": "2026-03-01", "to": "2026-04-30", "channel": "email"}
    [eur, chf] = sorted(figures["channel"], key=lambda row: row["currency"], reverse=True)
    assert eur == {
        "key": "email", "label": "E-mail", "currency": "EUR", "items": 1,
        "reminded": "1000.00", "collected_7": "400.00", "collected_15": "400.00",
        "collected_30": "500.00", "rate_7": "40.0", "rate_15": "40.0", "rate_30": "50.0",
        "median_days": 5,
    }  # fmt: skip
    assert (chf["currency"], chf["reminded"], chf["rate_30"]) == ("CHF", "800.00", "0.0")


def test_every_family(history):
    months = {(row["currency"], row["month"]): row for row in report("paid-by")["months"]}
    assert months["EUR", "2026-03"]["share_30"] == "66.7"
    assert report("engagement")["reply_rate"] == "50.0"
    cohorts = report("cohorts", "--by", "due", "--currency", "EUR")
    assert cohorts["cells"][0] == "before"
    assert cohorts["cohorts"][1]["cells"]["before"] == {"amount": "200.00", "share": "100.0"}
    dso = report("dso", "--by", "segment")["lines"][0]
    assert (dso["key"], dso["standard"], dso["best_possible"]) == ("standard", "148.5", "81.0")
    assert report("dso", "--segment", "standard")["trend"]["EUR"][-1]["count_back"] == "149.3"
    assert report("send-time")["best_hour"] == {}


def test_a_bad_filter_is_an_error(history):
    with pytest.raises(CommandError, match="overdue"):
        report("collection", "--overdue", "someday")
