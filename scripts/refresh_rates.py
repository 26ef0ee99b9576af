"""Refresh the shipped rate tables from the official publications (needs the network).

    python scripts/refresh_rates.py --dry-run   # print the diff of each CSV, write nothing
    python scripts/refresh_rates.py             # rewrite relance/core/data/*.csv

Run by a maintainer before a release, never by the application or the tests. It reads:

- the ECB main refinancing operations rate, ECB Data Portal series
  FM.B.U2.EUR.4F.KR.MRR_FR.LEV: ``ecb_mro.csv`` (every change) and ``ecb_reference_rate.csv``
  (the rate in force on 1 January / 1 July);
- the German base rate (Basiszinssatz), Bundesbank series BBK01.SU0115: ``de_base_rate.csv``.

The French legal rate (arrêté published in the Journal officiel each half-year) and the
Belgian rate (Moniteur belge notice) have no machine-readable source: the script prints what
to check and where. A row whose value is unchanged keeps its source, flag and note; a row the
publication confirms or corrects, or a new half-year, names the series it was read from.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import itertools
import sys
import urllib.request
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "relance" / "core" / "data"
COLUMNS = ["start", "end", "rate", "source", "verified", "note"]
CSV_ACCEPT = "application/vnd.sdmx.data+csv;version=1.0.0"
ECB_URL = "https://data-api.ecb.europa.eu/service/data/FM/B.U2.EUR.4F.KR.MRR_FR.LEV?format=csvdata"
BUNDESBANK_URL = "https://api.statistiken.bundesbank.de/rest/data/BBK01/SU0115"
ECB_SOURCE = "ECB Data Portal, series FM.B.U2.EUR.4F.KR.MRR_FR.LEV (read {day})"
ECB_HALF_YEAR_SOURCE = (
    "ECB Data Portal, series FM.B.U2.EUR.4F.KR.MRR_FR.LEV: MRO in force on 1 Jan / 1 Jul "
    "(read {day})"
)
BUNDESBANK_SOURCE = "§247 BGB Basiszinssatz, Deutsche Bundesbank series BBK01.SU0115 (read {day})"
MANUAL = """\
To check by hand (no machine-readable source):
- French legal rate, both columns (fr_legal_rate_*.csv): the arrêté « relatif à la fixation
  du taux de l'intérêt légal » in the Journal officiel (Légifrance), published in June and
  December; the Banque de France page « Taux de l'intérêt légal ».
- Belgian rate (be_late_payment_rate.csv): the SPF Finances notice in the Moniteur belge
  (loi du 2 août 2002, art. 5), each January and July. Expected value: ECB reference rate
  + 8 points rounded up to the next half point, {belgian}.
Add each value with its source, then run pytest tests/core/test_rates.py."""

Observation = tuple[date, Decimal]
Row = dict[str, str]


def parse_period(value: str) -> date:
    """``2024-06-12``, ``2024-06`` (first day) or ``2024-S1`` / ``2024-S2`` (1 Jan / 1 Jul)."""
    value = value.strip()
    if len(value) == 7 and value[4:6] == "-S":
        return date(int(value[:4]), 1 if value[6] == "1" else 7, 1)
    if len(value) == 7:
        return date(int(value[:4]), int(value[5:7]), 1)
    return date.fromisoformat(value)


def parse_sdmx_csv(text: str) -> list[Observation]:
    """The (day, value) observations of an SDMX-CSV answer, oldest first; empty values
    (holidays, missing observations) are left out."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"TIME_PERIOD", "OBS_VALUE"} <= set(reader.fieldnames):
        raise ValueError("not an SDMX-CSV answer: TIME_PERIOD and OBS_VALUE columns expected")
    found = [
        (parse_period(record["TIME_PERIOD"]), Decimal(record["OBS_VALUE"].strip()))
        for record in reader
        if record["OBS_VALUE"] and record["OBS_VALUE"].strip() not in ("", "NaN")
    ]
    return sorted(found)


def changes(observations: Iterable[Observation]) -> list[Observation]:
    """Only the observations where the value changes."""
    kept: list[Observation] = []
    for day, value in observations:
        if not kept or kept[-1][1] != value:
            kept.append((day, value))
    return kept


def in_force(points: Sequence[Observation], day: date) -> Decimal | None:
    found = None
    for start, value in points:
        if start > day:
            break
        found = value
    return found


def half_years(first: date, last: date) -> list[tuple[date, date]]:
    """Half-years from the one starting on ``first`` to the one containing ``last``."""
    spans = []
    start = first
    while start <= last:
        end = date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)
        spans.append((start, end))
        start = end + timedelta(days=1)
    return spans


