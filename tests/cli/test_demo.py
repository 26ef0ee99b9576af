"""`relance demo` from an empty folder: data built through the real importer, a real server."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest


@pytest.fixture
def environment(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "RELANCE_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _login(output: str) -> tuple[str, str, str]:
    url = re.search(r"Adresse :\s+(\S+)", output)
    email = re.search(r"Identifiant :\s+(\S+)", output)
    password = re.search(r"Mot de passe :\s+(\S+)", output)
    assert url and email and password, output
    return url.group(1), email.group(1), password.group(1)


def test_demo_builds_once_and_renews_the_password(environment, tmp_path):
    command = [sys.executable, "-m", "relance.cli", "demo", "--no-serve"]
    first = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "créée" in first.stdout
    assert "Relances du" in first.stdout  # today's collection day was run
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        invoices = db.execute("SELECT COUNT(*) FROM ledger_invoice").fetchone()[0]
        customers = db.execute("SELECT COUNT(*) FROM ledger_customer").fetchone()[0]
        countries = {row[0] for row in db.execute("SELECT DISTINCT country FROM ledger_customer")}
    assert customers == 120 and invoices > 1000
    assert countries == {"FR", "BE"}
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        # weeks of history: messages went out, debtors reacted, and work waits for today
        sent = db.execute("SELECT COUNT(*) FROM channels_outboundmessage WHERE status='sent'")
        events = {row[0] for row in db.execute("SELECT kind FROM channels_deliveryevent")}
        todo = db.execute("SELECT COUNT(*) FROM dunning_reminder WHERE status='todo'")
        disputes = db.execute("SELECT COUNT(*) FROM dunning_dispute").fetchone()[0]
        assert sent.fetchone()[0] > 50 and todo.fetchone()[0] > 0
        assert events == {"bounced", "replied"} and disputes == 2
    second = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and "déjà présente" in second.stdout
    assert _login(second.stdout)[2] != _login(first.stdout)[2]
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM ledger_invoice").fetchone()[0] == invoices


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_demo_serves_the_app_and_the_printed_login_works(environment):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "relance.cli", "demo", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = ""
        assert server.stdout is not None
        deadline = time.monotonic() + 240
        while "Mot de passe" not in output and time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                break
            output += line
        url, email, password = _login(output)
        assert url == f"http://127.0.0.1:{port}/"
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = ""
        while time.monotonic() < deadline:
            try:
                page = opener.open(url + "login/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.3)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page
        form = urllib.parse.urlencode(
            {
                "username": email,
                "password": password,
                "csrfmiddlewaretoken": token.group(1),
                "next": "/",
            }
        ).encode()
        request = urllib.request.Request(url + "login/", data=form, headers={"Referer": url})
        home = opener.open(request, timeout=10).read().decode()
        assert "Atelier Dupont SAS" in home
        assert "Encours en EUR" in home
        css = opener.open(url + "static/relance/app.css", timeout=5)
        assert css.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
