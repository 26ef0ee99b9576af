"""Hostile imports benchmark: each hostile file refused fast and small, a legitimate one kept.

    python -m benchmarks.hostile_imports [--legit-mb 20] [--out benchmarks/results]

Each input goes through ``import_file`` (what the command line and the back-office run) in a
child process of its own, which reports its time and its peak memory (``VmHWM``, else
``ru_maxrss``). The baseline, measured in the same run, is a child importing a one-customer
file: the memory of Python, Django and the importer themselves. Targets: each hostile file
refused in under 5 s and under 300 MB; the legitimate invoices CSV (``--legit-mb``, 200 for
the figure of the docs) imported. A file whose 200,000 rows are all wrong is measured apart:
its time grows with its rows like any import's; what is checked is that its report lists
100 problems and counts the rest. Figures go to ``<out>/hostile_imports.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from benchmarks.hostile_files import (
    csv_columns,
    csv_undefined_cp1252,
    xlsx_huge_shared_string,
    xlsx_huge_sheet,
)
from benchmarks.synthetic import write_portfolio

MB = 1024 * 1024
TARGET_SECONDS = 5.0
TARGET_MB = 300
INVOICE_BYTES = 87  # about one line of benchmarks.synthetic's invoices file


def _long_cell(path: Path) -> None:
    """A customers CSV whose one name is 100 MiB long (a 100 MiB file)."""
    with path.open("wb") as out:
        out.write(b"id;name\nC1;")
        for _ in range(100):
            out.write(b"N" * MB)
        out.write(b"\n")


def _undefined_byte_at_the_end(path: Path) -> None:
    """40 MiB of Windows-1252 customers, then one line holding a byte it does not define."""
    with path.open("wb") as out:
        out.write(b"id;name\n")
        line, written = 0, 0
        while written < 40 * MB:
            line += 1
            row = f"C{line};Crème et Pâtisserie {line}\n".encode("cp1252")
            out.write(row)
            written += len(row)
        out.write(b"X1;M\x81ller\n")


def _every_row_wrong(path: Path) -> None:
    """200,000 invoices without an amount: 200,000 errors, a report of the first 100."""
    with path.open("w") as out:
        out.write("number;customer_id;issue_date;due_date;amount_incl_tax\n")
        out.writelines(f"F{n};C1;2026-01-02;2026-02-01;\n" for n in range(200_000))


# name -> (import kind, file name, writer)
HOSTILE: dict[str, tuple[str, str, Callable[[Path], object]]] = {
    "xlsx_shared_string_400mib": (
        "customers",
        "clients.xlsx",
        lambda path: path.write_bytes(xlsx_huge_shared_string(400 * MB)),
    ),
    "xlsx_sheet_2gib": (
        "invoices",
        "factures.xlsx",
        lambda path: path.write_bytes(xlsx_huge_sheet(2048 * MB)),
    ),
    "csv_1m_columns": ("customers", "clients.csv", lambda p: p.write_bytes(csv_columns(10**6))),
    "csv_cell_100mib": ("customers", "clients.csv", _long_cell),
    "csv_undefined_cp1252_byte": ("customers", "clients.csv", _undefined_byte_at_the_end),
    "csv_cp850_without_encoding": (
        "customers",
        "clients.csv",
        lambda path: path.write_bytes(csv_undefined_cp1252()),
    ),
}


# --- child ------------------------------------------------------------------------------


def peak_rss_mb() -> int:
    """This process's peak memory. Linux keeps ``ru_maxrss`` across exec, so a child would
    report its parent's size at the fork when larger; the peak of the process's own memory
    (``VmHWM``) is read instead where there is one."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    return round(int(kilobytes) / 1024)