def change_rows(points: Sequence[Observation], last_seen: date) -> list[tuple[date, date, Decimal]]:
    """One row per change, the last one ending on the last day observed."""
    rows = []
    for (start, value), following in zip(points, [*points[1:], None], strict=True):
        end = following[0] - timedelta(days=1) if following else last_seen
        rows.append((start, end, value))
    return rows


def half_year_rows(points: Sequence[Observation], first: date, last_seen: date,
                   ) -> list[tuple[date, date, Decimal]]:  # fmt: skip
    """The value in force on the first day of each half-year observed."""
    rows = []
    for start, end in half_years(first, last_seen):
        value = in_force(points, start)
        if value is not None:
            rows.append((start, end, value))
    return rows


def _same(left: str, right: Decimal) -> bool:
    return Decimal(left) == right


def merge(existing: str, fetched: Sequence[tuple[date, date, Decimal]], source: str) -> str:
    """The CSV ``existing`` with the ``fetched`` rows: an unchanged row keeps its source,
    flag and note; a confirmed, corrected or new row names ``source``. Rows the
    publication does not cover are kept as they are."""
    rows: dict[str, Row] = {row["start"]: row for row in csv.DictReader(io.StringIO(existing))}
    for start, end, value in fetched:
        key = start.isoformat()
        row = rows.get(key)
        if row is not None and row["end"] == end.isoformat() and _same(row["rate"], value):
            if row["verified"] == "no":  # an assumed value, now confirmed
                rows[key] = {**row, "source": source, "verified": "yes", "note": ""}
            continue
        rows[key] = {"start": key, "end": end.isoformat(), "rate": f"{value:f}",
                     "source": source, "verified": "yes", "note": ""}  # fmt: skip
    ordered = sorted(rows.values(), key=lambda row: row["start"])
    # Rows that now overlap a fetched one (a row that used to run longer) are cut at its start.
    for before, after in itertools.pairwise(ordered):
        if before["end"] >= after["start"]:
            before["end"] = (date.fromisoformat(after["start"]) - timedelta(days=1)).isoformat()
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(ordered)
    return out.getvalue()


def fetch(url: str) -> str:
    headers = {"Accept": CSV_ACCEPT, "User-Agent": "relance-refresh-rates"}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as answer:
        return str(answer.read().decode("utf-8"))


def belgian_expected(reference: Decimal) -> Decimal:
    """ECB + 8 points rounded up to the next half point."""
    doubled = ((reference + 8) * 2).to_integral_value(rounding=ROUND_CEILING)
    return (doubled / 2).quantize(Decimal("0.1"))


def new_texts(ecb: str, bundesbank: str, today: date) -> dict[str, str]:
    ecb_points = changes(parse_sdmx_csv(ecb))
    ecb_last = parse_sdmx_csv(ecb)[-1][0]
    de_observed = parse_sdmx_csv(bundesbank)
    de_points = changes(de_observed)
    stamp = today.isoformat()
    texts = {}
    current = {name: (DATA / f"{name}.csv").read_text(encoding="utf-8")
               for name in ("ecb_mro", "ecb_reference_rate", "de_base_rate")}  # fmt: skip
    texts["ecb_mro"] = merge(current["ecb_mro"],
                             [r for r in change_rows(ecb_points, ecb_last)
                              if r[1] >= date(2014, 9, 10)],
                             ECB_SOURCE.format(day=stamp))  # fmt: skip
    texts["ecb_reference_rate"] = merge(
        current["ecb_reference_rate"], half_year_rows(ecb_points, date(2015, 1, 1), ecb_last),
        ECB_HALF_YEAR_SOURCE.format(day=stamp),
    )  # fmt: skip
    # Up to the half-year of the last value published, never beyond: a half-year not yet
    # published must stay absent rather than carry the previous value.
    de_last = de_observed[-1][0]
    texts["de_base_rate"] = merge(
        current["de_base_rate"], half_year_rows(de_points, date(2015, 1, 1), de_last),
        BUNDESBANK_SOURCE.format(day=stamp),
    )  # fmt: skip
    return {name: text for name, text in texts.items() if text != current[name]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    options = parser.parse_args(argv)
    today = date.today()
    ecb = fetch(ECB_URL)
    bundesbank = fetch(BUNDESBANK_URL)
    for name, text in new_texts(ecb, bundesbank, today).items():
        path = DATA / f"{name}.csv"
        old = path.read_text(encoding="utf-8")
        sys.stdout.writelines(difflib.unified_diff(old.splitlines(keepends=True),
                                                   text.splitlines(keepends=True),
                                                   f"a/{name}.csv", f"b/{name}.csv"))  # fmt: skip
        if not options.dry_run:
            path.write_text(text, encoding="utf-8")
    reference = in_force(changes(parse_sdmx_csv(ecb)), today)
    belgian = f"{belgian_expected(reference)} % on {today:%d/%m/%Y}" if reference else "unknown"
    sys.stdout.write(MANUAL.format(belgian=belgian) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
