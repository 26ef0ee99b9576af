"""Forecast benchmark: its accuracy on the reference portfolio, and its time at a larger size.

    python -m benchmarks.forecast [--customers 2000] [--per-customer 10]
                                  [--size-customers 10000] [--size-per-customer 10]
                                  [--out benchmarks/results]
    python -m benchmarks.forecast --database PATH [--day YYYY-MM-DD]

1. Accuracy. The reference generator's portfolio (``benchmarks/gen_portfolio.py``, as of
   2026-06-30, seed 42, ``--customers`` x ``--per-customer``) is imported with the real
   importer into a fresh SQLite database, then ``relance forecast backtest --json`` replays
   the forecast at the twelve month-ends before June 2026: the mean absolute error in days of
   the predicted payment date, beside the baselines computed in the same run on the same
   invoices (due date; due date or month-end if later; due date + customer's mean delay).
2. Time. The same generator at ``--size-customers`` x ``--size-per-customer`` (10,000 x 10 =
   100,000 invoices by default), imported likewise; then, each the median of three runs:
   the live forecast (what ``relance forecast`` computes), recording it for the dashboard (the
   morning run's share), and the dashboard's read of the recorded copy; the baseline is a
   plain count of the open instalments (one GROUP BY over instalments and allocations) in
   the same process.

Each phase runs in its own process on its own database. Figures go to
``<out>/forecast.json``.

3. ``--database PATH``: instead, an existing SQLite database (already migrated; its first
   organisation) is measured as it is, at a size too long to generate for every run (a
   million invoices): the morning run's share, recording the forecast of ``--day`` (by
   default the day after the last invoice or allocation), then the live forecast with its
   per-invoice lines, once each, with the peak memory of the process. The recorded copy in
   that database is replaced. Figures go to ``<out>/forecast-database.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "benchmarks" / "gen_portfolio.py"
AS_OF = "2026-06-30"

STEP = r"""
import json, statistics, sys, time
from datetime import date, timedelta
from pathlib import Path
import django
django.setup()
from django.core.management import call_command

folder, phase = Path(sys.argv[1]), sys.argv[2]
from relance.accounts.audit import Actor
from relance.accounts.services import organisation_create
from relance.imports.services import import_file

call_command("migrate", verbosity=0)
actor = Actor.system("benchmark")
org = organisation_create(slug="bench", legal_name="Bench SAS", country="FR", actor=actor)
started = time.perf_counter()
for kind in ("customers", "invoices"):
    path = folder / f"{kind}.csv"
    report = import_file(organisation=org, kind=kind, data=path.read_bytes(), filename=path.name,
                         actor=actor)
    assert report.ok, report.rejected[:3]
imported = round(time.perf_counter() - started, 1)

def timed(work, runs=3):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3), result

if phase == "backtest":
    from io import StringIO
    out = StringIO()
    seconds, _ = timed(lambda: call_command("forecast", "backtest", "--json", stdout=out), 1)
    print(json.dumps({"import_seconds": imported, "seconds": seconds,
                      "backtest": json.loads(out.getvalue())}))
else:
    from django.db.models import F, Q, Sum
    from relance.ledger.models import Instalment
    from relance.reports.forecast import cash_forecast
    from relance.reports.forecast_record import cash_forecast_record, recorded_forecasts

    as_of = date.fromisoformat(sys.argv[3])

    def open_count():
        return (Instalment.objects.filter(organisation=org)
                .annotate(paid=Sum("allocations__amount"))
                .filter(Q(paid__isnull=True) | Q(paid__lt=F("amount"))).count())

    baseline, opened = timed(open_count)
    def live_forecast():  # with its per-invoice lines, as ``relance forecast`` prints them
        forecast = cash_forecast(org, as_of)
        forecast.invoices
        return forecast

    live, forecast = timed(live_forecast)
    record, _ = timed(lambda: cash_forecast_record(organisation=org, day=as_of + timedelta(days=1)))
    read, recorded = timed(lambda: recorded_forecasts(org), 20)
    print(json.dumps({
        "import_seconds": imported,
        "open_instalments": opened,
        "open_invoices": len(forecast.invoices),
        "past_payments": forecast.model.payments,
        "baseline_open_count_seconds": baseline,
        "live_forecast_seconds": live,
        "record_seconds": record,
        "dashboard_read_ms": round(read * 1000, 2),
        "weeks_recorded": sum(len(r.weeks) for r in recorded.values()),
    }))
