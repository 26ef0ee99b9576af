from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.core.calendar import (
    BusinessCalendar,
    for_customer,
    french_department,
    french_subdivision,
    holiday_dates,
)

PARIS = for_customer("FR", "75001")
STRASBOURG = for_customer("FR", "67000")
METZ = for_customer("FR", "57000")
MULHOUSE = for_customer("FR", "68100")
NANCY = for_customer("FR", "54000")  # Grand Est, but not Alsace-Moselle
BRUSSELS = for_customer("BE", "1000")
BERLIN = for_customer("DE", "10115")
NOWHERE = for_customer("XX")

FR_2026 = {
    date(2026, 1, 1),
    date(2026, 4, 6),  # Easter Monday
    date(2026, 5, 1),
    date(2026, 5, 8),
    date(2026, 5, 14),  # Ascension
    date(2026, 5, 25),  # Whit Monday
    date(2026, 7, 14),
    date(2026, 8, 15),
    date(2026, 11, 1),
    date(2026, 11, 11),
    date(2026, 12, 25),
}
FR_2027 = {
    date(2027, 1, 1),
    date(2027, 3, 29),  # Easter Monday (Easter = 28 March)
    date(2027, 5, 1),
    date(2027, 5, 6),  # Ascension
    date(2027, 5, 8),
    date(2027, 5, 17),  # Whit Monday
    date(2027, 7, 14),
    date(2027, 8, 15),
    date(2027, 11, 1),
    date(2027, 11, 11),
    date(2027, 12, 25),
}


# --- holiday sets -------------------------------------------------------------------------


def test_french_national_holidays_2026_and_2027() -> None:
    assert PARIS.holidays_in(2026) == FR_2026
    assert PARIS.holidays_in(2027) == FR_2027


def test_whit_monday_is_a_holiday_except_in_the_solidarity_day_years() -> None:
    # L3133-1 lists Whit Monday; the package leaves it out for 2005-2007, when the
    # "journée de solidarité" was fixed on it by default (docs/legal-rules.md §8).
    assert not PARIS.is_business_day(date(2026, 5, 25))
    assert not PARIS.is_business_day(date(2008, 5, 12))
    assert PARIS.is_business_day(date(2006, 6, 5))


@pytest.mark.parametrize("calendar", [STRASBOURG, METZ, MULHOUSE])
def test_alsace_moselle_adds_good_friday_and_26_december(calendar: BusinessCalendar) -> None:
    assert calendar.holidays_in(2026) == FR_2026 | {date(2026, 4, 3), date(2026, 12, 26)}
    assert not calendar.is_business_day(date(2026, 4, 3))
    assert not calendar.is_business_day(date(2025, 12, 26))  # a Friday


@pytest.mark.parametrize("calendar", [PARIS, NANCY, for_customer("FR", "20000")])
def test_rest_of_france_works_on_good_friday_and_26_december(calendar: BusinessCalendar) -> None:
    assert calendar.holidays_in(2026) == FR_2026
    assert calendar.is_business_day(date(2026, 4, 3))
    assert calendar.is_business_day(date(2025, 12, 26))


def test_overseas_departments_add_their_own_day() -> None:
    reunion = for_customer("FR", "97411")
    assert reunion.subdivision == "974"
    assert date(2026, 12, 20) in reunion.holidays_in(2026)
    assert date(2026, 12, 20) not in PARIS.holidays_in(2026)


def test_belgian_national_day() -> None:
    assert not BRUSSELS.is_business_day(date(2026, 7, 21))
    assert PARIS.is_business_day(date(2026, 7, 21))
    assert BRUSSELS.is_business_day(date(2026, 7, 14))
    assert not BRUSSELS.is_business_day(date(2026, 5, 25))  # Whit Monday


def test_belgian_community_holidays_are_not_days_off() -> None:
    assert BRUSSELS.is_business_day(date(2025, 7, 11))  # Flemish community, a Friday
    assert BRUSSELS.is_business_day(date(2024, 9, 27))  # French community, a Friday
    assert BRUSSELS.is_business_day(date(2023, 11, 15))  # German-speaking community, a Wednesday


def test_other_country_uses_the_national_calendar() -> None:
    assert not BERLIN.is_business_day(date(2025, 10, 3))  # Tag der Deutschen Einheit
    assert PARIS.is_business_day(date(2025, 10, 3))


