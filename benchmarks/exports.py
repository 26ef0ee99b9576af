"""Export benchmark: the invoice list of a 1,000,000-invoice portfolio streamed as CSV and as
XLSX, with its time and peak memory, against a baseline in the same run.

    python -m benchmarks.exports [--source var/bench/pages-100000-1000000] [--rows 1000000]
                                 [--out benchmarks/results] [--only KIND ...]

A quick run on a small portfolio: build it with ``python -m benchmarks.pages --customers 2000
--invoices 20000 --phase build``, then ``--source var/bench/pages-2000-20000 --rows 20000``.

The portfolio is a copy of the database ``benchmarks/pages.py`` builds (100,000 customers,
1,000,000 invoices, the daily cycle run); the copy is migrated and kept in
``var/bench/exports/``, the source is never written. Each measurement runs in a process of
its own, which reports its wall time and its peak resident memory (``VmHWM``) as JSON:

- ``baseline_csv``: the same query's rows read as the export first did (``instalment_list``
  as model instances, chunked) and written with the ``csv`` module to /dev/null: the cost
  of that reading alone, with no export code, against which the export (tuples of one
  query) is compared;
- ``view_csv`` and ``view_xlsx``: the invoice list's export, every invoice, through Django's
  test client signed in as a collector, the streamed response read to /dev/null;
- ``customers_csv``, ``customers_xlsx`` and ``sent_csv``: the customer list's and the sent
  messages' exports the same way, every customer and every message;
- ``writer_csv`` and ``writer_xlsx``: the writers alone on ``--rows`` generated rows (no
  database), showing what the formats cost by themselves.

Target: 1,000,000 rows under 60 s, with a peak memory that does not grow with the rows (the
export's peak close to the baseline's). Figures go to ``<out>/exports.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from benchmarks.hostile_imports import peak_rss_mb
from relance.reports.exports import Row

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "wt-bench" / "var" / "bench" / "pages-100000-1000000"
COPY = ROOT / "var" / "bench" / "exports"
COLLECTOR = "collector@bench.example"
TARGET_SECONDS = 60.0
# Measurement -> (the list's URL under the organisation, the file's format).
VIEWS = {
    "view_csv": ("invoices", "csv"),
    "view_xlsx": ("invoices", "xlsx"),
    "customers_csv": ("customers", "csv"),
    "customers_xlsx": ("customers", "xlsx"),
    "sent_csv": ("sent", "csv"),
}
KINDS = ("baseline_csv", *VIEWS, "writer_csv", "writer_xlsx")


def _django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'relance.sqlite3'}"
    os.environ["RELANCE_VAR_DIR"] = str(folder / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "relance.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()


def generated(rows: int) -> Iterator[Row]:
    """Rows shaped like the invoice export's, made up."""
    day = date(2026, 6, 30)
    for n in range(rows):
        yield (f"F-{n:07d}", "1/1", f"Client {n % 100_000}", f"C{n % 100_000:06d}",
               day - timedelta(n % 400), day - timedelta(n % 365), "EUR",
               Decimal(n % 100_000) / 100, Decimal(n % 50_000) / 100, n % 120, "Échue")  # fmt: skip


def child(folder: Path, kind: str, rows: int) -> dict[str, object]:
    """One measurement in this process."""
    if kind.startswith("writer"):
        from relance.reports.exports import csv_chunks, xlsx_chunks

        headers = [f"col{n}" for n in range(11)]
        chunks = (csv_chunks if kind == "writer_csv" else xlsx_chunks)(
            headers, generated(rows), language="fr"
        )
        return _drain(chunks, rows)
    _django(folder)
    if kind == "baseline_csv":
        return _baseline()
    return _view(kind)


def _view(kind: str) -> dict[str, object]:
    """One list's export, every row, through the test client signed in as a collector."""
    from django.test import Client

    from relance.accounts.models import Organisation, User
    from relance.channels.models import OutboundMessage
    from relance.ledger.models import Customer, Instalment

    client = Client()
    client.force_login(User.objects.get(email=COLLECTOR))
    slug = Organisation.objects.values_list("slug", flat=True).get()
    listing, fmt = VIEWS[kind]
    started = time.perf_counter()
    response = client.get(f"/o/{slug}/{listing}/export.{fmt}")
    assert response.status_code == 200, response.status_code
    figures = _drain(response.streaming_content, None, started)  # type: ignore[attr-defined]
    counted = {"invoices": Instalment, "customers": Customer, "sent": OutboundMessage}[listing]
    figures["rows"] = counted.objects.count()  # type: ignore[attr-defined]
    return figures


def _drain(chunks: Iterator[bytes], rows: int | None, started: float | None = None
           ) -> dict[str, object]:  # fmt: skip
    started = started if started is not None else time.perf_counter()
    size = 0
    with Path(os.devnull).open("wb") as sink:
        for chunk in chunks:
            sink.write(chunk)
            size += len(chunk)
    return {"seconds": round(time.perf_counter() - started, 1), "bytes": size,
            "peak_rss_mb": peak_rss_mb(), "rows": rows}  # fmt: skip


def _baseline() -> dict[str, object]:
    """The invoice list's query, every row written by the csv module, nothing else."""
    import csv

    from relance.accounts.models import Organisation
    from relance.dunning.promises import promise_grace_days
    from relance.web.invoices.selectors import InvoiceFilters, instalment_list

    organisation = Organisation.objects.get()
    query = instalment_list(organisation, InvoiceFilters(), today=date.today(),
                            grace_days=promise_grace_days(organisation))  # fmt: skip
    started = time.perf_counter()
    count = 0
    with Path(os.devnull).open("w", newline="") as sink:
        writer = csv.writer(sink, delimiter=";")
        for item in query.iterator(chunk_size=2_000):
            writer.writerow((item.invoice.number, item.sequence, item.customer.name,
                             item.customer.external_ref, item.invoice.issue_date, item.due_date,
                             item.invoice.currency, item.amount))  # fmt: skip
            count += 1
    return {"seconds": round(time.perf_counter() - started, 1), "peak_rss_mb": peak_rss_mb(),
            "rows": count}  # fmt: skip


def prepare(source: Path) -> Path:
    """A migrated copy of the portfolio (made once)."""
    database = COPY / "relance.sqlite3"
    if not database.exists():
        if not (source / "relance.sqlite3").exists():
            raise SystemExit(f"no portfolio at {source}: run python -m benchmarks.pages first")
        COPY.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / "relance.sqlite3", database)
    subprocess.run([sys.executable, "-m", "benchmarks.exports", "--migrate"], check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    return COPY


def run_child(kind: str, rows: int) -> dict[str, object]:
    command = [sys.executable, "-m", "benchmarks.exports", "--child", kind, "--rows", str(rows)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{kind}: child failed\n{done.stderr[-3000:]}")
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--only", nargs="+", choices=KINDS, default=KINDS,
                        help="the measurements to run (all by default)")  # fmt: skip
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--migrate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.migrate:
        _django(COPY)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return
    if args.child:
        print(json.dumps(child(COPY, args.child, args.rows)))
        return
    prepare(args.source)
    results = {}
    for kind in args.only:
        results[kind] = run_child(kind, args.rows)
        print(kind, results[kind], flush=True)
    results["target_seconds"] = TARGET_SECONDS  # type: ignore[assignment]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "exports.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
