"""Rate tables: shipped as package data, each row sourced, checked against docs/legal-rules.md."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from relance.core.rates import (
    RateNotFoundError,
    RateTable,
    RateTableError,
    load_rate_tables,
    parse_rate_table,
)

D = Decimal
TABLES = load_rate_tables()
ALL = {
    "ecb_mro": TABLES.ecb_mro,
    "ecb_reference_rate": TABLES.ecb_reference,
    "fr_legal_rate_particuliers": TABLES.fr_legal_particuliers,
    "fr_legal_rate_autres_cas": TABLES.fr_legal_autres_cas,
    "be_late_payment_rate": TABLES.be_late_payment,
    "de_base_rate": TABLES.de_base,
}
HALF_YEARS = [date(year, month, 1) for year in range(2015, 2027) for month in (1, 7)][:-1]


def test_every_csv_is_package_data_with_a_readme_entry():
    folder = resources.files("relance.core") / "data"
    names = sorted(item.name for item in folder.iterdir() if item.name.endswith(".csv"))
    assert names == sorted(
        [f"{name}.csv" for name in ALL]
        + ["regime_parameters.csv", "be_consumer_damages.csv", "prescription.csv"]
    )
    readme = (Path(str(folder)) / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"`{name}`" in readme


@pytest.mark.parametrize("name", ALL)
def test_every_row_has_a_source_and_the_table_is_named_after_its_file(name):
    table = ALL[name]
    assert table.name == name
    assert all(row.source.strip() for row in table.rows)
    assert all(not row.verified or "ASSUMED" not in row.note for row in table.rows)


def test_half_year_tables_cover_s1_2015_to_s1_2026_one_row_per_half_year():
    for table in (
        TABLES.ecb_reference,
        TABLES.fr_legal_autres_cas,
        TABLES.fr_legal_particuliers,
        TABLES.be_late_payment,
        TABLES.de_base,
    ):
        assert [row.start for row in table.rows][: len(HALF_YEARS)] == HALF_YEARS
        assert table.first_day == date(2015, 1, 1)
        assert table.last_day >= date(2026, 6, 30)


def test_a_day_outside_a_table_is_an_error_naming_the_table_and_the_day():
    with pytest.raises(RateNotFoundError) as error:
        TABLES.fr_legal_autres_cas.rate_on(date(2026, 7, 1))
    assert error.value.table == "fr_legal_rate_autres_cas"
    assert "2026-07-01" in str(error.value)
    assert "fr_legal_rate_autres_cas" in str(error.value)
    with pytest.raises(RateNotFoundError, match="2014-12-31"):
        TABLES.ecb_reference.rate_on(date(2014, 12, 31))


def test_legal_rates_section_3():
    """docs/legal-rules.md §3: both columns, e.g. S1 2026 6.67 / 2.62, S2 2025 6.65 / 2.76."""
    assert TABLES.fr_legal_autres_cas.rate_on(date(2026, 3, 1)) == D("2.62")
    assert TABLES.fr_legal_particuliers.rate_on(date(2026, 3, 1)) == D("6.67")
    assert TABLES.fr_legal_autres_cas.rate_on(date(2025, 12, 31)) == D("2.76")
    assert TABLES.fr_legal_particuliers.rate_on(date(2015, 1, 1)) == D("4.06")


def test_unverified_values_keep_their_flag():
    """docs/legal-rules.md §3 (5.07 single source), §5.2 (BE S2 2021, S2 2026), §1.5 (ECB S2 2026),
    §6.2 (German base rates derived except -0.88 for 1 Jul 2020 and 1 Jan 2021)."""
    assert not TABLES.fr_legal_autres_cas.row_on(date(2024, 1, 1)).verified
    assert TABLES.fr_legal_particuliers.row_on(date(2024, 1, 1)).verified
    assert not TABLES.be_late_payment.row_on(date(2021, 7, 1)).verified
    assert not TABLES.be_late_payment.row_on(date(2026, 7, 1)).verified
    assert not TABLES.ecb_reference.row_on(date(2026, 7, 1)).verified
    verified_de = [row.start for row in TABLES.de_base.rows if row.verified]
    assert verified_de == [date(2020, 7, 1), date(2021, 1, 1)]
    assert TABLES.parameter("BE-B2B", "indemnity").verified is False


def test_half_year_ecb_rates_match_the_rate_in_force_on_1_january_and_1_july():
    """docs/legal-rules.md §1.5 is derived from the §2 history: both files must agree."""
    for row in TABLES.ecb_reference.rows:
        if row.start <= TABLES.ecb_mro.last_day:
            assert TABLES.ecb_mro.rate_on(row.start) == row.rate, row.start


SECTION_1_5 = {  # half-year start: (default rate ECB + 10, 3 x legal rate "autres cas")
    "2015-01": ("10.05", "2.79"),
    "2015-07": ("10.05", "2.97"),
    "2016-01": ("10.05", "3.03"),
    "2016-07": ("10.00", "2.79"),
    "2017-01": ("10.00", "2.70"),
    "2017-07": ("10.00", "2.70"),
    "2018-01": ("10.00", "2.67"),
    "2018-07": ("10.00", "2.64"),
    "2019-01": ("10.00", "2.58"),
    "2019-07": ("10.00", "2.61"),
    "2020-01": ("10.00", "2.61"),
    "2020-07": ("10.00", "2.52"),
    "2021-01": ("10.00", "2.37"),
    "2021-07": ("10.00", "2.28"),
    "2022-01": ("10.00", "2.28"),
    "2022-07": ("10.00", "2.31"),
    "2023-01": ("12.50", "6.18"),
    "2023-07": ("14.00", "12.66"),
    "2024-01": ("14.50", "15.21"),
    "2024-07": ("14.25", "14.76"),
    "2025-01": ("13.15", "11.13"),
    "2025-07": ("12.15", "8.28"),
    "2026-01": ("12.15", "7.86"),
}


@pytest.mark.parametrize("half_year", SECTION_1_5)
def test_section_1_5_default_rate_and_contractual_floor(half_year):
    day = date.fromisoformat(f"{half_year}-01")
    default, floor = SECTION_1_5[half_year]
    margin = TABLES.parameter("FR-B2B", "margin_points").value
    multiplier = TABLES.parameter("FR-B2B", "contract_floor_multiplier").value
    assert TABLES.ecb_reference.rate_on(day) + margin == D(default)
    assert TABLES.fr_legal_autres_cas.rate_on(day) * multiplier == D(floor)


def test_section_1_7_public_buyer_rates():
    margin = TABLES.parameter("FR-PUBLIC", "margin_points").value
    expected = {
        date(2015, 1, 1): "8.05",
        date(2016, 1, 1): "8.05",
        date(2016, 7, 1): "8.00",
        date(2022, 7, 1): "8.00",
        date(2023, 1, 1): "10.50",
        date(2023, 7, 1): "12.00",
        date(2024, 1, 1): "12.50",
        date(2024, 7, 1): "12.25",
        date(2025, 1, 1): "11.15",
        date(2025, 7, 1): "10.15",
        date(2026, 1, 1): "10.15",
    }
    for day, rate in expected.items():
        assert TABLES.ecb_reference.rate_on(day) + margin == D(rate), day


def test_belgian_rates_are_ecb_plus_8_rounded_up_to_the_next_half_point():
    """docs/legal-rules.md §5.1: rounding up "is consistent with every published value 2015-2026";
    e.g. S2 2024 4.25 + 8 = 12.25 -> 12.5, S1 2025 3.15 + 8 = 11.15 -> 11.5."""
    for row in TABLES.be_late_payment.rows:
        ecb = TABLES.ecb_reference.rate_on(row.start)
        expected = D(math.ceil((ecb + 8) * 2)) / 2
        assert row.rate == expected, row.start
    assert TABLES.be_late_payment.rate_on(date(2024, 9, 1)) == D("12.5")
    assert TABLES.be_late_payment.rate_on(date(2025, 3, 1)) == D("11.5")


def test_german_base_rate_section_6_2():
    """S1 2026: B2B 10.27 %, consumer 6.27 % (derived)."""
    base = TABLES.de_base.rate_on(date(2026, 2, 1))
    assert base + TABLES.parameter("DE-B2B", "margin_points").value == D("10.27")
    assert base + TABLES.parameter("DE-B2C", "margin_points").value == D("6.27")
    assert TABLES.de_base.rate_on(date(2020, 7, 1)) == D("-0.88")


def test_ecb_history_section_2():
    assert TABLES.ecb_mro.rate_on(date(2022, 7, 26)) == D("0.00")
    assert TABLES.ecb_mro.rate_on(date(2022, 7, 27)) == D("0.50")
    assert TABLES.ecb_mro.rate_on(date(2026, 1, 1)) == D("2.15")


HEADER = "start,end,rate,source,verified,note\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020-01-01,2020-06-30,1.0,src,yes,\n2020-07-02,2020-12-31,1.0,src,yes,\n", "gap"),
        ("2020-01-01,2020-06-30,1.0,src,yes,\n2020-06-30,2020-12-31,1.0,src,yes,\n", "overlap"),
        ("2020-01-01,2020-06-31,1.0,src,yes,\n", "bad date"),
        ("2020-01-01,2020-06-30,x,src,yes,\n", "bad number"),
        ("2020-01-01,2020-06-30,1.0,,yes,\n", "source"),
        ("2020-01-01,2020-06-30,1.0,src,maybe,\n", "verified"),
        ("", "empty"),
    ],
)
def test_malformed_tables_are_refused(text, message):
    with pytest.raises(RateTableError, match=message):
        parse_rate_table("sample", HEADER + text)


def test_wrong_columns_are_refused():
    with pytest.raises(RateTableError, match="columns"):
        parse_rate_table("sample", "start,end,rate\n2020-01-01,2020-06-30,1\n")


def test_rows_are_frozen():
    table: RateTable = TABLES.ecb_reference
    with pytest.raises(AttributeError):
        table.rows[0].rate = D("99")  # type: ignore[misc]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", table.rows[0].start.isoformat())


def test_overlay_extends_replaces_and_never_leaves_a_gap():
    from dataclasses import replace

    from relance.core.rates import RateRow, overlay

    table = TABLES.ecb_reference
    extra = RateRow(date(2027, 1, 1), date(2027, 6, 30), D("2.40"), "ECB", True)
    extended = overlay(table, [extra])
    assert extended.last_day == date(2027, 6, 30) and extended.rate_on(date(2027, 2, 1)) == D(
        "2.40"
    )
    assert extended.rows[:-1] == table.rows  # nothing else moved
    middle = RateRow(date(2026, 10, 1), date(2026, 10, 31), D("3"), "x", False)
    cut = overlay(table, [middle])
    assert [cut.rate_on(date(2026, 9, 30)), cut.rate_on(date(2026, 10, 15))] == [D("2.15"), D("3")]
    assert cut.row_on(date(2026, 11, 1)) == replace(table.rows[-1], start=date(2026, 11, 1))
    with pytest.raises(RateTableError, match="gap"):
        overlay(table, [replace(extra, start=date(2027, 1, 2))])
    assert TABLES.with_table(extended).table("ecb_reference_rate") is extended
