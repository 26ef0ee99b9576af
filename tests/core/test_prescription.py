from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.core.prescription import (
    RULES,
    Limitation,
    add_years,
    limitation,
    limitation_date,
    needs_attention,
)

DUE = date(2026, 3, 15)


# --- one test per rule ----------------------------------------------------------------------


def test_france_b2b_five_years() -> None:
    found = limitation(kind="B2B", country="FR", due_date=DUE)
    assert found == Limitation(
        date(2031, 3, 15),
        "FR-B2B-5Y",
        "C. com. L110-4 I (loi n° 2008-561 du 17 juin 2008); C. civ. 2224",
        True,
    )


def test_france_b2c_two_years() -> None:
    found = limitation(kind="B2C", country="FR", due_date=DUE)
    assert found is not None
    assert found.last_day == date(2028, 3, 15)
    assert found.rule == "FR-B2C-2Y"
    assert "L218-2" in found.source
    assert found.verified


@pytest.mark.parametrize(
    ("due", "last_day"),
    [
        (date(2026, 1, 1), date(2030, 12, 31)),
        (date(2026, 3, 15), date(2030, 12, 31)),
        (date(2026, 12, 31), date(2030, 12, 31)),
        (date(2027, 1, 1), date(2031, 12, 31)),
    ],
)
def test_france_public_buyer_four_years_from_next_first_january(due: date, last_day: date) -> None:
    found = limitation(kind="PUBLIC", country="FR", due_date=due)
    assert found is not None
    assert found.last_day == last_day
    assert found.rule == "FR-PUBLIC-4Y"
    assert "68-1250" in found.source
    assert not found.verified  # docs/legal-rules.md §9 item 6


def test_belgium_b2b_ten_years_unverified() -> None:
    found = limitation(kind="B2B", country="BE", due_date=DUE)
    assert found is not None
    assert (found.last_day, found.rule, found.verified) == (date(2036, 3, 15), "BE-B2B-10Y", False)
    assert "2262bis" in found.source


def test_belgium_b2c_one_year_unverified() -> None:
    found = limitation(kind="B2C", country="BE", due_date=DUE)
    assert found is not None
    assert (found.last_day, found.rule, found.verified) == (date(2027, 3, 15), "BE-B2C-1Y", False)
    assert "2272" in found.source


@pytest.mark.parametrize(
    ("kind", "country"), [("PUBLIC", "BE"), ("B2B", "DE"), ("B2C", "NL"), ("B2B", "")]
)
def test_no_rule_known_gives_none(kind: str, country: str) -> None:
    assert limitation(kind=kind, country=country, due_date=DUE) is None
    assert limitation_date(kind=kind, country=country, due_date=DUE) is None


def test_country_is_normalised() -> None:
    assert limitation_date(kind="B2B", country=" fr ", due_date=DUE) == date(2031, 3, 15)


@pytest.mark.parametrize("kind", ["b2b", "B2G", ""])
def test_unknown_kind_is_a_programming_error(kind: str) -> None:
    with pytest.raises(ValueError, match="kind"):
        limitation(kind=kind, country="FR", due_date=DUE)


def test_limitation_date_is_the_last_day() -> None:
    assert limitation_date(kind="B2C", country="FR", due_date=DUE) == date(2028, 3, 15)


def test_every_rule_cites_a_source() -> None:
    assert all(rule.source and rule.years > 0 for rule in RULES.values())


# --- leap days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "country", "last_day"),
    [
        ("B2C", "FR", date(2026, 2, 28)),  # same date does not exist: last day of the month
        ("B2B", "FR", date(2029, 2, 28)),
        ("PUBLIC", "FR", date(2028, 12, 31)),
        ("B2B", "BE", date(2034, 2, 28)),
        ("B2C", "BE", date(2025, 2, 28)),
    ],
)
def test_due_on_29_february(kind: str, country: str, last_day: date) -> None:
    assert limitation_date(kind=kind, country=country, due_date=date(2024, 2, 29)) == last_day


