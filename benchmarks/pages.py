"""Page-time benchmark: the server time of each staff page on a 100,000-customer portfolio.

    python -m benchmarks.pages [--customers 100000] [--invoices 1000000] [--requests 20]
                               [--out benchmarks/results] [--rebuild]

The portfolio comes from the reference generator (``benchmarks/gen_portfolio.py``) when the
sizes allow it, else from ``benchmarks/synthetic.py``, as of
2026-06-30; it is imported with the real importer, then the daily cycle is run for today
(balances, segments, reminders, e-mails in the outbox, monthly figures), and a few disputes,
promises and failed deliveries are recorded so that every list has rows. The database is kept
in ``var/bench/pages-<customers>-<invoices>/`` (``benchmarks/bench_db.py``) and reused by later
runs, which only migrate it and run the cycle of a new day (``--rebuild`` starts afresh).

Each page whose URL name exists when the benchmark runs (the side navigation's pages, the
to-do by customer among them, plus one customer, one invoice and one to-do item: the shortest
route taking that object's UUID, found in the URL resolver; and that item's customer's to-do,
``todo-customer``) is requested with Django's test client, signed in as a collector (as an
administrator for the pages reserved to them): once to warm up, counting its SQL queries,
then ``--requests`` times, timed. A quick run on a small portfolio:
``--customers 2000 --invoices 20000``. The baseline, measured in the same run with the same
client, is the sign-in page. Target: every page under 300 ms (median and p95). Figures, with
each page's three slowest queries and their query plans, go to ``<out>/pages.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.bench_db import (
    ADMIN,
    AS_OF,
    COLLECTOR,
    ORGANISATION,
    add_arguments,
    environment,
    folder_for,
    import_portfolio,
    prepare,
    read_state,
    write_state,
)

TARGET_MS = 300.0
# The object whose page is measured, by the name of its UUID in the route.
DETAIL_KINDS = ("customer", "invoice", "reminder")
# Pages found by their URL name rather than as the shortest route for their object:
# (url name, route parameter, object measured).
NAMED_PAGES = (("todo-customer", "customer", "todo_customer"),)


def build(folder: Path, customers: int, invoices: int) -> None:
    """Import the portfolio once; then, on every run, migrate and run today's cycle if the
    database has not seen today yet. Runs in its own process (``bench_db.prepare``)."""
    import django

    django.setup()
    from django.core.management import call_command

    from relance.accounts.audit import Actor
    from relance.accounts.clock import local_day
    from relance.accounts.models import Organisation
    from relance.cycle.daily import daily_cycle

    state = read_state(folder)
    actor = Actor.system("benchmark")
    call_command("migrate", verbosity=0)
    if not state.get("imported"):
        users = ((COLLECTOR, "collector"), (ADMIN, "admin"))
        state = {"imported": True,
                 **import_portfolio(customers, invoices, users=users, actor=actor)}  # fmt: skip
        write_state(folder, state)
    organisation = Organisation.objects.get(slug=ORGANISATION)
    today = local_day(organisation)
    if state.get("cycle_day") != today.isoformat():
        started = time.perf_counter()
        daily_cycle(organisation=organisation, day=today, actor=actor)
        if not state.get("extras"):
            extras(organisation, today, actor)
            state["extras"] = True
        state |= {"cycle_day": today.isoformat(),
                  "cycle_seconds": round(time.perf_counter() - started, 1)}  # fmt: skip
        write_state(folder, state)
    if not state.get("held"):
        held(organisation)
        state["held"] = True
        write_state(folder, state)


def extras(organisation: Any, today: date, actor: Any) -> None:
    """Disputes, promises (due today, later, broken) and failed deliveries, through the
    services where there is one, so that the pages' lists are not empty."""
    from relance.dunning.models import Reminder, ReminderStatus
    from relance.dunning.services import dispute_open, promise_record, promises_check_broken
    from relance.ledger.models import Invoice
    from relance.ledger.selectors import open_instalments

    invoice_ids = list(
        open_instalments(organisation).order_by("id").values_list("invoice_id", flat=True)[:900]
    )
    invoices = list(Invoice.objects.filter(pk__in=invoice_ids).select_related("customer"))
    # A promise never exceeds what is left to pay (a part-paid invoice owes less than its total).
    owed: dict[int, Decimal] = {}
    left = open_instalments(organisation).filter(invoice_id__in=invoice_ids)
    for invoice_id, outstanding in left.values_list("invoice_id", "outstanding"):  # type: ignore[misc]
        owed[invoice_id] = owed.get(invoice_id, Decimal("0")) + Decimal(outstanding)
    for invoice in invoices[:300]:
        dispute_open(invoice=invoice, reason="Livraison contestée", day=today, actor=actor)
    for n, invoice in enumerate(invoices[300:900]):
        if n % 3 == 2:  # promised three weeks ago for last week: found broken today
            promise_record(customer=invoice.customer, invoices=[invoice], day=today - timedelta(21),
                           promised_on=today - timedelta(days=7),
                           amount=owed[invoice.pk].quantize(Decimal("0.01")),
                           actor=actor)  # fmt: skip
        else:
            promise_record(customer=invoice.customer, invoices=[invoice], day=today,
                           promised_on=today + timedelta(days=n % 3 * 10),
                           amount=owed[invoice.pk].quantize(Decimal("0.01")),
                           actor=actor)  # fmt: skip
    promises_check_broken(organisation=organisation, day=today, actor=actor)
    # As a bounce does (relance.channels.email.tracking): the reminder fails and says why.
    bounced = Reminder.objects.filter(organisation=organisation, status=ReminderStatus.READY)
    Reminder.objects.filter(pk__in=list(bounced.values_list("pk", flat=True)[:150])).update(
        status=ReminderStatus.FAILED, notes=["Rejeté : 5.1.1 boîte aux lettres inconnue"]
    )


