"""The forecast read from a real ledger as of 30 June 2026 (tests/reports/forecast_ledger.py).

Worked by hand: the organisation's delays are 4 x 0, 4 x 20 and 90, each weighing 1/3 (3 in
all) beside the customer's own (1 each); the median of the delays longer than the item's age
is predicted, the 10th and 90th percentiles bound the range.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from relance.reports.forecast import cash_forecast
from relance.reports.forecast_text import why
from tests.reports.forecast_ledger import AS_OF, build

D = Decimal


@pytest.fixture
def forecast(organisation, actor):
    build(organisation, actor)
    return cash_forecast(organisation, AS_OF)


def by_number(forecast):
    return {forecast.numbers[line.invoice]: line for line in forecast.invoices}


def test_predicted_dates_and_ranges(forecast):
    lines = {n: (x.predicted, x.low, x.high) for n, x in by_number(forecast).items()}
    assert lines == {
        # P pays on the due date: own 4 zeros + the organisation's 3/3 at 0: median at 0.
        # High (0.9 x 7 = 6.3): 4 + 4/3 at 0 = 5.33, + 4/3 at 20 = 6.67.
        "P5": (date(2026, 7, 10), date(2026, 7, 10), date(2026, 7, 30)),
        # L 20 days late (the dispute opened on 3 July is not known on 30 June).
        "L5": (date(2026, 7, 26), date(2026, 7, 6), date(2026, 7, 26)),
        # 60 days late, later than all L's payments: only the 90 is longer.
        "L6": (date(2026, 7, 30), date(2026, 7, 30), date(2026, 7, 30)),
        # Paid on 5 July, after the forecast date: open then. 15 days late: P's own delays
        # are all shorter; the organisation's 4 x 20 (4/3) and 90 (1/3): median 20.
        "P6": (date(2026, 7, 5), date(2026, 7, 5), date(2026, 9, 13)),
        "L7": (date(2026, 7, 15),) * 3,  # promised
        # Its promise was recorded on 2 July: unknown on 30 June. 18 days late: L's 4 x 20
        # and the organisation's 4 x 20 (4/3) and 90 (1/3): 20 at every quantile.
        "L8": (date(2026, 7, 2),) * 3,
        "S2": (date(2026, 8, 15),) * 3,  # the plan's last date
        # Disputed: 10 July from the delays, but a dispute lasts 30 days (none closed yet):
        # 25 July, 15 days later; the range moves with it.
        "P7": (date(2026, 7, 25), date(2026, 7, 25), date(2026, 10, 3)),
        "C1": (date(2026, 7, 26), date(2026, 7, 6), date(2026, 7, 26)),
    }


def test_weekly_receipts_apart_by_source_and_currency(forecast):
    eur = forecast.weeks["EUR"]
    assert eur.weeks[0].start == date(2026, 6, 29)
    table = {w.start: (w.model, w.promises, w.plans) for w in eur.weeks if w.expected}
    assert table == {
        date(2026, 6, 29): (D("200.00"), D(0), D(0)),  # P6 on 5 July, L8 on 2 July
        date(2026, 7, 6): (D("150.00"), D(0), D(0)),  # P5
        date(2026, 7, 13): (D(0), D("200.00"), D("100.00")),  # L7 promised, S2's plan
        date(2026, 7, 20): (D("150.00"), D(0), D(0)),  # L5
        date(2026, 7, 27): (D("150.00"), D(0), D(0)),  # L6
        date(2026, 8, 10): (D(0), D(0), D("100.00")),  # S2's plan, last date
    }
    assert eur.disputed == D("500.00")
    chf = forecast.weeks["CHF"]
    assert {w.start: w.expected for w in chf.weeks if w.expected} == {
        date(2026, 7, 20): D("1000.00")
    }


def test_why_in_words(forecast):
    lines = by_number(forecast)
    with translation.override("fr"):
        assert why(lines["P5"].reasons) == "paie d'habitude à l'échéance (médiane de 4 paiements)"
        assert why(lines["L7"].reasons) == "promesse de paiement pour le 15/07/2026"
        assert why(lines["P7"].reasons).startswith("litige ouvert le 25/06/2026")
        assert "déjà 60 j de retard" in why(lines["L6"].reasons)
    with translation.override("en"):
        assert why(lines["L7"].reasons) == "promise to pay by 07/15/2026"


def test_the_history_is_the_ledger_as_it_stood(forecast):
    # P6's payment (5 July) is not in P's history: still 4 payments, all on the due date.
    assert forecast.model.customer_mean(by_number(forecast)["P5"].customer) == 0


def test_a_few_queries_whatever_the_number_of_invoices(organisation, actor,
                                                       django_assert_max_num_queries):  # fmt: skip
    build(organisation, actor)
    with django_assert_max_num_queries(10):
        cash_forecast(organisation, AS_OF)


def test_a_formal_notice_sent_by_then_is_part_of_the_reasons(organisation, actor):
    from relance.dunning.models import Reminder, ReminderItem, ReminderStatus
    from relance.ledger.models import Instalment

    customers = build(organisation, actor)
    l6, l8 = (Instalment.objects.get(invoice__number=n) for n in ("L6", "L8"))
    for instalment, sent_on in ((l6, date(2026, 6, 20)), (l8, date(2026, 7, 2))):
        reminder = Reminder.objects.create(
            organisation=organisation, customer=customers["L"], run_date=sent_on,
            step="mise-en-demeure", channel="formal_notice", mode="manual", currency="EUR",
            amount_due=instalment.amount, penalties="none", status=ReminderStatus.SENT,
        )  # fmt: skip
        ReminderItem.objects.create(
            reminder=reminder, instalment=instalment, step="mise-en-demeure",
            outstanding=instalment.amount,
        )  # fmt: skip
    lines = by_number(cash_forecast(organisation, AS_OF))
    assert ("formal_notice", date(2026, 6, 20)) in [(r.code, r.day) for r in lines["L6"].reasons]
    # Sent on 2 July: not known on 30 June.
    assert "formal_notice" not in [r.code for r in lines["L8"].reasons]


def test_what_counts_as_a_past_payment_and_what_is_open(organisation, actor):
    from relance.ledger.services import (
        credit_note_create,
        customer_create,
        invoice_create,
        payment_record,
    )

    build(organisation, actor)
    customer = customer_create(organisation=organisation, external_ref="N", name="Nouveau SA",
                               actor=actor)  # fmt: skip

    def invoice(number, issued, due, amount):
        return invoice_create(organisation=organisation, customer=customer, number=number,
                              issue_date=issued, amount_incl_tax=D(amount), due_date=due,
                              actor=actor)  # fmt: skip

    # Settled by a credit note alone: says nothing of how the customer pays.
    n1 = invoice("N1", date(2026, 3, 1), date(2026, 3, 31), "80.00")
    credit_note_create(organisation=organisation, customer=customer, number="AV1",
                       issue_date=date(2026, 4, 10), amount=D("80.00"), invoice=n1,
                       actor=actor)  # fmt: skip
    # Part credit note, part payment: paid on the day of the last, 20 days late.
    n2 = invoice("N2", date(2026, 4, 1), date(2026, 4, 30), "100.00")
    credit_note_create(organisation=organisation, customer=customer, number="AV2",
                       issue_date=date(2026, 5, 5), amount=D("40.00"), invoice=n2,
                       actor=actor)  # fmt: skip
    payment_record(organisation=organisation, customer=customer, reference="N-R1",
                   date=date(2026, 5, 20), amount=D("60.00"), invoice=n2, actor=actor)  # fmt: skip
    # Issued after the forecast date: unknown then.
    invoice("N3", date(2026, 7, 1), date(2026, 7, 31), "99.99")
    # Ten cents paid: what is open is exact to the cent.
    n4 = invoice("N4", date(2026, 6, 1), date(2026, 7, 15), "123.45")
    payment_record(organisation=organisation, customer=customer, reference="N-R2",
                   date=date(2026, 6, 2), amount=D("0.10"), invoice=n4, actor=actor)  # fmt: skip

    forecast = cash_forecast(organisation, AS_OF)
    assert forecast.model.history(customer.pk) == (1, 20)
    lines = by_number(forecast)
    assert not {"N1", "N2", "N3"} & set(lines)
    assert str(lines["N4"].open_amount) == "123.35"
