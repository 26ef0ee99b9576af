"""Collection rates, payment timing and engagement against a history worked out by hand
(tests/reports/analytics_ledger.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from relance.reports.analytics_filters import AnalyticsFilters, FilterError
from relance.reports.collection import CollectionRow, collection_rates
from relance.reports.engagement import engagement
from relance.reports.timing import paid_by_due_month, send_times
from tests.reports.analytics_ledger import PERIOD, TODAY, build_history

D = Decimal


@pytest.fixture
def history(organisation, actor):
    return build_history(organisation, actor)


def filters(**more: str) -> AnalyticsFilters:
    return AnalyticsFilters.from_mapping({**PERIOD, **more}, TODAY)


def table(organisation, dimension: str, **more: str) -> dict[tuple[str, str], CollectionRow]:
    rows = collection_rates(organisation, filters(**more)).table(dimension)
    return {(row.key, row.currency): row for row in rows}


def test_collection_rate_per_step(organisation, history):
    rows = table(organisation, "step")
    first = rows["reminder_1", "EUR"]
    # 1,000.00 (Alpha) and 500.00 (Beta) reminded; 400.00 after 5 days, 500.00 after 12,
    # 100.00 after 20.
    assert (first.items, first.reminded) == (2, D("1500.00"))
    assert [first.collected(days) for days in (7, 15, 30)] == [D("400.00"), D("900.00"),
                                                                D("1000.00")]  # fmt: skip
    assert [first.rate(days) for days in (7, 15, 30)] == [D("26.7"), D("60.0"), D("66.7")]
    # Half of the 1,000.00 collected within 30 days had come in by day 12.
    assert first.median_days == 12
    assert first.label == "Première relance"
    notice = rows["formal_notice", "EUR"]
    assert (notice.reminded, notice.rate(30), notice.median_days) == (D("300.00"), D("0.0"),
                                                                       None)  # fmt: skip
    # Gamma paid 41 days after: nothing within 30; francs stay apart from euros.
    chf = rows["reminder_1", "CHF"]
    assert (chf.reminded, chf.collected(30)) == (D("800.00"), D("0.00"))
    assert len(rows) == 3  # the cancelled reminder counts for nothing


def test_collection_rate_per_channel_scenario_and_collector(organisation, history):
    channels = table(organisation, "channel")
    assert channels["email", "EUR"].rate(7) == D("40.0")
    assert channels["email", "EUR"].rate(30) == D("50.0")
    assert channels["email", "EUR"].median_days == 5
    assert channels["sms", "EUR"].rate(7) == D("0.0")
    assert channels["sms", "EUR"].rate(15) == D("100.0")
    assert channels["sms", "EUR"].label == "SMS"
    scenarios = table(organisation, "scenario")
    assert scenarios["standard", "EUR"].reminded == D("1000.00")
    assert scenarios["bad_payer", "EUR"].reminded == D("800.00")
    assert scenarios["bad_payer", "EUR"].rate(15) == D("62.5")
    assert scenarios["bad_payer", "EUR"].label == "Mauvais payeur"
    collectors = table(organisation, "collector")
    alice = str(history.alice.uuid)
    assert collectors[alice, "EUR"].reminded == D("1000.00")
    assert collectors[alice, "EUR"].label == "alice@example.com"
    assert collectors["", "EUR"].reminded == D("800.00")


@pytest.mark.parametrize(
    ("more", "expected"),
    [
        ({"channel": "sms"}, {("reminder_1", "EUR"): D("500.00")}),
        ({"step": "formal_notice"}, {("formal_notice", "EUR"): D("300.00")}),
        ({"segment": "standard"}, {("reminder_1", "EUR"): D("1000.00"),
                                   ("reminder_1", "CHF"): D("800.00")}),
        ({"scenario": "bad_payer"}, {("reminder_1", "EUR"): D("500.00"),
                                     ("formal_notice", "EUR"): D("300.00")}),
        ({"kind": "B2C"}, {("reminder_1", "EUR"): D("500.00"),
                           ("formal_notice", "EUR"): D("300.00")}),
        ({"country": "fr"}, {("reminder_1", "EUR"): D("1000.00"),
                             ("reminder_1", "CHF"): D("800.00")}),
        ({"currency": "CHF"}, {("reminder_1", "CHF"): D("800.00")}),
        ({"overdue": "days_61_90"}, {("formal_notice", "EUR"): D("300.00")}),
        ({"overdue": "days_1_30"}, {("reminder_1", "EUR"): D("1500.00"),
                                    ("reminder_1", "CHF"): D("800.00")}),
        ({"from": "2026-04-01"}, {("formal_notice", "EUR"): D("300.00")}),
    ],
)  # fmt: skip
def test_each_filter_changes_what_is_counted(organisation, history, more, expected):
    rows = table(organisation, "step", **more)
    assert {key: row.reminded for key, row in rows.items()} == expected


def test_collector_filter(organisation, history):
    rows = table(organisation, "step", collector=str(history.alice.uuid))
    assert {key: row.reminded for key, row in rows.items()} == {("reminder_1", "EUR"): D("1000.00")}


def test_bad_filters_are_refused(organisation):
    with pytest.raises(FilterError):
        filters(overdue="someday")
    with pytest.raises(FilterError):
        filters(to="2026-02-01")  # before the start
    with pytest.raises(FilterError):
        filters(**{"from": "1er mars"})
    with pytest.raises(FilterError):
        collection_rates(organisation, filters(collector="not-a-uuid"))


def test_paid_by_due_month(organisation, history):
    rows = {(row.currency, f"{row.month:%Y-%m}"): row
            for row in paid_by_due_month(organisation, filters())}  # fmt: skip
    march = rows["EUR", "2026-03"]  # FA1 1,000.00 and FB1 500.00
    assert march.due == D("1500.00")
    # FA1: 400.00 at J+14, 100.00 at J+29; FB1: 500.00 at J+19.
    assert [march.share(days) for days in (0, 5, 15, 30, 60)] == [
        D("0.0"), D("0.0"), D("26.7"), D("66.7"), D("66.7")
    ]  # fmt: skip
    april = rows["EUR", "2026-04"]  # FA2 paid two days before its due date
    assert (april.due, april.share(0)) == (D("200.00"), D("100.0"))
    chf = rows["CHF", "2026-03"]  # paid at J+50
    assert (chf.share(30), chf.share(60)) == (D("0.0"), D("100.0"))
    only_b2c = paid_by_due_month(organisation, filters(kind="B2C"))
    assert [(row.currency, row.due, row.share(30)) for row in only_b2c] == [
        ("EUR", D("500.00"), D("100.0"))
    ]


def test_engagement(organisation, history):
    figures = engagement(organisation, filters(), TODAY)
    assert (figures.reminders, figures.customers, figures.emails) == (4, 3, 2)
    assert (figures.replied, figures.bounced) == (1, 1)
    rates = figures.rates
    assert (rates["reply"], rates["bounce"]) == (D("50.0"), D("50.0"))
    # FB2 disputed 5 days after its formal notice; Alpha promised 2 days after its e-mail.
    assert (rates["dispute"], rates["promise"]) == (D("25.0"), D("25.0"))
    assert (figures.promises, rates["promise_kept"]) == (1, D("100.0"))
    # Beta of the three customers reminded reached a formal notice; nobody legal action.
    assert (rates["formal_notice"], rates["legal"]) == (D("33.3"), D("0.0"))
    only_sms = engagement(organisation, filters(channel="sms"), TODAY)
    assert (only_sms.reminders, only_sms.emails, only_sms.formal_notice) == (1, 0, 1)
    assert only_sms.rates["reply"] is None


def test_send_time_by_weekday_and_hour_in_the_organisations_zone(organisation, history):
    times = send_times(organisation, filters())
    hours = {(row.key, row.currency): row for row in times.by_hour}
    # 09:15 UTC is 10:15 in Paris (winter time): Alpha's e-mail, 400.00 of 1,000.00 in 7 days.
    assert hours["10", "EUR"].rate(7) == D("40.0")
    assert hours["9", "EUR"].rate(7) == D("0.0")  # Beta's SMS, paid after 12 days
    assert hours["15", "CHF"].reminded == D("800.00")
    days = {(row.key, row.currency): row for row in times.by_weekday}
    assert days["2", "EUR"].reminded == D("1000.00")  # Tuesday 10 March
    assert days["4", "EUR"].reminded == D("500.00")  # Thursday 12 March
    assert times.best(times.by_hour) == {}  # too few items to call one hour the best
