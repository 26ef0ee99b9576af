"""Analysis-page benchmark: server time of the page and of each figure family, with filters.

    python -m benchmarks.analytics [--customers 2000] [--invoices 20000] [--weeks 6]
                                   [--requests 5] [--out benchmarks/results] [--rebuild]
                                   [--database-url URL]

The portfolio is built as ``benchmarks/pages.py`` builds it (the reference generator or
``benchmarks/synthetic.py``, imported with the real importer). Then the daily cycle runs once
a week for ``--weeks`` weeks up to the portfolio's date; each week the day's reminders are
marked done (as sending or a collector does), their e-mails given a departure time, and
payments for about half of the reminded invoices are imported with the payments importer,
dated 0 to 24 days after the reminder. The database is kept in
``var/bench/analytics-<customers>-<invoices>/`` and reused (``--rebuild`` starts afresh).
``--database-url`` measures an existing database instead (one organisation ``bench``, such as
the staff pages' benchmark leaves): its last run day's reminders are done once, as above, and
the period is the ``--weeks`` weeks to that day.

Measured with Django's test client, signed in as a collector: the analysis page without
filters and with each filter, each ``--requests`` times, and each figure family's selector
alone; the baseline is the dashboard, measured in the same run. Target: under 1 s of server
time. Figures, with each page's slowest queries and their query plans, go to
``<out>/analytics.json``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.bench_db import AS_OF, COLLECTOR, PASSWORD, environment, portfolio
from benchmarks.pages import measure

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 1000.0
FILTERS: dict[str, dict[str, str]] = {
    "no filter": {},
    "channel": {"channel": "email"},
    "step": {"step": "reminder_1"},
    "segment": {"segment": "standard"},
    "scenario": {"scenario": "standard"},
    "kind": {"kind": "B2B"},
    "country": {"country": "FR"},
    "currency": {"currency": "EUR"},
    "days late": {"overdue": "days_1_30"},
    "cohorts by due date": {"basis": "due"},
}


def build(folder: Path, customers: int, invoices: int, weeks: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from relance.accounts.audit import Actor
    from relance.accounts.models import Organisation
    from relance.accounts.services import organisation_create, user_create
    from relance.imports.services import import_file

    state_path = folder / "state.json"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    actor = Actor.system("benchmark")
    call_command("migrate", verbosity=0)
    if not state.get("imported"):
        organisation = organisation_create(slug="bench", legal_name="Bench SAS", country="FR",
                                           actor=actor)  # fmt: skip
        user_create(email=COLLECTOR, organisation=organisation, role="collector",
                    password=PASSWORD, actor=actor)  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="relance-analytics-") as tmp:
            customers_path, invoices_path, source = portfolio(Path(tmp), customers, invoices)
            for kind, path in (("customers", customers_path), ("invoices", invoices_path)):
                report = import_file(organisation=organisation, kind=kind,
                                     data=path.read_bytes(), filename=path.name,
                                     actor=actor)  # fmt: skip
                if not report.ok:
                    raise SystemExit(f"{kind} import rejected: {report.rejected[:3]}")
        state = {"imported": True, "portfolio": source}
        state_path.write_text(json.dumps(state))
    organisation = Organisation.objects.get(slug="bench")
    if not state.get("weeks"):
        started = time.perf_counter()
        for week in range(weeks, -1, -1):
            one_week(organisation, AS_OF - timedelta(days=7 * week), actor)
        state |= {"weeks": weeks, "history_seconds": round(time.perf_counter() - started, 1)}
        state_path.write_text(json.dumps(state))


def one_week(organisation: Any, day: date, actor: Any) -> None:
    """The morning cycle of ``day``, its reminders done, e-mails sent, some invoices paid."""
    from relance.cycle.daily import daily_cycle

    daily_cycle(organisation=organisation, day=day, actor=actor)
    reminders_done(organisation, day, actor)


def reminders_done(organisation: Any, day: date, actor: Any) -> None:
    """The reminders planned on ``day`` done, e-mails sent, about half the invoices paid."""
    from relance.channels.models import OutboundMessage
    from relance.dunning.completion import reminders_complete
    from relance.dunning.models import Reminder, ReminderItem, ReminderStatus
    from relance.imports.services import import_file

    waiting = Reminder.objects.filter(
        organisation=organisation, run_date=day,
        status__in=(ReminderStatus.READY, ReminderStatus.TODO),
    )  # fmt: skip
    ids = list(waiting.values_list("pk", flat=True))
    reminders_complete(reminder_ids=ids, on=day)
    messages = list(OutboundMessage.objects.filter(reminder_id__in=ids))
    for message in messages:  # leaving between 8:00 and 17:00 UTC
        message.status = "sent"
        message.sent_at = datetime(day.year, day.month, day.day, 8 + message.pk % 10, tzinfo=UTC)
    OutboundMessage.objects.bulk_update(messages, ["status", "sent_at"], batch_size=1000)
    rows = io.StringIO()
    out = csv.writer(rows)
    out.writerow(["reference", "date", "amount", "invoice_number", "currency"])
    items = ReminderItem.objects.filter(reminder_id__in=ids).values_list(
        "pk", "instalment__invoice__number", "outstanding", "reminder__currency"
    )
    for pk, number, outstanding, currency in items:
        if pk % 2:
            continue
        paid_on = day + timedelta(days=pk % 25)
        out.writerow([f"BENCH-{pk}", paid_on.isoformat(), f"{outstanding}", number, currency])
    report = import_file(organisation=organisation, kind="payments",
                         data=rows.getvalue().encode(), filename="payments.csv",
                         actor=actor)  # fmt: skip
    if not report.ok:
        raise SystemExit(f"payments import rejected: {report.rejected[:3]}")


def prepare_existing() -> None:
    """An existing database (``--database-url``, e.g. the staff pages' benchmark's): migrated,
    and the reminders of its last run day done, once, as ``one_week`` does them."""
    import django

    django.setup()
    from django.core.management import call_command

    from relance.accounts.audit import Actor
    from relance.accounts.models import Organisation
    from relance.dunning.models import Reminder, ReminderStatus

    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.get(slug="bench")
    reminders = Reminder.objects.filter(organisation=organisation)
    if not reminders.filter(status=ReminderStatus.SENT).exists():
        started = time.perf_counter()
        reminders_done(organisation, last_run_day(organisation), Actor.system("benchmark"))
        print(f"  reminders of the last run day done in {time.perf_counter() - started:.0f} s")


def last_run_day(organisation: Any) -> date:
    """The day the figures are taken at: the portfolio's date, or the last run's day."""
    from django.db.models import Max

    from relance.dunning.models import Reminder

    last = Reminder.objects.filter(organisation=organisation).aggregate(day=Max("run_date"))
    return max(last["day"] or AS_OF, AS_OF)


def families(
    organisation: Any, period: dict[str, str], requests: int, as_of: date
) -> dict[str, Any]:
    """Each figure family's selectors alone (what ``relance report NAME`` runs)."""
    from relance.reports.analytics import REPORTS, report
    from relance.reports.analytics_filters import AnalyticsFilters

    filters = AnalyticsFilters.from_mapping(period, as_of)
    timings: dict[str, Any] = {}
    for name in REPORTS:
        spent = []
        for _ in range(requests):
            started = time.perf_counter()
            report(name, organisation, filters, as_of)
            spent.append((time.perf_counter() - started) * 1000)
        timings[name] = {"median_ms": round(statistics.median(spent), 1)}
        print(f"  report {name:<12} median {timings[name]['median_ms']:>8} ms")
    return timings


