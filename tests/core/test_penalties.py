"""Worked examples of docs/legal-rules.md, reproduced exactly, and the rules of each regime."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from relance.core.penalties import (
    ACTUAL_ACTUAL,
    PenaltyError,
    be_consumer_damages,
    compute_penalties,
    explain,
    waiting_period,
)
from relance.core.rates import RateNotFoundError, load_rate_tables

D = Decimal
TABLES = load_rate_tables()


def penalties(**kwargs):
    kwargs.setdefault("regime", "FR-B2B")
    return compute_penalties(tables=TABLES, **kwargs)


def lines(result):
    return [
        (p.start, p.end, p.days, p.annual_rate, p.base_amount, p.interest) for p in result.periods
    ]


# --- docs/legal-rules.md §1.4: worked examples -------------------------------------------------


def test_section_1_4_default_b2b_rate_30_days_in_s1_2026():
    """€1,000 TTC due 31/01/2026, paid 02/03/2026: 30 days at 12.15 % = €9.99, plus €40."""
    result = penalties(amount=D("1000.00"), due_date=date(2026, 1, 31), until=date(2026, 3, 2))
    assert lines(result) == [
        (date(2026, 2, 1), date(2026, 3, 2), 30, D("12.15"), D("1000.00"), D("9.99"))
    ]
    assert (result.interest, result.indemnity, result.total) == (D("9.99"), D("40.00"), D("49.99"))


def test_section_1_4_split_across_two_half_years():
    """€10,000 due 15/06/2025, paid 15/07/2025: 15 days at 13.15 % = €54.04, 15 days at
    12.15 % = €49.93, total €103.97, plus €40."""
    result = penalties(amount=D("10000"), due_date=date(2025, 6, 15), until=date(2025, 7, 15))
    assert lines(result) == [
        (date(2025, 6, 16), date(2025, 6, 30), 15, D("13.15"), D("10000"), D("54.04")),
        (date(2025, 7, 1), date(2025, 7, 15), 15, D("12.15"), D("10000"), D("49.93")),
    ]
    assert result.interest == D("103.97")
    assert result.indemnity == D("40.00")
    assert result.total == D("143.97")


def test_section_1_4_published_example_agenceipro_15_percent():
    """€15,000 TTC, 30 days late, 15 % (a contract rate above the floor) -> €184.93."""
    result = penalties(
        amount=D("15000"),
        due_date=date(2026, 3, 1),
        until=date(2026, 3, 31),
        contract_rate=D("15"),
    )
    assert result.interest == D("184.93")
    assert [p.annual_rate for p in result.periods] == [D("15")]


def test_section_1_4_payment_on_the_due_date_plus_30_days_is_30_days():
    """ "days = payment_date - due_date": a payment clears the balance and ends the interest."""
    result = penalties(
        amount=D("1000.00"),
        due_date=date(2026, 1, 31),
        until=date(2026, 5, 1),
        payments=[(date(2026, 3, 2), D("1000.00"))],
    )
    assert result.interest == D("9.99")
    assert result.periods[-1].end == date(2026, 3, 2)
    assert any("Solde réglé le 02/03/2026" in note for note in map(str, result.notes))


def test_explanation_line_in_french():
    result = penalties(amount=D("1000"), due_date=date(2026, 1, 31), until=date(2026, 6, 30))
    text = explain(result)
    assert "Du 01/02/2026 au 30/06/2026 : 150 jours à 12,15 % sur 1 000,00 € = 49,93 €" in text
    assert "Total : 89,93 €" in text


def test_partial_payment_lowers_the_base_from_the_day_after():
    """§1.4 "each part-payment reduces the base from the day after it is received"."""
    result = penalties(
        amount=D("1000"),
        due_date=date(2026, 1, 31),
        until=date(2026, 3, 2),
        payments=[(date(2026, 2, 10), D("400")), (date(2026, 4, 1), D("600"))],
    )
    assert lines(result) == [
        (date(2026, 2, 1), date(2026, 2, 10), 10, D("12.15"), D("1000"), D("3.33")),
        (date(2026, 2, 11), date(2026, 3, 2), 20, D("12.15"), D("600"), D("3.99")),
    ]
    assert result.interest == D("7.32")


def test_payment_before_the_due_date_lowers_the_base_from_the_start():
    result = penalties(
        amount=D("1000"),
        due_date=date(2026, 1, 31),
        until=date(2026, 3, 2),
        payments=[(date(2026, 1, 20), D("1000"))],
    )
    assert result.periods == []
    assert result.total == D("0.00")  # paid on time: no indemnity either


def test_rounding_is_per_period_and_the_total_is_their_sum():
    result = penalties(amount=D("10000"), due_date=date(2025, 6, 15), until=date(2025, 7, 15))
    assert result.interest == sum(p.interest for p in result.periods)
    assert abs(result.exact_interest - result.interest) <= D("0.005") * len(result.periods)


# --- docs/legal-rules.md §1.2: the contractual floor ----------------------------------------------


@pytest.mark.parametrize(
    ("due", "floor"),
    [
        (date(2026, 1, 31), "7.86"),  # S1 2026: 3 x 2.62 (legifiscal)
        (date(2025, 7, 31), "8.28"),  # S2 2025: 3 x 2.76 (legifiscal)
        (date(2023, 7, 31), "12.66"),  # S2 2023: CAPEB
    ],
)
def test_section_1_2_contract_rate_below_3_times_the_legal_rate_is_raised(due, floor):
    result = penalties(
        amount=D("1000"), due_date=due, until=due + timedelta(days=30), contract_rate=D("5")
    )
    assert {p.annual_rate for p in result.periods} == {D(floor)}
    assert any("inférieur au plancher légal" in note for note in map(str, result.notes))


def test_section_1_2_floor_above_the_default_rate_in_2024():
    """S1 2024: 3 x 5.07 = 15.21 % > ECB + 10 = 14.50 %; 5.07 is single-source (unverified)."""
    result = penalties(
        amount=D("1000"),
        due_date=date(2024, 2, 29),
        until=date(2024, 3, 30),
        contract_rate=D("14.50"),
    )
    assert [p.annual_rate for p in result.periods] == [D("15.21")]
    assert any(note.startswith("Taux non vérifié") for note in map(str, result.notes))


def test_contract_rate_above_the_floor_is_kept_and_split_by_half_year():
    result = penalties(
        amount=D("1000"),
        due_date=date(2025, 6, 15),
        until=date(2025, 7, 15),
        contract_rate=D("12"),
    )
    assert [p.annual_rate for p in result.periods] == [D("12"), D("12")]
    assert not any("plancher légal (" in note for note in map(str, result.notes))


# --- docs/legal-rules.md §1.7: public buyers ------------------------------------------------------


def test_section_1_7_public_buyer_rate_is_frozen_for_the_whole_delay():
    """Rate of the half-year in which interest starts (S1 2025: 3.15 + 8 = 11.15 %), no split."""
    result = penalties(
        regime="FR-PUBLIC",
        amount=D("10000"),
        due_date=date(2025, 6, 15),
        until=date(2025, 7, 15),
    )
    assert lines(result) == [
        (date(2025, 6, 16), date(2025, 7, 15), 30, D("11.15"), D("10000"), D("91.64"))
    ]
    assert result.indemnity == D("40.00")


def test_section_1_7_public_rate_from_the_first_day_of_delay():
    """Due 30/06/2025: the delay starts on 01/07/2025, so S2 2025: 2.15 + 8 = 10.15 %."""
    result = penalties(
        regime="FR-PUBLIC", amount=D("1000"), due_date=date(2025, 6, 30), until=date(2025, 7, 30)
    )
    assert [p.annual_rate for p in result.periods] == [D("10.15")]


# --- docs/legal-rules.md §4.1: France, consumer ---------------------------------------------------


def test_section_4_1_consumer_without_formal_notice_owes_nothing():
    result = penalties(
        regime="FR-B2C", amount=D("1000"), due_date=date(2026, 1, 31), until=date(2026, 3, 2)
    )
    assert result.total == D("0.00")
    assert result.periods == []
    assert "mise en demeure" in str(result.notes[0])
    assert any("L111-8" in note for note in map(str, result.notes))


def test_section_4_1_consumer_legal_rate_autres_cas_from_the_formal_notice():
    """Creditor = a company: "autres cas" column (§3), 2.62 % in S1 2026; no €40."""
    result = penalties(
        regime="FR-B2C",
        amount=D("1000"),
        due_date=date(2026, 1, 31),
        until=date(2026, 3, 2),
        formal_notice=date(2026, 2, 10),
    )
    assert lines(result) == [
        (date(2026, 2, 11), date(2026, 3, 2), 20, D("2.62"), D("1000"), D("1.44"))
    ]
    assert result.indemnity == D("0.00")


# --- docs/legal-rules.md §5: Belgium -----------------------------------------------------------


def test_section_5_2_belgian_b2b_split_between_s2_2024_and_s1_2025():
    """12.5 % in S2 2024, 11.5 % in S1 2025 (published values)."""
    result = penalties(
        regime="BE-B2B", amount=D("1000"), due_date=date(2024, 12, 16), until=date(2025, 1, 15)
    )
    assert lines(result) == [
        (date(2024, 12, 17), date(2024, 12, 31), 15, D("12.5"), D("1000"), D("5.14")),
        (date(2025, 1, 1), date(2025, 1, 15), 15, D("11.5"), D("1000"), D("4.73")),
    ]
    assert result.indemnity == D("40.00")
    assert any("non vérifiée" in note for note in map(str, result.notes))  # €40: §9 item 4


@pytest.mark.parametrize(
    ("balance", "cap"),
    [
        ("100", "20.00"),
        ("150.00", "20.00"),
        ("150.01", "30.00"),
        ("300", "45.00"),
        ("500", "65.00"),
        ("1000", "90.00"),
        ("5000", "290.00"),
        ("39200", "2000.00"),
        ("100000", "2000.00"),
    ],
)
def test_section_5_3_book_xix_damages_examples(balance, cap):
    """€100 -> €20; €300 -> €45; €500 -> €65; €1,000 -> €90; €5,000 -> €290; cap at €39,200."""
    assert be_consumer_damages(D(balance), TABLES.be_consumer_damages) == D(cap)


def test_section_5_3_waiting_period_14_days_for_an_email():
    """E-mail: the 14 days start the day after sending ("14 for an email")."""
    start, end = waiting_period(
        sent=date(2026, 3, 2),
        kind="email",
        days=14,
        paper_working_day=3,
        email_day=1,
        is_working_day=lambda d: d.weekday() < 5,
    )
    assert (start, end) == (date(2026, 3, 3), date(2026, 3, 16))


def test_section_5_3_waiting_period_17_days_for_a_letter():
    """Paper: start on the 3rd working day after sending ("17 for a letter")."""
    sent = date(2026, 3, 2)  # a Monday
    start, end = waiting_period(
        sent=sent,
        kind="paper",
        days=14,
        paper_working_day=3,
        email_day=1,
        is_working_day=lambda d: d.weekday() < 5,
    )
    assert start == date(2026, 3, 5)
    assert (end + timedelta(days=1) - sent).days == 17


def test_book_xix_paper_reminder_skips_weekends_and_given_holidays():
    friday = date(2026, 4, 3)  # Easter Monday is 06/04/2026
    start, _ = waiting_period(
        sent=friday,
        kind="paper",
        days=14,
        paper_working_day=3,
        email_day=1,
        is_working_day=lambda d: d.weekday() < 5 and d != date(2026, 4, 6),
    )
    assert start == date(2026, 4, 9)


def be_b2c(**kwargs):
    kwargs.setdefault("amount", D("1000"))
    kwargs.setdefault("due_date", date(2026, 1, 31))
    kwargs.setdefault("until", date(2026, 3, 31))
    return penalties(regime="BE-B2C", **kwargs)


def test_book_xix_nothing_without_a_contract_clause():
    result = be_b2c(first_reminder=date(2026, 2, 5))
    assert result.total == D("0.00")
    assert "contrat" in str(result.notes[0])


def test_book_xix_nothing_without_a_free_first_reminder():
    result = be_b2c(contract_allows=True)
    assert result.total == D("0.00")
    assert "premier rappel gratuit" in str(result.notes[0])


def test_book_xix_nothing_during_the_14_days():
    result = be_b2c(contract_allows=True, first_reminder=date(2026, 3, 20))
    assert result.total == D("0.00")


def test_book_xix_interest_capped_at_the_2002_rate_and_damages_after_the_period():
    result = be_b2c(
        contract_allows=True,
        first_reminder=date(2026, 2, 5),
        first_reminder_kind="email",
        payments=[(date(2026, 2, 10), D("500"))],
        contract_rate=D("20"),
    )
    # period 06/02 -> 19/02; interest from 20/02 on the €500 left, at most 10.5 % (S1 2026)
    assert lines(result) == [
        (date(2026, 2, 20), date(2026, 3, 31), 40, D("10.5"), D("500"), D("5.75"))
    ]
    assert result.indemnity == D("65.00")


def test_book_xix_contract_rate_below_the_cap_is_kept():
    result = be_b2c(contract_allows=True, first_reminder=date(2026, 2, 5), contract_rate=D("4"))
    assert {p.annual_rate for p in result.periods} == {D("4")}


# --- docs/legal-rules.md §6: EU and Germany -------------------------------------------------------


def test_section_6_1_eu_baseline_reference_plus_8():
    result = penalties(
        regime="EU", amount=D("1000"), due_date=date(2026, 1, 31), until=date(2026, 3, 2)
    )
    assert [p.annual_rate for p in result.periods] == [D("10.15")]
    assert result.indemnity == D("40.00")


def test_section_6_2_germany_b2b_default_30_days_after_the_due_date():
    """S1 2026: base 1.27 + 9 = 10.27 % (derived); Verzug 30 days after the due date."""
    result = penalties(
        regime="DE-B2B", amount=D("1000"), due_date=date(2026, 1, 31), until=date(2026, 4, 1)
    )
    assert lines(result) == [
        (date(2026, 3, 3), date(2026, 4, 1), 30, D("10.27"), D("1000"), D("8.44"))
    ]
    assert result.indemnity == D("40.00")
    assert any(note.startswith("Taux non vérifié") for note in map(str, result.notes))


def test_section_6_2_germany_b2b_earlier_reminder_starts_the_default():
    result = penalties(
        regime="DE-B2B",
        amount=D("1000"),
        due_date=date(2026, 1, 31),
        until=date(2026, 3, 2),
        formal_notice=date(2026, 2, 10),
    )
    assert result.periods[0].start == date(2026, 2, 11)


def test_section_6_2_germany_consumer_needs_a_reminder_and_has_no_indemnity():
    without = penalties(
        regime="DE-B2C", amount=D("1000"), due_date=date(2026, 1, 31), until=date(2026, 4, 1)
    )
    assert without.total == D("0.00")
    with_notice = penalties(
        regime="DE-B2C",
        amount=D("1000"),
        due_date=date(2026, 1, 31),
        until=date(2026, 3, 2),
        formal_notice=date(2026, 2, 10),
    )
    assert [p.annual_rate for p in with_notice.periods] == [D("6.27")]
    assert with_notice.indemnity == D("0.00")


# --- general rules ------------------------------------------------------------------------------


def test_until_on_or_before_the_due_date_owes_nothing():
    for until in (date(2026, 1, 31), date(2026, 1, 1)):
        result = penalties(amount=D("1000"), due_date=date(2026, 1, 31), until=until)
        assert (result.interest, result.indemnity, result.periods) == (D("0.00"), D("0.00"), [])


def test_payments_after_until_are_ignored():
    base = dict(amount=D("1000"), due_date=date(2026, 1, 31), until=date(2026, 3, 2))
    assert penalties(**base, payments=[(date(2026, 3, 3), D("1000"))]) == penalties(**base)


def test_a_day_outside_the_tables_is_a_clear_error():
    with pytest.raises(RateNotFoundError, match="2027-01-01"):
        penalties(amount=D("1000"), due_date=date(2026, 11, 30), until=date(2027, 2, 1))
    with pytest.raises(RateNotFoundError, match="fr_legal_rate_autres_cas"):
        penalties(
            amount=D("1000"),
            due_date=date(2026, 6, 30),
            until=date(2026, 8, 1),
            contract_rate=D("12"),
        )


def test_assumed_s2_2026_ecb_rate_is_used_with_a_warning():
    result = penalties(amount=D("1000"), due_date=date(2026, 6, 30), until=date(2026, 7, 30))
    assert [p.annual_rate for p in result.periods] == [D("12.15")]
    assert not result.periods[0].verified
    assert any("ECB did not move" in note for note in map(str, result.notes))


def test_actual_actual_uses_366_days_in_a_leap_year():
    result = penalties(
        amount=D("1000"),
        due_date=date(2023, 12, 16),
        until=date(2024, 1, 15),
        day_count=ACTUAL_ACTUAL,
    )
    assert [(p.days, p.year_days) for p in result.periods] == [(15, 365), (15, 366)]


def test_frozen_option_keeps_the_first_half_year_rate():
    result = penalties(
        amount=D("10000"),
        due_date=date(2025, 6, 15),
        until=date(2025, 7, 15),
        half_years="frozen",
    )
    assert lines(result) == [
        (date(2025, 6, 16), date(2025, 7, 15), 30, D("13.15"), D("10000"), D("108.08"))
    ]


def test_other_currency_keeps_interest_and_leaves_the_euro_indemnity_out():
    result = penalties(
        amount=D("1000"), due_date=date(2026, 1, 31), until=date(2026, 3, 2), currency="CHF"
    )
    assert (result.interest, result.indemnity, result.currency) == (D("9.99"), D("0.00"), "CHF")
    assert any("CHF" in note for note in map(str, result.notes))


def test_as_dict_gives_strings_and_iso_dates():
    data = penalties(amount=D("1000"), due_date=date(2026, 1, 31), until=date(2026, 3, 2)).as_dict()
    assert data["regime"] == "FR-B2B"
    assert (data["interest"], data["indemnity"], data["total"]) == ("9.99", "40.00", "49.99")
    period = data["periods"][0]
    assert period["start"] == "2026-02-01" and period["end"] == "2026-03-02"
    assert period["days"] == 30 and period["annual_rate"] == "12.15"
    assert period["interest"] == "9.99"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": D("-1")}, "négatif"),
        ({"regime": "XX"}, "régime inconnu"),
        ({"payments": [(date(2026, 2, 1), D("-5"))]}, "paiement"),
        ({"contract_rate": D("-1")}, "taux contractuel"),
        ({"regime": "BE-B2B", "contract_rate": D("9")}, "pas pris en charge"),
        ({"first_reminder_kind": "sms"}, "premier rappel"),
        ({"day_count": "30/360"}, "base de calcul"),
        ({"half_years": "both"}, "semestrielle"),
        ({"amount": 1000.0}, "Decimal"),
    ],
)
def test_bad_input_is_a_clear_french_error(kwargs, message):
    base = dict(amount=D("1000"), due_date=date(2026, 1, 31), until=date(2026, 3, 2))
    with pytest.raises(PenaltyError, match=message):
        penalties(**{**base, **kwargs})
