"""Daily-run benchmark: plan one day for a portfolio, at several sizes.

    python -m benchmarks.plan_day [--sizes 10000,30000,100000] [--per-customer 10]

The portfolio comes from the reference generator ``benchmarks/gen_portfolio.py`` (the same
files for every system benchmarked), else from ``benchmarks/synthetic.py``.
Each size is imported into a fresh SQLite database, then the day is planned in a separate
process, so that its time and peak memory are the planning's own; then the day is run
(recorded) twice, the second run finding nothing new. Linear growth shows as a
steady time per invoice across sizes. Target: 100,000 customers / 1,000,000 invoices planned
in under 20 s with under 1 GB. Figures go to ``<out>/plan_day.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2026, 6, 30)
GENERATOR = Path(__file__).resolve().parent / "gen_portfolio.py"
TARGET_SECONDS, TARGET_MB = 20.0, 1024


def portfolio(folder: Path, customers: int, per_customer: int) -> tuple[Path, Path, str]:
    if GENERATOR.exists():
        subprocess.run(
            [sys.executable, str(GENERATOR), "--customers", str(customers),
             "--invoices-per-customer", str(per_customer), "--as-of", AS_OF.isoformat(),
             "--seed", "42", "--out", str(folder)],
            check=True, capture_output=True,
        )  # fmt: skip
        return folder / "customers.csv", folder / "invoices.csv", "gen_portfolio.py"
    from benchmarks.synthetic import write_portfolio

    paths = write_portfolio(folder, customers=customers, invoices=customers * per_customer,
                            as_of=AS_OF)  # fmt: skip
    return *paths, "benchmarks/synthetic.py"


STEP = r"""
import json, os, resource, sys, time
from datetime import date
import django
django.setup()
from django.core.management import call_command
from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.accounts.services import organisation_create
from relance.imports.services import import_file

phase = sys.argv[1]
if phase == "import":
    call_command("migrate", verbosity=0)
    actor = Actor.system("benchmark")
    org = organisation_create(slug="bench", legal_name="Bench", country="FR", actor=actor)
    for kind, path in (("customers", sys.argv[2]), ("invoices", sys.argv[3])):
        with open(path, "rb") as handle:
            report = import_file(organisation=org, kind=kind, data=handle.read(),
                                 filename=kind, actor=actor)
        assert report.ok, report.rejected[:3]
    print(json.dumps({}))
elif phase == "run":
    from relance.dunning.run import run_day
    org = Organisation.objects.get(slug="bench")
    day = date.fromisoformat(sys.argv[2])
    timings = {}
    for label in ("run_seconds", "second_run_seconds"):
        started = time.perf_counter()
        summary = run_day(organisation=org, day=day, actor=Actor.system("benchmark"))
        timings[label] = round(time.perf_counter() - started, 2)
        timings[label.replace("seconds", "messages")] = len(summary.plan.messages)
    print(json.dumps(timings))
else:
    from relance.dunning.run import day_plan
    org = Organisation.objects.get(slug="bench")
    day = date.fromisoformat(sys.argv[2])
    started = time.perf_counter()
    plan = day_plan(org, day=day)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "messages": len(plan.messages),
        "skipped": len(plan.skipped),
    }))
"""


def run_step(folder: Path, *args: str) -> dict[str, Any]:
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'relance.sqlite3'}",
        "RELANCE_VAR_DIR": str(folder / "var"),
        "DJANGO_SETTINGS_MODULE": "relance.settings",
    }
    done = subprocess.run([sys.executable, "-c", STEP, *args], env=environment,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,30000,100000", help="numbers of customers")
    parser.add_argument("--per-customer", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    results = []
    source = ""
    for customers in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="relance-plan-") as tmp:
            folder = Path(tmp)
            customers_path, invoices_path, source = portfolio(folder, customers,
                                                              args.per_customer)  # fmt: skip
            run_step(folder, "import", str(customers_path), str(invoices_path))
            figures = run_step(folder, "plan", AS_OF.isoformat())
            figures |= run_step(folder, "run", AS_OF.isoformat())
        invoices = customers * args.per_customer
        figures |= {
            "customers": customers,
            "invoices": invoices,
            "microseconds_per_invoice": round(float(figures["seconds"]) * 1e6 / invoices, 1),
        }
        print(json.dumps(figures))
        results.append(figures)
    largest = results[-1]
    scale = 1_000_000 / int(largest["invoices"])
    summary = {
        "benchmark": "plan_day",
        "portfolio": source,
        "as_of": AS_OF.isoformat(),
        "runs": results,
        "target": {"invoices": 1_000_000, "seconds": TARGET_SECONDS, "peak_rss_mb": TARGET_MB},
        "within_target": float(largest["seconds"]) * scale < TARGET_SECONDS
        and int(largest["peak_rss_mb"]) < TARGET_MB,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "plan_day.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
