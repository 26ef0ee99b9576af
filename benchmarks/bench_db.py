"""The benchmark databases kept under ``var/bench/``, shared by the benchmarks that need a
large portfolio already imported (``benchmarks.pages``, ``benchmarks.search``).

Each benchmark has its own SQLite database per size, in ``var/bench/<name>-<customers>-
<invoices>/``: a quick run on a small portfolio never touches the full-size one, and one
benchmark's additions (the pages' daily cycle, disputes, promises) never change another's
figures. The database is built once, in a process of its own (the import's memory is its
own), with the real importer; later runs reuse it and only migrate it. ``--rebuild`` starts
afresh. What was built and how long it took is kept in the folder's ``state.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 6, 30)
COLLECTOR = "collector@bench.example"
ADMIN = "admin@bench.example"
PASSWORD = "bench-password-not-secret"
ORGANISATION = "bench"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every cached-database benchmark takes."""
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached database")
    parser.add_argument("--phase", choices=("all", "build"), default="all",
                        help=argparse.SUPPRESS)  # fmt: skip


def folder_for(name: str, customers: int, invoices: int) -> Path:
    """The benchmark's own folder for this size."""
    return ROOT / "var" / "bench" / f"{name}-{customers}-{invoices}"


def environment(folder: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'relance.sqlite3'}",
        "RELANCE_VAR_DIR": str(folder / "var"),
        "DJANGO_SETTINGS_MODULE": "relance.settings",
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "0",
    }


def prepare(module: str, folder: Path, customers: int, invoices: int, *, rebuild: bool) -> float:
    """Build or update the database in a child process (``python -m <module> --phase build``);
    the seconds it took. The caller has put ``environment(folder)`` in ``os.environ``."""
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"Database {folder} ({customers} customers, {invoices} invoices)…")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", module, "--phase", "build",
                    "--customers", str(customers), "--invoices", str(invoices)],
                   check=True, cwd=ROOT)  # fmt: skip
    return round(time.perf_counter() - started, 1)


def read_state(folder: Path) -> dict[str, Any]:
    path = folder / "state.json"
    state: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    return state


def write_state(folder: Path, state: dict[str, Any]) -> None:
    (folder / "state.json").write_text(json.dumps(state))


def portfolio(folder: Path, customers: int, invoices: int) -> tuple[Path, Path, str]:
    """The customers' and invoices' CSV files written into ``folder``, and their source: the
    reference generator when the sizes allow it, else ``benchmarks/synthetic.py``."""
    from benchmarks.plan_day import GENERATOR

    if GENERATOR.exists() and invoices % customers == 0:
        subprocess.run(
            [sys.executable, str(GENERATOR), "--customers", str(customers),
             "--invoices-per-customer", str(invoices // customers),
             "--as-of", AS_OF.isoformat(), "--seed", "42", "--out", str(folder)],
            check=True, capture_output=True,
        )  # fmt: skip
        return folder / "customers.csv", folder / "invoices.csv", "gen_portfolio.py"
    from benchmarks.synthetic import write_portfolio

    paths = write_portfolio(folder, customers=customers, invoices=invoices, as_of=AS_OF)
    return *paths, "benchmarks/synthetic.py"


def import_portfolio(
    customers: int, invoices: int, *, users: Sequence[tuple[str, str]], actor: Any
) -> dict[str, Any]:
    """The benchmark's organisation, its users (e-mail, role; all with ``PASSWORD``) and the
    portfolio imported with the real importer. Returns the source and the seconds per import.
    Django is set up and the database migrated by the caller."""
    from relance.accounts.services import organisation_create, user_create
    from relance.imports.services import import_file

    organisation = organisation_create(slug=ORGANISATION, legal_name="Bench SAS", country="FR",
                                       actor=actor)  # fmt: skip
    for email, role in users:
        user_create(email=email, organisation=organisation, role=role, password=PASSWORD,
                    actor=actor)  # fmt: skip
    seconds = {}
    with tempfile.TemporaryDirectory(prefix="relance-bench-") as tmp:
        customers_path, invoices_path, source = portfolio(Path(tmp), customers, invoices)
        for kind, path in (("customers", customers_path), ("invoices", invoices_path)):
            started = time.perf_counter()
            report = import_file(organisation=organisation, kind=kind, data=path.read_bytes(),
                                 filename=path.name, actor=actor)  # fmt: skip
            if not report.ok:
                raise SystemExit(f"{kind} import rejected: {report.rejected[:3]}")
            seconds[kind] = round(time.perf_counter() - started, 1)
    return {"portfolio": source, "import_seconds": seconds}
