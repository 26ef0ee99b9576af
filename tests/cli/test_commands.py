"""The ``relance`` command, run as a user runs it: a separate process on a SQLite file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from benchmarks.synthetic import write_portfolio

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def relance(tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "RELANCE_VAR_DIR": str(tmp_path / "var"),
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "relance.cli", *args],
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"relance {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done

    run.environment = environment  # type: ignore[attr-defined]
    run.database = tmp_path / "cli.sqlite3"  # type: ignore[attr-defined]
    return run


def test_uninitialised_database_says_how_to_fix_it(relance):
    done = relance("org", "list", check=False)
    assert done.returncode == 2
    assert "n'est pas initialisée" in done.stderr
    assert "relance migrate" in done.stderr


def test_org_user_and_imports_from_the_command_line(relance):
    relance("migrate")
    assert (
        "créée" in relance("org", "create", "acme", "--name", "ACME SAS", "--country", "FR").stdout
    )
    bad = relance(
        "org",
        "create",
        "acme2",
        "--name",
        "X",
        "--country",
        "FR",
        "--siren",
        "123456789",
        check=False,
    )
    assert bad.returncode != 0 and "SIREN invalide" in bad.stderr
    created = relance("user", "create", "anne@acme.example", "--role", "admin")
    assert "Mot de passe" in created.stdout  # --org may be left out: only one organisation
    customers = relance("import", "customers", str(FIXTURES / "ref-customers.csv"), "--json")
    assert json.loads(customers.stdout) == {
        "created": 10,
        "updated": 0,
        "unchanged": 0,
        "rejected": [],
    }
    dry = relance("import", "invoices", str(FIXTURES / "ref-invoices.csv"), "--dry-run")
    assert "Simulation" in dry.stdout and "100 créée(s)" in dry.stdout
    invoices = relance("import", "invoices", str(FIXTURES / "ref-invoices.csv"), "--json")
    assert json.loads(invoices.stdout)["created"] == 100
    again = relance("import", "invoices", str(FIXTURES / "ref-invoices.csv"))
    assert "Rien de nouveau" in again.stdout


def test_rejected_import_exits_non_zero_with_line_numbers(relance, tmp_path):
    relance("migrate")
    relance("org", "create", "acme", "--name", "ACME SAS", "--country", "FR")
    bad = tmp_path / "clients.csv"
    bad.write_text("id,name,email\nK1,Alpha,alpha@example.fr\nK2,Beta,pas-une-adresse\n")
    done = relance("import", "customers", str(bad), "--json", check=False)
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["created"] == 0
    assert [(r["line"], r["column"]) for r in result["rejected"]] == [(3, "email")]
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    done = relance("import", "customers", str(empty), check=False)
    assert done.returncode == 1 and "rejeté" in done.stdout


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a running process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_an_interrupted_import_leaves_nothing_behind(relance, tmp_path):
    relance("migrate")
    relance("org", "create", "acme", "--name", "ACME SAS", "--country", "FR")
    customers, invoices = write_portfolio(
        tmp_path / "big", customers=2_000, invoices=300_000, as_of=date(2026, 6, 30)
    )
    relance("import", "customers", str(customers))
    process = subprocess.Popen(
        [sys.executable, "-m", "relance.cli", "import", "invoices", str(invoices)],
        env=relance.environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as in a terminal, even when these tests run as a background job (where the
        # shell starts them with SIGINT ignored, and Python would keep ignoring it).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # Interrupted well into its work, however loaded the machine: after 3 s of its own CPU
    # time (Django starts in about one), not after a wall-clock delay.
    while cpu_seconds(process.pid) < 3.0 and process.poll() is None:
        time.sleep(0.1)
    assert process.poll() is None, "the import finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "rien n'a été écrit" in stderr
    with sqlite3.connect(relance.database) as db:
        assert db.execute("SELECT COUNT(*) FROM ledger_invoice").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM ledger_payment").fetchone() == (0,)
        assert db.execute(
            "SELECT COUNT(*) FROM imports_importbatch WHERE kind = 'invoices'"
        ).fetchone() == (0,)