def held(organisation: Any) -> None:
    """Messages back on the to-do, as the composer does for a customer without an address,
    so that the to-do has a few thousand tasks (the first day of a portfolio has none)."""
    from relance.dunning.models import Reminder, ReminderStatus

    ready = Reminder.objects.filter(organisation=organisation, status=ReminderStatus.READY)
    Reminder.objects.filter(pk__in=list(ready.values_list("pk", flat=True)[:2000])).update(
        status=ReminderStatus.TODO, notes=["Aucune adresse e-mail pour ce client."]
    )


def pages() -> list[tuple[str, dict[str, str]]]:
    """(url name, parameters besides ``org``) of each page to measure, from the resolver."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from relance.web.nav import NAV

    routes: dict[str, tuple[str, set[str]]] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and entry.name:
                routes.setdefault(entry.name, (route, set(re.findall(r"<(?:\w+:)?(\w+)>", route))))

    walk(get_resolver().url_patterns, "")
    found: list[tuple[str, dict[str, str]]] = [
        (entry.url_name, {}) for entry in NAV if entry.url_name in routes
    ]
    for kind in DETAIL_KINDS:
        candidates = sorted(
            (len(route), name)
            for name, (route, params) in routes.items()
            if params == {"org", kind}
        )
        if candidates:
            found.append((candidates[0][1], {kind: kind}))
    found += [(name, {param: obj}) for name, param, obj in NAMED_PAGES if name in routes]
    return found


def detail_objects(organisation: Any) -> dict[str, str]:
    """A busy customer, one of its open invoices, and a task of today's to-do."""
    from relance.dunning.models import Reminder, ReminderStatus
    from relance.ledger.models import CustomerBalance, Instalment

    balance = CustomerBalance.objects.filter(organisation=organisation).order_by("-outstanding")
    customer = balance.select_related("customer").first()
    assert customer is not None
    instalment = (Instalment.objects.filter(customer_id=customer.customer_id)
                  .select_related("invoice").order_by("-due_date").first())  # fmt: skip
    assert instalment is not None
    reminders = Reminder.objects.filter(organisation=organisation).order_by("-run_date", "-id")
    task = reminders.filter(status=ReminderStatus.TODO).first() or reminders.first()
    assert task is not None
    return {
        "customer": str(customer.customer.uuid),
        "invoice": str(instalment.invoice.uuid),
        "reminder": str(task.uuid),
        "todo_customer": str(task.customer.uuid),  # everything due today for that customer
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(client: Any, path: str, requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as capture:
        response = client.get(path)
    # Read now: the next request clears the connection's query log.
    captured = list(capture.captured_queries)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    slowest = sorted(captured, key=lambda q: -float(q["time"]))[:3]
    return {
        "path": path,
        "status": response.status_code,
        "queries": len(captured),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "min_ms": round(min(timings), 1),
        "slowest_queries": [
            {
                "ms": round(float(q["time"]) * 1000, 1),
                "sql": q["sql"][:600],
                "plan": query_plan(q["sql"]),
            }
            for q in slowest
        ],
    }


def query_plan(sql: str) -> list[str]:
    from django.db import connection

    if connection.vendor != "sqlite" or not sql.lstrip().upper().startswith("SELECT"):
        return []
    with connection.cursor() as cursor:
        try:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        except Exception as exc:  # a truncated or parameter-less statement
            return [f"(plan unavailable: {exc})"]
        return [str(row[-1]) for row in cursor.fetchall()]


def run_pages(requests: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from relance.accounts.models import Organisation, User
    from relance.ledger.models import Customer, Invoice
    from relance.web.nav import NAV

    organisation = Organisation.objects.get(slug=ORGANISATION)
    clients = {}
    for email in (COLLECTOR, ADMIN):
        clients[email] = Client(raise_request_exception=False)
        clients[email].force_login(User.objects.get(email=email))
    baseline_client = Client()
    baseline_client.get(reverse("login"))
    baseline = measure(baseline_client, reverse("login"), requests)
    admin_only = {entry.url_name for entry in NAV if entry.admin_only}
    objects = detail_objects(organisation)
    results = []
    for name, params in pages():
        kwargs = {"org": organisation.slug} | {key: objects[obj] for key, obj in params.items()}
        client = clients[ADMIN if name in admin_only else COLLECTOR]
        figures: dict[str, Any] = {
            "page": name,
            "as": "admin" if name in admin_only else "collector",
        }
        figures |= measure(client, reverse(name, kwargs=kwargs), requests)
        figures["within_target"] = figures["status"] == 200 and figures["p95_ms"] < TARGET_MS
        print(f"  {name:<16} {figures['status']} median {figures['median_ms']:>7} ms  "
              f"p95 {figures['p95_ms']:>7} ms  {figures['queries']:>3} queries")  # fmt: skip
        results.append(figures)
    counts = Customer.objects.filter(organisation=organisation).aggregate(n=Count("id"))
    return {
        "customers": counts["n"],
        "invoices": Invoice.objects.filter(organisation=organisation).count(),
        "baseline_login_page": baseline,
        "pages": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    args = parser.parse_args()
    folder = folder_for("pages", args.customers, args.invoices)
    os.environ.update(environment(folder))
    if args.phase == "build":
        build(folder, args.customers, args.invoices)
        return
    build_seconds = prepare("benchmarks.pages", folder, args.customers, args.invoices,
                            rebuild=args.rebuild)  # fmt: skip
    figures = run_pages(args.requests)
    state = read_state(folder)
    result = {
        "benchmark": "pages",
        "portfolio": state.get("portfolio"),
        "as_of": AS_OF.isoformat(),
        "cycle_day": state.get("cycle_day"),
        "build_seconds_this_run": build_seconds,
        "requests_per_page": args.requests,
        **figures,
        "target_ms": TARGET_MS,
        "within_target": all(page["within_target"] for page in figures["pages"]),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "pages.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"  baseline (login page): median {figures['baseline_login_page']['median_ms']} ms")
    slow = [page["page"] for page in figures["pages"] if not page["within_target"]]
    print("All pages within target." if not slow else f"Over {TARGET_MS:.0f} ms: {', '.join(slow)}")


if __name__ == "__main__":
    main()