@pytest.mark.parametrize("country", ["XX", "", "  "])
def test_unknown_country_has_weekends_only(country: str) -> None:
    calendar = for_customer(country)
    assert calendar.holidays_in(2026) == frozenset()
    assert calendar.is_business_day(date(2025, 12, 25))
    assert not calendar.is_business_day(date(2026, 8, 15))  # a Saturday


def test_weekends_are_never_business_days() -> None:
    assert not PARIS.is_business_day(date(2026, 3, 7))  # Saturday
    assert not PARIS.is_business_day(date(2026, 3, 8))  # Sunday
    assert PARIS.is_business_day(date(2026, 3, 9))


# --- customer -> calendar -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postal_code", "department"),
    [
        ("75001", "75"),
        ("01000", "01"),
        ("1000", "01"),  # leading zero lost by a spreadsheet
        ("67 000", "67"),
        ("F-67000", "67"),
        ("FR67000", "67"),
        ("67091 CEDEX", "67"),
        ("20000", "2A"),
        ("20090", "2A"),
        ("20167", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97411", "974"),
        ("97133", "971"),
        ("98800", "988"),
        ("98000", None),  # Monaco
        ("00100", None),
        ("96000", None),
        ("", None),
        ("Strasbourg", None),
        ("670001", None),
    ],
)
def test_french_department(postal_code: str, department: str | None) -> None:
    assert french_department(postal_code) == department


@pytest.mark.parametrize(
    ("postal_code", "subdivision"),
    [
        ("67000", "6AE"),
        ("68100", "6AE"),
        ("57000", "57"),
        ("54000", None),
        ("51100", None),
        ("75001", None),
        ("97110", "971"),
        ("97133", "BL"),
        ("97150", "MF"),
        ("97500", "PM"),
        ("", None),
    ],
)
def test_french_subdivision(postal_code: str, subdivision: str | None) -> None:
    assert french_subdivision(postal_code) == subdivision


def test_postal_code_only_matters_in_france() -> None:
    assert for_customer("BE", "6700").subdivision is None
    assert for_customer("DE", "67000").subdivision is None


def test_calendars_are_shared_and_country_is_normalised() -> None:
    assert for_customer(" fr ", "67000") is for_customer("FR", "67000")
    assert for_customer("FR", "67000") is for_customer("FR", "67200")
    assert for_customer("FR", "") == PARIS


def test_unknown_subdivision_is_refused() -> None:
    with pytest.raises(ValueError, match="subdivision"):
        BusinessCalendar("FR", "GES")
    with pytest.raises(ValueError, match="subdivision"):
        BusinessCalendar("XX", "57")


def test_holiday_dates_are_cached() -> None:
    assert holiday_dates("FR", "6AE", 2026) is holiday_dates("FR", "6AE", 2026)


# --- moving a step date ---------------------------------------------------------------------


def test_step_on_assumption_saturday_moves_to_monday() -> None:
    assert PARIS.next_business_day(date(2026, 8, 15)) == date(2026, 8, 17)
    assert BRUSSELS.next_business_day(date(2026, 8, 15)) == date(2026, 8, 17)


def test_business_day_is_kept() -> None:
    assert PARIS.next_business_day(date(2026, 8, 14)) == date(2026, 8, 14)


def test_chain_of_christmas_holidays_and_weekend() -> None:
    # 2025: Thursday 25 and (Alsace-Moselle) Friday 26, then the weekend.
    assert STRASBOURG.next_business_day(date(2025, 12, 25)) == date(2025, 12, 29)
    assert PARIS.next_business_day(date(2025, 12, 25)) == date(2025, 12, 26)


def test_chain_of_easter_holidays_in_alsace() -> None:
    # Good Friday, Saturday, Easter Sunday, Easter Monday.
    assert STRASBOURG.next_business_day(date(2026, 4, 3)) == date(2026, 4, 7)
    assert PARIS.next_business_day(date(2026, 4, 3)) == date(2026, 4, 3)
    assert PARIS.next_business_day(date(2026, 4, 4)) == date(2026, 4, 7)


def test_year_boundary() -> None:
    assert PARIS.next_business_day(date(2026, 12, 31)) == date(2026, 12, 31)
    assert PARIS.next_business_day(date(2027, 1, 1)) == date(2027, 1, 4)
    assert PARIS.previous_business_day(date(2027, 1, 3)) == date(2026, 12, 31)


