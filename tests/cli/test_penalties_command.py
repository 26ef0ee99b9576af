"""``relance penalties``: through call_command and as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from relance.cli import NO_DATABASE_NEEDED


def run(*args: str) -> str:
    out = StringIO()
    call_command("penalties", *args, stdout=out)
    return out.getvalue()


# The command reads the rates added to this installation (``relance rates add``), so it
# needs the database when there is one; without one it falls back on the shipped tables
# (``test_process_needs_no_database``).
pytestmark = pytest.mark.django_db


def test_json_output_of_the_section_1_4_example():
    data = json.loads(
        run("--amount", "1000", "--due", "2026-01-31", "--until", "2026-03-02", "--json")
    )
    assert data["regime"] == "FR-B2B"
    assert (data["interest"], data["indemnity"], data["total"]) == ("9.99", "40.00", "49.99")
    assert data["periods"] == [
        {
            "start": "2026-02-01",
            "end": "2026-03-02",
            "days": 30,
            "annual_rate": "12.15",
            "base_amount": "1000.00",
            "interest": "9.99",
            "year_days": 365,
            "source": data["periods"][0]["source"],
            "verified": True,
        }
    ]
    assert "ecb_reference_rate.csv" in data["periods"][0]["source"]


def test_readable_french_explanation():
    text = run("--amount", "1 000,00", "--due", "31/01/2026", "--until", "30/06/2026")
    assert "Du 01/02/2026 au 30/06/2026 : 150 jours à 12,15 % sur 1 000,00 € = 49,93 €" in text
    assert "Indemnité forfaitaire : 40,00 €" in text
    assert "Total : 89,93 €" in text


def test_split_example_with_payments_and_options():
    data = json.loads(
        run(
            "--amount",
            "10000",
            "--due",
            "2025-06-15",
            "--until",
            "2025-08-31",
            "--payment",
            "2025-07-15:10000",
            "--json",
        )
    )
    assert [p["interest"] for p in data["periods"]] == ["54.04", "49.93"]
    assert data["interest"] == "103.97"


def test_consumer_regimes_from_the_command_line():
    fr = json.loads(
        run(
            "--regime",
            "fr-b2c",
            "--amount",
            "1000",
            "--due",
            "2026-01-31",
            "--until",
            "2026-03-02",
            "--formal-notice",
            "2026-02-10",
            "--json",
        )
    )
    assert (fr["interest"], fr["indemnity"]) == ("1.44", "0.00")
    be = json.loads(
        run(
            "--regime",
            "BE-B2C",
            "--amount",
            "1000",
            "--due",
            "2026-01-31",
            "--until",
            "2026-03-31",
            "--contract-allows",
            "--first-reminder",
            "2026-04-03",
            "--first-reminder-kind",
            "paper",
            "--json",
        )
    )
    assert be["total"] == "0.00"  # nothing before the 14-day period has run


def test_contract_rate_below_the_floor():
    text = run(
        "--amount", "1000", "--due", "2026-01-31", "--until", "2026-03-02", "--contract-rate", "5"
    )
    assert "7,86 %" in text and "plancher légal" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--amount", "-10", "--due", "2026-01-31", "--until", "2026-03-02"], "négatif"),
        (["--amount", "abc", "--due", "2026-01-31", "--until", "2026-03-02"], "nombre invalide"),
        (["--amount", "10", "--due", "2026-02-31", "--until", "2026-03-02"], "date invalide"),
        (["--amount", "10", "--due", "2026-01-31", "--until", "2026-01-30"], "antérieure"),
        (
            ["--amount", "10", "--due", "2026-01-31", "--until", "2026-03-02", "--regime", "XX"],
            "régime inconnu",
        ),
        (["--amount", "10", "--due", "2026-01-31"], "--until est obligatoire"),
        (
            ["--amount", "10", "--due", "2026-01-31", "--until", "2026-03-02", "--payment", "x"],
            "DATE:MONTANT",
        ),
        (
            ["--amount", "10", "--due", "2026-11-30", "--until", "2027-02-01"],
            "aucun taux en vigueur le 2027-01-01",
        ),
    ],
)
def test_bad_input_is_a_french_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


# --- as a user runs it --------------------------------------------------------------------------


@pytest.fixture
def relance(tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "RELANCE_VAR_DIR": str(tmp_path / "var"),
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "relance.cli", *args],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return call


@pytest.fixture
def relance_ready(relance):
    """Until ``relance.cli`` lists "penalties" as needing no database, migrate first."""
    if "penalties" not in NO_DATABASE_NEEDED:
        assert relance("migrate").returncode == 0
    return relance


def test_process_json(relance_ready):
    done = relance_ready(
        "penalties", "--amount", "1000", "--due", "2026-01-31", "--until", "2026-03-02", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == "49.99"


def test_process_bad_input_exits_non_zero_with_a_french_message(relance_ready):
    done = relance_ready(
        "penalties", "--amount", "-1", "--due", "2026-01-31", "--until", "2026-03-02"
    )
    assert done.returncode != 0
    assert "le montant ne peut pas être négatif" in done.stderr


def test_process_needs_no_database(relance):
    done = relance("penalties", "--amount", "1000", "--due", "2026-01-31", "--until", "2026-03-02")
    assert done.returncode == 0, done.stderr
    assert "Total : 49,99 €" in done.stdout
    assert "Taux livrés seulement" in done.stderr