"""

EXISTING = r"""
import json, resource, sys, time
from datetime import date, timedelta
import django
django.setup()
from relance.accounts.models import Organisation
from relance.reports.forecast import cash_forecast
from relance.reports.forecast_backtest import data_end
from relance.reports.forecast_record import cash_forecast_record, recorded_forecasts

org = Organisation.objects.order_by("pk").first()
day = date.fromisoformat(sys.argv[1]) if sys.argv[1] else data_end(org) + timedelta(days=1)

def timed(work):
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    return round(time.perf_counter() - started, 2), round(time.process_time() - cpu, 2), result

record, record_cpu, _ = timed(lambda: cash_forecast_record(organisation=org, day=day))
record_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
live, live_cpu, forecast = timed(lambda: len(cash_forecast(org, day - timedelta(days=1)).invoices))
forecast = cash_forecast(org, day - timedelta(days=1))
print(json.dumps({
    "day": day.isoformat(),
    "open_instalments": len(forecast.items),
    "past_payments": forecast.model.payments,
    "record_seconds": record, "record_cpu_seconds": record_cpu,
    "record_peak_memory_mb": record_peak,
    "live_forecast_seconds": live, "live_forecast_cpu_seconds": live_cpu,
    "weeks_recorded": sum(len(r.weeks) for r in recorded_forecasts(org).values()),
    "load_average": open("/proc/loadavg").read().split()[0],
}))
"""


def existing(database: Path, day: str) -> dict[str, Any]:
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database.resolve()}",
        "DJANGO_SETTINGS_MODULE": "relance.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", EXISTING, day],
        env=environment, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def generate(folder: Path, customers: int, per_customer: int) -> None:
    subprocess.run(
        [sys.executable, str(GENERATOR), "--customers", str(customers),
         "--invoices-per-customer", str(per_customer), "--as-of", AS_OF, "--seed", "42",
         "--out", str(folder)],
        check=True, capture_output=True,
    )  # fmt: skip


def phase(folder: Path, name: str) -> dict[str, Any]:
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'relance.sqlite3'}",
        "RELANCE_VAR_DIR": str(folder / "var"),
        "DJANGO_SETTINGS_MODULE": "relance.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", STEP, str(folder), name, AS_OF],
        env=environment, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--per-customer", type=int, default=10)
    parser.add_argument("--size-customers", type=int, default=10_000)
    parser.add_argument("--size-per-customer", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--database", type=Path, help="measure this SQLite database instead")
    parser.add_argument("--day", default="", help="with --database: the morning recorded")
    args = parser.parse_args()
    figures: dict[str, Any] = {"machine": platform.platform(), "python": platform.python_version()}
    if args.database:
        figures["database"] = {"path": str(args.database), **existing(args.database, args.day)}
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "forecast-database.json").write_text(json.dumps(figures, indent=2) + "\n")
        print(json.dumps(figures, indent=2))
        return
    with tempfile.TemporaryDirectory(prefix="relance-forecast-") as tmp:
        accuracy = Path(tmp) / "accuracy"
        generate(accuracy, args.customers, args.per_customer)
        figures["accuracy"] = {"customers": args.customers,
                               "invoices": args.customers * args.per_customer,
                               **phase(accuracy, "backtest")}  # fmt: skip
        size = Path(tmp) / "size"
        generate(size, args.size_customers, args.size_per_customer)
        figures["time"] = {"customers": args.size_customers,
                           "invoices": args.size_customers * args.size_per_customer,
                           **phase(size, "time")}  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "forecast.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