def test_add_business_days_across_year_end() -> None:
    assert PARIS.add_business_days(date(2026, 12, 30), 2) == date(2027, 1, 4)
    assert PARIS.add_business_days(date(2025, 12, 31), 1) == date(2026, 1, 2)
    assert PARIS.add_business_days(date(2025, 12, 24), 3) == date(2025, 12, 30)
    assert STRASBOURG.add_business_days(date(2025, 12, 24), 3) == date(2025, 12, 31)
    assert PARIS.add_business_days(date(2027, 1, 4), -2) == date(2026, 12, 30)


def test_belgian_paper_reminder_period_starts_on_third_working_day() -> None:
    # docs/legal-rules.md §5.3: the 14 days start on the 3rd working day after sending.
    assert BRUSSELS.add_business_days(date(2026, 7, 16), 3) == date(2026, 7, 22)  # 21 = holiday
    assert BRUSSELS.add_business_days(date(2026, 3, 7), 3) == date(2026, 3, 11)  # sent Saturday


def test_add_zero_business_days_rolls_forward() -> None:
    assert PARIS.add_business_days(date(2026, 8, 15), 0) == date(2026, 8, 17)
    assert PARIS.add_business_days(date(2026, 8, 14), 0) == date(2026, 8, 14)


def test_business_days_between() -> None:
    assert PARIS.business_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert PARIS.business_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1  # Fri -> Mon
    assert PARIS.business_days_between(date(2026, 12, 30), date(2027, 1, 4)) == 2
    assert PARIS.business_days_between(date(2027, 1, 4), date(2026, 12, 30)) == -2
    assert (
        PARIS.business_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 252
    )  # 261 weekdays - 9
    assert STRASBOURG.business_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 251


# --- properties -----------------------------------------------------------------------------

calendars = st.sampled_from([PARIS, STRASBOURG, METZ, BRUSSELS, BERLIN, NOWHERE])
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
offsets = st.integers(min_value=-40, max_value=40)


@given(calendars, dates)
def test_next_business_day_properties(calendar: BusinessCalendar, d: date) -> None:
    result = calendar.next_business_day(d)
    assert result >= d
    assert calendar.is_business_day(result)
    assert calendar.next_business_day(result) == result
    assert all(
        not calendar.is_business_day(d + timedelta(days=i)) for i in range((result - d).days)
    )
    assert result.weekday() < 5


@given(calendars, dates, offsets, offsets)
def test_add_business_days_is_monotonic(
    calendar: BusinessCalendar, d: date, m: int, n: int
) -> None:
    low, high = sorted((m, n))
    assert calendar.add_business_days(d, low) <= calendar.add_business_days(d, high)
    if low < high and (low, high) != (0, 1):
        assert calendar.add_business_days(d, low) < calendar.add_business_days(d, high)


def test_zero_and_one_business_day_meet_on_a_non_business_day() -> None:
    # From a Saturday, rolling forward (n = 0) and "1st business day after" are both Monday.
    assert PARIS.add_business_days(date(2026, 3, 7), 0) == date(2026, 3, 9)
    assert PARIS.add_business_days(date(2026, 3, 7), 1) == date(2026, 3, 9)
    assert PARIS.add_business_days(date(2026, 3, 6), 0) < PARIS.add_business_days(
        date(2026, 3, 6), 1
    )


@given(calendars, dates, offsets)
def test_add_business_days_lands_on_a_business_day(
    calendar: BusinessCalendar, d: date, n: int
) -> None:
    result = calendar.add_business_days(d, n)
    assert calendar.is_business_day(result)
    if n > 0:
        assert result > d
        assert calendar.business_days_between(d, result) == n
    if n < 0:
        assert result < d


@given(calendars, dates, st.integers(min_value=0, max_value=800))
def test_business_days_between_counts_business_days(
    calendar: BusinessCalendar, a: date, span: int
) -> None:
    b = a + timedelta(days=span)
    expected = sum(calendar.is_business_day(a + timedelta(days=i)) for i in range(1, span + 1))
    assert calendar.business_days_between(a, b) == expected
    assert calendar.business_days_between(b, a) == -expected