def _django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'relance.sqlite3'}"
    os.environ["RELANCE_VAR_DIR"] = str(folder / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "relance.settings"
    import django

    django.setup()


def child(folder: Path, kind: str, path: Path, *, setup: bool) -> None:
    """Import ``path``; print its time, peak memory and outcome as JSON."""
    _django(folder)
    from django.core.management import call_command

    from relance.accounts.audit import Actor
    from relance.accounts.models import Organisation
    from relance.accounts.services import organisation_create
    from relance.imports.services import import_file

    actor = Actor.system("benchmark")
    if setup:
        call_command("migrate", verbosity=0)
        organisation_create(slug="bench", legal_name="Bench", country="FR", actor=actor)
    organisation = Organisation.objects.get(slug="bench")
    started = time.perf_counter()
    report = import_file(
        organisation=organisation,
        kind=kind,
        data=path.read_bytes(),
        filename=path.name,
        actor=actor,
    )
    seconds = time.perf_counter() - started
    first = report.rejected[0].reason if report.rejected else ""
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "peak_rss_mb": peak_rss_mb(),
                "status": report.status,
                "rows": report.rows,
                "created": report.created,
                "errors": report.error_count,
                "errors_listed": len(report.rejected),
                "first_error": first[:160],
            }
        )
    )


# --- parent -----------------------------------------------------------------------------


def run_child(folder: Path, kind: str, path: Path, *, setup: bool = False) -> dict[str, object]:
    command = [sys.executable, "-m", "benchmarks.hostile_imports", "--child", kind, str(path)]
    command += ["--folder", str(folder)] + (["--setup"] if setup else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{path.name}: child failed\n{done.stderr[-3000:]}")
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--legit-mb", type=int, default=20, help="size of the legitimate CSV")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.folder, args.child[0], Path(args.child[1]), setup=args.setup)
        return
    with tempfile.TemporaryDirectory(prefix="relance-hostile-") as tmp:
        result = measure(Path(tmp), args.legit_mb)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "hostile_imports.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not result["within_target"]:
        sys.exit(1)


def measure(folder: Path, legit_mb: int) -> dict[str, object]:
    first, one = folder / "first.csv", folder / "one.csv"
    first.write_text("id;name\nB0;Base\n")
    run_child(folder, "customers", first, setup=True)  # the database, created once
    one.write_text("id;name\nB1;Baseline\n")
    baseline = run_child(folder, "customers", one)
    print(f"  baseline: {baseline}")
    cases: dict[str, dict[str, object]] = {}
    for name, (kind, filename, write) in HOSTILE.items():
        path = folder / name / filename
        path.parent.mkdir()
        write(path)
        figures = run_child(folder, kind, path)
        figures["file_mb"] = round(path.stat().st_size / MB, 1)
        figures["refused"] = figures["status"] == "rejected" and bool(figures["errors"])
        figures["within_target"] = (
            bool(figures["refused"])
            and float(str(figures["seconds"])) < TARGET_SECONDS
            and int(str(figures["peak_rss_mb"])) < TARGET_MB
        )
        path.unlink()
        cases[name] = figures
        print(f"  {name}: {figures}")
    bad = folder / "bad" / "factures.csv"
    bad.parent.mkdir()
    _every_row_wrong(bad)
    report = run_child(folder, "invoices", bad)
    report["within_target"] = report["errors"] == 200_000 and report["errors_listed"] == 100
    print(f"  csv_200k_bad_rows: {report}")
    legit = _legit(folder, legit_mb)
    print(f"  legitimate CSV: {legit}")
    return {
        "benchmark": "hostile_imports",
        "baseline": baseline,
        "hostile": cases,
        "capped_report": report,
        "legitimate_csv": legit,
        "target_seconds": TARGET_SECONDS,
        "target_peak_rss_mb": TARGET_MB,
        "within_target": all(case["within_target"] for case in cases.values())
        and bool(report["within_target"])
        and legit["status"] == "committed",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }


def _legit(folder: Path, megabytes: int) -> dict[str, object]:
    invoices = megabytes * MB // INVOICE_BYTES
    customers_path, invoices_path = write_portfolio(
        folder / "legit",
        customers=max(1, invoices // 10),
        invoices=invoices,
        as_of=date(2026, 6, 30),
    )
    run_child(folder, "customers", customers_path)
    figures = run_child(folder, "invoices", invoices_path)
    figures["file_mb"] = round(invoices_path.stat().st_size / MB, 1)
    return figures


if __name__ == "__main__":
    main()
