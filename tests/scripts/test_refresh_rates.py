"""The refresh script's parsing and merging, on a stored sample answer: never the network.

``tests/fixtures/ecb_mro_sdmx.csv`` is written by hand in the layout of the ECB Data Portal's
``format=csvdata`` answer (SDMX-CSV: one line per observation, TIME_PERIOD and OBS_VALUE
among the series attributes); its values are the §2 table of docs/legal-rules.md, plus an
observation of 04/12/2026 and an empty one, as the portal gives for a day without value.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from scripts.refresh_rates import (
    DATA,
    belgian_expected,
    changes,
    half_year_rows,
    merge,
    parse_period,
    parse_sdmx_csv,
)

D = Decimal
SAMPLE = (Path(__file__).parent.parent / "fixtures" / "ecb_mro_sdmx.csv").read_text("utf-8")


def test_the_ecb_answer_is_read_as_changes():
    observed = parse_sdmx_csv(SAMPLE)
    assert observed[0] == (date(2025, 3, 12), D("2.65"))
    assert observed[-1] == (date(2026, 12, 4), D("2.15"))  # the empty observation is left out
    assert changes(observed) == [
        (date(2025, 3, 12), D("2.65")), (date(2025, 4, 23), D("2.4")),
        (date(2025, 6, 11), D("2.15")),
    ]  # fmt: skip


def test_periods_of_every_frequency():
    assert parse_period("2026-S2") == date(2026, 7, 1)
    assert parse_period("2026-01") == date(2026, 1, 1)
    assert parse_period("2026-06-11") == date(2026, 6, 11)


def test_half_years_take_the_rate_in_force_on_their_first_day():
    points = changes(parse_sdmx_csv(SAMPLE))
    assert half_year_rows(points, date(2025, 1, 1), date(2026, 12, 4)) == [
        (date(2025, 7, 1), date(2025, 12, 31), D("2.15")),
        (date(2026, 1, 1), date(2026, 6, 30), D("2.15")),
        (date(2026, 7, 1), date(2026, 12, 31), D("2.15")),
    ]  # 1 Jan 2025 is before the sample's first change: left as it is


def test_merge_keeps_sources_confirms_assumed_rows_and_adds_new_ones():
    shipped = (DATA / "ecb_reference_rate.csv").read_text("utf-8")
    fetched = [
        (date(2026, 1, 1), date(2026, 6, 30), D("2.15")),
        (date(2026, 7, 1), date(2026, 12, 31), D("2.15")),
        (date(2027, 1, 1), date(2027, 6, 30), D("2.40")),
    ]
    rows = {
        row["start"]: row for row in csv.DictReader(io.StringIO(merge(shipped, fetched, "ECB")))
    }
    before = {row["start"]: row for row in csv.DictReader(io.StringIO(shipped))}
    assert rows["2026-01-01"] == before["2026-01-01"]  # unchanged: its source is kept
    assert (rows["2026-07-01"]["source"], rows["2026-07-01"]["verified"]) == ("ECB", "yes")
    assert rows["2027-01-01"] == {"start": "2027-01-01", "end": "2027-06-30", "rate": "2.40",
                                  "source": "ECB", "verified": "yes", "note": ""}  # fmt: skip
    assert len(rows) == len(before) + 1


def test_belgian_rate_is_ecb_plus_8_rounded_up_to_the_half_point():
    assert belgian_expected(D("2.15")) == D("10.5")
    assert belgian_expected(D("2.00")) == D("10.0")
    assert belgian_expected(D("2.65")) == D("11.0")
