"""Import benchmark: 1,000,000 invoice rows into a fresh SQLite database.

    python -m benchmarks.import_invoices [--invoices N] [--customers N] [--out benchmarks/results]

Measured in the same run, as the baseline: reading the same file with the csv module and
inserting its raw text columns into a one-table SQLite database (what any import must at
least do). Figures go to ``<out>/import.json``; the target is < 60 s for 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.synthetic import write_portfolio

TARGET_SECONDS = 60.0


def baseline(invoices_path: Path, folder: Path) -> float:
    started = time.perf_counter()
    db = sqlite3.connect(folder / "baseline.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE invoice (number TEXT UNIQUE, customer TEXT, issue TEXT, due TEXT, "
        "amount TEXT, currency TEXT, paid_date TEXT, paid_amount TEXT, term TEXT)"
    )
    with invoices_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        db.executemany("INSERT INTO invoice VALUES (?,?,?,?,?,?,?,?,?)", reader)
    db.commit()
    db.close()
    return time.perf_counter() - started


def relance_import(customers_path: Path, invoices_path: Path, folder: Path) -> dict[str, float]:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'relance.sqlite3'}"
    os.environ["RELANCE_VAR_DIR"] = str(folder / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "relance.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from relance.accounts.audit import Actor
    from relance.accounts.services import organisation_create
    from relance.imports.services import import_file

    call_command("migrate", verbosity=0)
    actor = Actor.system("benchmark")
    organisation = organisation_create(slug="bench", legal_name="Bench", country="FR", actor=actor)
    figures: dict[str, float] = {}
    for label, kind, path in (
        ("customers_seconds", "customers", customers_path),
        ("invoices_seconds", "invoices", invoices_path),
        ("reimport_unchanged_seconds", "invoices", invoices_path),
    ):
        started = time.perf_counter()
        report = import_file(
            organisation=organisation,
            kind=kind,
            data=path.read_bytes(),
            filename=path.name,
            actor=actor,
        )
        figures[label] = round(time.perf_counter() - started, 2)
        if not report.ok:
            raise SystemExit(f"{kind} import rejected: {report.rejected[:3]}")
        print(f"  {label}: {figures[label]} s  {report.as_dict() | {'rejected': []}}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="relance-bench-") as tmp:
        folder = Path(tmp)
        print(f"Writing {args.invoices} invoices for {args.customers} customers…")
        customers_path, invoices_path = write_portfolio(
            folder, customers=args.customers, invoices=args.invoices, as_of=date(2026, 6, 30)
        )
        base = round(baseline(invoices_path, folder), 2)
        print(f"  baseline (csv + raw sqlite insert): {base} s")
        figures = relance_import(customers_path, invoices_path, folder)
    result = {
        "benchmark": "import",
        "invoices": args.invoices,
        "customers": args.customers,
        "baseline_seconds": base,
        **figures,
        "ratio_to_baseline": round(figures["invoices_seconds"] / base, 2),
        "target_seconds": TARGET_SECONDS,
        "within_target": figures["invoices_seconds"] < TARGET_SECONDS * args.invoices / 1e6,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "import.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not result["within_target"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
