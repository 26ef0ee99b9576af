"""The forecast model on hand-built histories; every expected date is worked out here.

Three customers: P pays on the due date (10 payments), L 20 days late (10 payments), S once
40 and once 60 days late. The organisation's 22 delays count together as 3 payments (each
3/22) beside the customer's own (1 each); a prediction is the median of the delays longer
than the item's current age, its range the 10th and 90th percentiles.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance.core.forecast import OpenItem, forecast_items
from relance.core.forecast_backtest import Case, score
from relance.core.forecast_commitments import MODEL, PLAN, PROMISE, Commitment
from relance.core.forecast_delays import DelayModel, PaidDelay
from relance.core.forecast_summary import by_invoice, first_week, weekly

D = Decimal
AS_OF = date(2026, 6, 30)  # a Tuesday: the first week starts on Monday 29 June
HISTORY = (
    [PaidDelay("P", 0, D("1000")) for _ in range(10)]
    + [PaidDelay("L", 20, D("1000")) for _ in range(10)]
    + [PaidDelay("S", 40, D("1000")), PaidDelay("S", 60, D("1000"))]
)


def item(key, customer, due, amount, *, currency="EUR", invoice=None, disputed_since=None):
    return OpenItem(key=key, invoice=invoice or key, customer=customer, currency=currency,
                    due_date=due, open_amount=D(amount), disputed_since=disputed_since)  # fmt: skip


ITEMS = [
    # P, due in 10 days: own tail 10 zeros (10), organisation's 22 delays (3 in all).
    # Median: 6.5 of 13 reached at 0 (10 + 10 x 3/22 = 11.36). High: 11.7 reached at 20
    # (11.36 + 10 x 3/22 = 12.73). -> due date, range 10 July - 30 July.
    item("P-1", "P", date(2026, 7, 10), "100.00"),
    # L, due in 6 days: own 10 at 20; organisation 10/22 x 3 = 1.36 at 0. Median 6.5 at 20;
    # low 1.3 reached at 0 already (1.36). -> 26 July, range 6 July - 26 July.
    item("L-1", "L", date(2026, 7, 6), "200.00"),
    # L, 29 days late: none of L's delays is longer; the organisation's 40 and 60 are
    # (3/22 each). Median: the first of them, 40 -> 11 July; high: 60 -> 31 July.
    item("L-OLD", "L", date(2026, 6, 1), "300.00"),
    item("L-PROM", "L", date(2026, 6, 20), "400.00"),
    item("S-PLAN", "S", date(2026, 6, 1), "400.00"),
    # P, 10 days late, disputed since 25 June: delays over 10 are 10 x 20 and 40, 60 (all
    # the organisation's, 3/22 each): median 20 -> 10 July. No dispute closed yet: one is
    # taken to last 30 days, to 25 July: 15 days later. High: 0.9 x 12 = 10.8 reached at 40.
    item("P-DISP", "P", date(2026, 6, 20), "500.00", disputed_since=date(2026, 6, 25)),
    item("L-CHF", "L", date(2026, 7, 6), "1000.00", currency="CHF"),
]
COMMITMENTS = [
    Commitment(PROMISE, frozenset({"L-PROM"}), ((date(2026, 7, 15), D("400.00")),)),
    # 600 scheduled, 400 still owed: the first 200 (15 June) was paid.
    Commitment(PLAN, frozenset({"S-PLAN"}), (
        (date(2026, 6, 15), D("200.00")), (date(2026, 7, 15), D("200.00")),
        (date(2026, 8, 15), D("200.00")),
    )),
]  # fmt: skip


def forecasts():
    return {
        forecast.item.key: forecast
        for forecast in forecast_items(
            ITEMS, as_of=AS_OF, model=DelayModel(HISTORY), commitments=COMMITMENTS
        )
    }


def dates(forecast):
    return forecast.predicted, forecast.low, forecast.high


def test_punctual_customer_is_expected_on_the_due_date():
    forecast = forecasts()["P-1"]
    assert dates(forecast) == (date(2026, 7, 10), date(2026, 7, 10), date(2026, 7, 30))
    assert [r.code for r in forecast.reasons] == ["customer"]
    assert (forecast.reasons[0].days, forecast.reasons[0].count) == (0, 10)


def test_late_customer_is_expected_twenty_days_after_the_due_date():
    forecast = forecasts()["L-1"]
    assert dates(forecast) == (date(2026, 7, 26), date(2026, 7, 6), date(2026, 7, 26))
    assert forecast.reasons[0].days == 20


def test_an_item_later_than_the_customers_usual_delay_is_predicted_after_as_of():
    forecast = forecasts()["L-OLD"]
    assert dates(forecast) == (date(2026, 7, 11), date(2026, 7, 11), date(2026, 7, 31))
    assert [r.code for r in forecast.reasons] == ["customer", "overdue"]
    assert forecast.reasons[1].days == 29


def test_a_promise_brings_its_amount_on_its_date():
    forecast = forecasts()["L-PROM"]
    assert dates(forecast) == (date(2026, 7, 15),) * 3
    assert [(r.day, r.amount, r.source) for r in forecast.receipts] == [
        (date(2026, 7, 15), D("400.00"), PROMISE)
    ]
    assert [r.code for r in forecast.reasons] == ["promise"]


def test_a_payment_plan_brings_what_is_left_of_its_schedule():
    forecast = forecasts()["S-PLAN"]
    assert [(r.day, r.amount, r.source) for r in forecast.receipts] == [
        (date(2026, 7, 15), D("200.00"), PLAN),
        (date(2026, 8, 15), D("200.00"), PLAN),
    ]
    assert forecast.predicted == date(2026, 8, 15)
    assert (forecast.reasons[0].code, forecast.reasons[0].count) == ("plan", 3)


def test_a_disputed_item_is_pushed_out_and_brings_nothing():
    forecast = forecasts()["P-DISP"]
    assert dates(forecast) == (date(2026, 7, 25), date(2026, 7, 25), date(2026, 8, 14))
    assert forecast.receipts == ()
    assert forecast.reasons[0].code == "dispute"


def test_a_dispute_lasts_as_long_as_the_closed_ones_that_lasted_longer():
    disputed = item("X", "P", date(2026, 6, 20), "10.00", disputed_since=date(2026, 6, 10))
    # Open for 20 days; closed ones lasted 5, 10, 30, 50, 70: those over 20 have median 50.
    [forecast] = forecast_items([disputed], as_of=AS_OF, model=DelayModel(HISTORY),
                                dispute_days=[5, 10, 30, 50, 70])  # fmt: skip
    assert forecast.predicted == date(2026, 6, 10) + timedelta(days=50)


def test_weekly_receipts_per_currency_and_source():
    weeks = weekly(forecasts().values(), as_of=AS_OF)
    assert first_week(AS_OF) == date(2026, 6, 29)
    eur = weeks["EUR"]
    assert len(eur.weeks) == 13
    table = {w.start: (w.model, w.promises, w.plans) for w in eur.weeks if w.expected}
    assert table == {
        date(2026, 7, 6): (D("400.00"), D(0), D(0)),  # P-1 100 on 10 July, L-OLD 300 on 11
        date(2026, 7, 13): (D(0), D("400.00"), D("200.00")),  # promise, plan
        date(2026, 7, 20): (D("200.00"), D(0), D(0)),  # L-1 on 26 July
        date(2026, 8, 10): (D(0), D(0), D("200.00")),  # plan
    }
    assert (eur.disputed, eur.later) == (D("500.00"), D(0))
    chf = weeks["CHF"]
    assert {w.start: w.expected for w in chf.weeks if w.expected} == {
        date(2026, 7, 20): D("1000.00")
    }


def test_an_invoice_is_paid_when_its_last_instalment_is():
    items = [
        item("A#1", "L", date(2026, 7, 6), "100.00", invoice="A"),  # 26 July (as L-1)
        item("A#2", "P", date(2026, 8, 10), "100.00", invoice="A"),  # 10 August
    ]
    [line] = by_invoice(forecast_items(items, as_of=AS_OF, model=DelayModel(HISTORY)))
    assert (line.invoice, line.open_amount, line.predicted) == ("A", D("200.00"),
                                                                date(2026, 8, 10))  # fmt: skip


def test_a_customer_with_few_payments_is_pulled_toward_the_organisation():
    # S: 40 and 60 (1 each) beside the organisation's 3: due in 10 days, the median of 5 is
    # 2.5, reached at 20 (10 x 3/22 at 0 = 1.36, + 10 x 3/22 at 20 = 2.73).
    [forecast] = forecast_items([item("S-1", "S", date(2026, 7, 10), "10.00")], as_of=AS_OF,
                                model=DelayModel(HISTORY))  # fmt: skip
    assert forecast.predicted == date(2026, 7, 30)
    assert (forecast.reasons[0].code, forecast.reasons[0].count) == ("few_payments", 2)


def test_large_amounts_are_later_when_the_history_says_so():
    # 32 small items paid on time, 31 large ones (ten times the usual) 10 days late.
    history = [PaidDelay("A", 0, D("100")) for _ in range(32)] + [
        PaidDelay("A", 10, D("1000")) for _ in range(31)
    ]
    model = DelayModel(history)
    assert model.large_shift == 10
    # Read 10 days earlier: the median of 66 (63 + 3) is 33, reached at 0 (32 + 32 x 3/63).
    [forecast] = forecast_items([item("A-1", "A", date(2026, 7, 10), "1000.00")], as_of=AS_OF,
                                model=model)  # fmt: skip
    assert forecast.predicted == date(2026, 7, 20)
    assert "large_amount" in [r.code for r in forecast.reasons]


def test_no_payment_that_late_gives_a_wide_guess_after_as_of():
    [forecast] = forecast_items([item("Z", "L", date(2026, 1, 1), "10.00")], as_of=AS_OF,
                                model=DelayModel(HISTORY))  # fmt: skip
    assert dates(forecast) == (date(2026, 7, 31), date(2026, 7, 1), date(2026, 9, 29))
    assert forecast.reasons[0].code == "beyond_history"


# A loaded machine (other suites run beside this one) must not fail the test.
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    delays=st.lists(st.integers(-30, 200), max_size=30),
    ages=st.lists(st.integers(-60, 400), min_size=1, max_size=10),
)
def test_a_prediction_is_never_on_or_before_as_of_and_lies_in_its_range(delays, ages):
    model = DelayModel([PaidDelay(n % 3, delay, D("10")) for n, delay in enumerate(delays)])
    items = [item(n, n % 4, AS_OF - timedelta(days=age), "5.00") for n, age in enumerate(ages)]
    for forecast in forecast_items(items, as_of=AS_OF, model=model):
        assert AS_OF < forecast.low <= forecast.predicted <= forecast.high
        assert all(receipt.day > AS_OF and receipt.source == MODEL for receipt in forecast.receipts)


def test_backtest_scores_the_model_beside_the_baselines():
    due = date(2026, 5, 1)
    cases = [
        # Paid on 20 June; predicted 15 June; customer's mean delay 30 -> 31 May.
        Case(as_of=date(2026, 5, 31), due_date=due, predicted=date(2026, 6, 15),
             mean_delay=30.0, paid_on=date(2026, 6, 20)),
        # Paid on 10 June; predicted 10 June; no mean delay known -> the due date.
        Case(as_of=date(2026, 5, 31), due_date=due, predicted=date(2026, 6, 10),
             mean_delay=None, paid_on=date(2026, 6, 10)),
    ]  # fmt: skip
    result = score(cases)
    assert result.cases == 2
    assert result.mae_days == {
        "model": 2.5,  # (5 + 0) / 2
        "due_date": 45.0,  # (50 + 40) / 2
        "due_date_or_as_of": 15.0,  # 31 May: (20 + 10) / 2
        "customer_mean_delay": 30.0,  # 31 May: 20; 1 May: 40
    }


def test_after_a_formal_notice_the_delays_of_noticed_items_are_the_reference():
    # 20 items paid 60 days late after a formal notice: a customer without history whose
    # item reached that step is predicted from them alone (their 3 payments' weight).
    history = [*HISTORY, *(PaidDelay("X", 60, D("10"), formal_notice=True) for _ in range(20))]
    noticed = OpenItem(key="N", invoice="N", customer="new", currency="EUR",
                       due_date=date(2026, 7, 10), open_amount=D("10.00"),
                       step="formal_notice", step_on=date(2026, 6, 20))  # fmt: skip
    [forecast] = forecast_items([noticed], as_of=AS_OF, model=DelayModel(history))
    assert forecast.predicted == date(2026, 9, 8)
    assert [(r.code, r.day) for r in forecast.reasons] == [
        ("no_history", None), ("formal_notice", date(2026, 6, 20)),
    ]  # fmt: skip
