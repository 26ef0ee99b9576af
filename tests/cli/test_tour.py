"""The README's tour, run as a new user runs it: separate processes on a SQLite file, the day's
e-mails delivered to the SMTP server named in EMAIL_URL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "portfolio-50"


@pytest.fixture
def relance(tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tour.sqlite3'}",
        "RELANCE_VAR_DIR": str(tmp_path / "var"),
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("EMAIL_URL", None)

    def run(*args: str, email_url: str = "") -> subprocess.CompletedProcess[str]:
        env = {**environment, **({"EMAIL_URL": email_url} if email_url else {})}
        done = subprocess.run([sys.executable, "-m", "relance.cli", *args], env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, f"relance {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done

    return run


def setup_portfolio(relance) -> None:
    relance("migrate")
    relance("org", "create", "acme", "--name", "ACME SAS", "--country", "FR")
    relance("user", "create", "anne@acme.example", "--org", "acme", "--role", "admin")
    relance("import", "customers", str(FIXTURES / "customers.csv"))
    relance("import", "invoices", str(FIXTURES / "invoices.csv"))


def queued(run_day_output: str) -> int:
    found = re.search(r"Dans l'outbox : (\d+) e-mail", run_day_output)
    assert found, run_day_output
    return int(found.group(1))


@pytest.mark.slow
def test_the_readme_tour_delivers_the_days_e_mails_to_email_url(relance, smtp_server):
    setup_portfolio(relance)
    day = relance("run-day", "--date", "2026-06-30").stdout
    expected = queued(day)
    assert expected > 0
    url = f"smtp://127.0.0.1:{smtp_server.port}"
    sent = relance("send-outbox", "--now", email_url=url)
    assert f"E-mails envoyés : {expected}," in sent.stdout
    assert "serveur SMTP 127.0.0.1" in sent.stderr
    assert len(smtp_server.messages) == expected
    # Sent is done: the same day again plans and sends nothing more.
    again = relance("run-day", "--date", "2026-06-30").stdout
    assert queued(again) == 0
    assert "E-mails envoyés : 0," in relance("send-outbox", "--now", email_url=url).stdout


@pytest.mark.slow
def test_without_email_url_the_e_mails_go_to_the_console_and_check_says_so(relance):
    setup_portfolio(relance)
    expected = queued(relance("run-day", "--date", "2026-06-30").stdout)
    check = relance("check")
    assert "EMAIL_URL n'est pas défini" in check.stderr + check.stdout
    sent = relance("send-outbox", "--now")
    assert "aucun ne part" in sent.stderr
    assert sent.stdout.count("Message-ID: <") == expected
    assert f"E-mails envoyés : {expected}," in sent.stdout