def test_add_years() -> None:
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2023, 2, 28), 1) == date(2024, 2, 28)
    assert add_years(date(2026, 12, 31), 5) == date(2031, 12, 31)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31)), st.integers(1, 30))
def test_add_years_keeps_the_day_or_ends_the_month(d: date, years: int) -> None:
    result = add_years(d, years)
    assert (result.year, result.month) == (d.year + years, d.month)
    assert result.day == d.day or (d.month, d.day, result.day) == (2, 29, 28)


# --- interruption ---------------------------------------------------------------------------


def test_interruption_restarts_a_full_period() -> None:
    found = limitation(kind="B2B", country="FR", due_date=DUE, interrupted_on=date(2028, 6, 1))
    assert found is not None
    assert found.last_day == date(2033, 6, 1)
    assert "interruption on 2028-06-01" in found.source
    assert found.rule == "FR-B2B-5Y"


def test_interruption_of_the_quadriennial_period_restarts_on_next_first_january() -> None:
    got = limitation_date(
        kind="PUBLIC", country="FR", due_date=DUE, interrupted_on=date(2028, 5, 5)
    )
    assert got == date(2032, 12, 31)


def test_interruption_on_29_february() -> None:
    got = limitation_date(kind="B2C", country="FR", due_date=DUE, interrupted_on=date(2028, 2, 29))
    assert got == date(2030, 2, 28)


def test_interruption_on_the_last_day_still_counts() -> None:
    got = limitation_date(kind="B2C", country="FR", due_date=DUE, interrupted_on=date(2028, 3, 15))
    assert got == date(2030, 3, 15)


@pytest.mark.parametrize(
    "interrupted_on",
    [
        date(2026, 1, 10),  # before the due date: the period had not started
        date(2028, 3, 16),  # after the last day: a time-barred claim is not revived
    ],
)
def test_interruption_outside_the_period_changes_nothing(interrupted_on: date) -> None:
    found = limitation(kind="B2C", country="FR", due_date=DUE, interrupted_on=interrupted_on)
    assert found == limitation(kind="B2C", country="FR", due_date=DUE)


# --- warning --------------------------------------------------------------------------------


def test_needs_attention_from_warn_days_before() -> None:
    last_day = date(2031, 3, 15)
    assert not needs_attention(last_day, today=last_day - timedelta(days=91))
    assert needs_attention(last_day, today=last_day - timedelta(days=90))
    assert needs_attention(last_day, today=last_day)
    assert needs_attention(last_day, today=last_day + timedelta(days=1))  # already time-barred


def test_needs_attention_with_a_shorter_warning() -> None:
    last_day = date(2031, 3, 15)
    assert not needs_attention(last_day, today=date(2031, 2, 12), warn_days=30)
    assert needs_attention(last_day, today=date(2031, 2, 13), warn_days=30)
    assert not needs_attention(last_day, today=date(2031, 3, 14), warn_days=0)
    assert needs_attention(last_day, today=date(2031, 3, 15), warn_days=0)


def test_needs_attention_refuses_negative_warning() -> None:
    with pytest.raises(ValueError, match="warn_days"):
        needs_attention(date(2031, 3, 15), today=date(2031, 3, 1), warn_days=-1)


# --- properties -----------------------------------------------------------------------------

dues = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@given(st.sampled_from(sorted(RULES)), dues, st.integers(0, 4000))
def test_limitation_properties(key: tuple[str, str], due: date, later: int) -> None:
    country, kind = key
    plain = limitation_date(kind=kind, country=country, due_date=due)
    assert plain is not None
    assert plain > due
    interrupted = limitation_date(
        kind=kind, country=country, due_date=due, interrupted_on=due + timedelta(days=later)
    )
    assert interrupted is not None
    assert interrupted >= plain  # an interruption never shortens the period
