"""Search benchmark: the search box on a 1,000,000-invoice portfolio.

    python -m benchmarks.search [--customers 100000] [--invoices 1000000] [--repeat 5]
                                [--out benchmarks/results] [--rebuild]

The portfolio is the one of ``benchmarks/pages.py`` (``bench_db.portfolio``, as of 2026-06-30),
imported with the real importer into ``var/bench/search-<customers>-<invoices>/``
(``benchmarks/bench_db.py``, kept for later runs; the search indexes are filled by the
database's triggers as the rows go in, and the import's time is recorded). Then, in one process:

* the indexes are rebuilt from scratch (``search_index_install``), timed, and measured
  (SQLite ``dbstat``);
* a set of typical queries, taken from the data (a word in the middle of a customer's name,
  a common first name, an invoice number whole and in part, a piece of e-mail, a phone
  number written the national way, an amount, a payment reference, a word found nowhere), is
  run ``--repeat`` times each through the service (``relance.ledger.search.search``) and
  through the results page with Django's test client, signed in as a collector: the server
  time per query, median and max over the set;
* the baseline, in the same run: the searches this replaces or would be without an index,
  on the same data: the old customer search (name starting with the text), and a plain
  ``LIKE '%text%'`` over customer names and invoice numbers.

Target: every query under 200 ms server time. Figures go to ``<out>/search.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_db import (
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

TARGET_MS = 200.0


def build(folder: Path, customers: int, invoices: int) -> None:
    """Import the portfolio once (its own process: ``bench_db.prepare``); later, migrate."""
    import django

    django.setup()
    from django.core.management import call_command

    from relance.accounts.audit import Actor

    call_command("migrate", verbosity=0)
    if read_state(folder):
        return
    state = import_portfolio(customers, invoices, users=((COLLECTOR, "collector"),),
                             actor=Actor.system("benchmark"))  # fmt: skip
    write_state(folder, state)


def queries(organisation: Any) -> list[tuple[str, str]]:
    """(what it is, the query) taken from the data, the same on every run."""
    from relance.ledger.models import Contact, Customer, Invoice, Payment
    from relance.ledger.selectors import customer_payment_reference

    customers = Customer.objects.filter(organisation=organisation).order_by("id")
    count = customers.count()
    customer = customers[count // 2]
    invoice = Invoice.objects.filter(organisation=organisation).order_by("id")[
        Invoice.objects.filter(organisation=organisation).count() // 3
    ]
    contact = Contact.objects.filter(organisation=organisation).exclude(phone="").order_by("id")
    phone_contact = contact[contact.count() // 4]
    email = phone_contact.email or "example"
    payment = Payment.objects.filter(organisation=organisation).order_by("id").first()
    national = "0" + phone_contact.phone[3:]  # +33 or +32: the country code is two digits
    found = [
        ("last word of a customer's name", customer.name.split()[-1]),
        ("first name shared by many customers", customers[7].name.split()[0]),
        ("two words of a name", customer.name),
        ("a customer's reference", customer.external_ref),
        ("invoice number, whole", invoice.number),
        ("invoice number, last digits", invoice.number[-6:]),
        ("invoice number, middle part", invoice.number[4:11]),
        ("invoice number without separators", invoice.number.replace("-", "")),
        ("part of an e-mail", email.split("@")[0]),
        ("phone, national writing", " ".join([national[:2], national[2:6], national[6:]])),
        ("amount, French writing", f"{invoice.amount_incl_tax:,.2f}".replace(",", " ").replace(
            ".", ",")),
        ("customer's payment reference (RF or +++)", customer_payment_reference(customer)),
        ("a word found nowhere", "zqxwvk"),
    ]  # fmt: skip
    if payment is not None:
        found.append(("a payment's reference", payment.reference))
    return found


def timed(run: Callable[[], Any], repeat: int) -> list[float]:
    run()  # warm: the first read of a cold page of the index is the disk's time, not ours
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def summary(timings: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1)}


def index_size() -> dict[str, Any]:
    from django.db import connection

    if connection.vendor != "sqlite":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'ledger_%_search%' "
                       "GROUP BY name ORDER BY name")  # fmt: skip
        tables = dict(cursor.fetchall())
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        page_size = cursor.fetchone()[0]
    total = sum(tables.values())
    return {
        "index_mb": round(total / 2**20, 1),
        "database_mb": round(pages * page_size / 2**20, 1),
        "tables_mb": {name: round(size / 2**20, 1) for name, size in tables.items()},
    }


def run(repeat: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from relance.accounts.models import Organisation, User
    from relance.ledger.models import Customer, Invoice
    from relance.ledger.search import search
    from relance.ledger.search_index import search_index_install

    organisation = Organisation.objects.get(slug=ORGANISATION)
    started = time.perf_counter()
    with transaction.atomic():
        search_index_install(connection)
    rebuild_seconds = round(time.perf_counter() - started, 1)
    size = index_size()
    client = Client()
    client.force_login(User.objects.get(email=COLLECTOR))
    page = reverse("search", kwargs={"org": organisation.slug})
    results = []
    service_all: list[float] = []
    page_all: list[float] = []
    for label, text in queries(organisation):
        found = search(organisation, text)
        counts = {kind: len(getattr(found, kind)) for kind in ("customers", "invoices",
                                                               "contacts", "payments")}  # fmt: skip
        service = timed(lambda text=text: search(organisation, text), repeat)  # type: ignore[misc]
        served = timed(lambda text=text: client.get(page, {"q": text}), repeat)  # type: ignore[misc]
        service_all += service
        page_all += served
        results.append({"query": label, "text": text, "found": counts,
                        "service": summary(service), "page": summary(served)})  # fmt: skip
        print(f"  {label:<38} {text[:22]:<22} service {summary(service)['median_ms']:>6} ms  "
              f"page {summary(served)['median_ms']:>6} ms  {counts}")  # fmt: skip
    word = queries(organisation)[0][1]
    number = queries(organisation)[5][1]
    customers = Customer.objects.filter(organisation=organisation)
    invoices = Invoice.objects.filter(organisation=organisation)
    baseline = {
        "old prefix search (name starts with)": summary(timed(
            lambda: list(customers.filter(name__istartswith=word)[:11]), repeat)),
        "LIKE '%word%' over customer names": summary(timed(
            lambda: list(customers.filter(name__icontains=word)[:11]), repeat)),
        "LIKE '%digits%' over invoice numbers": summary(timed(
            lambda: list(invoices.filter(number__icontains=number)[:11]), repeat)),
        "LIKE '%word%' over customer names, a word found nowhere": summary(timed(
            lambda: list(customers.filter(name__icontains="zqxwvk")[:11]), repeat)),
        "LIKE '%x%' over invoice numbers, found nowhere": summary(timed(
            lambda: list(invoices.filter(number__icontains="zqxwvk")[:11]), repeat)),
    }  # fmt: skip
    for label, figures in baseline.items():
        print(f"  baseline: {label:<54} median {figures['median_ms']:>7} ms")
    return {
        "customers": customers.count(),
        "invoices": invoices.count(),
        "index_rebuild_seconds": rebuild_seconds,
        **size,
        "queries": results,
        "service": summary(service_all),
        "page": summary(page_all),
        "baseline": baseline,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    args = parser.parse_args()
    folder = folder_for("search", args.customers, args.invoices)
    os.environ.update(environment(folder))
    if args.phase == "build":
        build(folder, args.customers, args.invoices)
        return
    prepare("benchmarks.search", folder, args.customers, args.invoices, rebuild=args.rebuild)
    figures = run(args.repeat)
    state = read_state(folder)
    result = {
        "benchmark": "search",
        "portfolio": state.get("portfolio"),
        "as_of": AS_OF.isoformat(),
        "import_seconds_with_search_triggers": state.get("import_seconds"),
        "repeat": args.repeat,
        **figures,
        "target_ms": TARGET_MS,
        "within_target": figures["page"]["max_ms"] < TARGET_MS,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "search.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(
        f"Service: {figures['service']}; page: {figures['page']}; index rebuilt in "
        f"{figures['index_rebuild_seconds']} s, {figures.get('index_mb')} MB"
    )


if __name__ == "__main__":
    main()