def run(requests: int, weeks: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from relance.accounts.models import Organisation, User
    from relance.dunning.models import Reminder, ReminderItem
    from relance.ledger.models import Allocation, Customer, Invoice

    organisation = Organisation.objects.get(slug="bench")
    client = Client(raise_request_exception=True)
    client.force_login(User.objects.get(email=COLLECTOR))
    baseline = measure(client, reverse("dashboard", kwargs={"org": "bench"}), requests)
    print(f"  dashboard (baseline)  median {baseline['median_ms']:>8} ms")
    as_of = last_run_day(organisation)
    period = {"from": (as_of - timedelta(days=7 * weeks)).isoformat(), "to": as_of.isoformat()}
    page = {"date_from": period["from"], "date_to": period["to"]}
    url = reverse("analytics", kwargs={"org": "bench"})
    results = []
    for name, query in FILTERS.items():
        path = url + "?" + "&".join(f"{k}={v}" for k, v in (page | query).items())
        figures = {"filter": name} | measure(client, path, requests)
        figures["within_target"] = figures["status"] == 200 and figures["p95_ms"] < TARGET_MS
        print(f"  page {name:<20} median {figures['median_ms']:>8} ms  "
              f"p95 {figures['p95_ms']:>8} ms  {figures['queries']:>3} queries")  # fmt: skip
        results.append(figures)
    return {
        "customers": Customer.objects.filter(organisation=organisation).count(),
        "invoices": Invoice.objects.filter(organisation=organisation).count(),
        "reminders_done": Reminder.objects.filter(organisation=organisation, status="sent").count(),
        "reminder_items": ReminderItem.objects.filter(reminder__organisation=organisation).count(),
        "allocations": Allocation.objects.filter(organisation=organisation).count(),
        "period": period,
        "baseline_dashboard": baseline,
        "pages": results,
        "reports": families(organisation, period, requests, as_of),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--weeks", type=int, default=6)
    parser.add_argument("--requests", type=int, default=5, help="timed requests per page")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached database")
    parser.add_argument("--database-url", default="",
                        help="an existing database (organisation 'bench') to measure instead "
                             "of building one")  # fmt: skip
    parser.add_argument("--phase", choices=("all", "build"), default="all",
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    folder = ROOT / "var" / "bench" / f"analytics-{args.customers}-{args.invoices}"
    os.environ.update(environment(folder))
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if args.phase == "build":
        if args.database_url:
            prepare_existing()
        else:
            build(folder, args.customers, args.invoices, args.weeks)
        return
    if args.rebuild and folder.exists() and not args.database_url:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.database_url:
        print(f"Database {args.database_url}…")
    else:
        print(f"Database {folder} ({args.customers} customers, {args.invoices} invoices)…")
    subprocess.run([sys.executable, "-m", "benchmarks.analytics", "--phase", "build",
                    "--customers", str(args.customers), "--invoices", str(args.invoices),
                    "--weeks", str(args.weeks), "--database-url", args.database_url],
                   check=True, cwd=ROOT)  # fmt: skip
    build_seconds = round(time.perf_counter() - started, 1)
    figures = run(args.requests, args.weeks)
    state_path = folder / "state.json"
    state = {} if args.database_url else json.loads(state_path.read_text())
    result = {
        "benchmark": "analytics",
        "portfolio": "existing database" if args.database_url else state.get("portfolio"),
        "as_of": figures["period"]["to"],
        "build_seconds_this_run": build_seconds,
        "requests_per_page": args.requests,
        **figures,
        "target_ms": TARGET_MS,
        "within_target": all(page["within_target"] for page in figures["pages"]),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "analytics.json").write_text(json.dumps(result, indent=2, ensure_ascii=False)
                                             + "\n")  # fmt: skip
    slow = [page["filter"] for page in figures["pages"] if not page["within_target"]]
    print("Every filter within target." if not slow else f"Over {TARGET_MS:.0f} ms: {slow}")


if __name__ == "__main__":
    main()
