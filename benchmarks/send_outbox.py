"""Rendering and sending benchmark: 10,000 reminders to a local SMTP server.

    python -m benchmarks.send_outbox [--reminders 10000]

A fresh SQLite database gets N customers with one overdue invoice each; the day is run, the
e-mails are rendered into the outbox (templates, content check, CSS inlining), then sent to an
aiosmtpd server running in another process, over one SMTP connection, DKIM-signed. The baseline
measured in the same run is smtplib alone sending the same number of small messages over one
connection to the same server. Target: at least 200 messages a second. Figures go to
``<out>/send_outbox.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

TARGET_PER_SECOND = 200.0
DAY = date(2026, 3, 9)

SERVER = r"""
import asyncio, sys
from aiosmtpd.controller import Controller

class Count:
    received = 0
    async def handle_DATA(self, server, session, envelope):
        Count.received += 1
        return "250 OK"

controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
print(Count.received, flush=True)
controller.stop()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def baseline(port: int, count: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for n in range(count):
            connection.sendmail("a@bench.example", [f"c{n}@bench.example"],
                                b"Subject: x\r\n\r\nhello\r\n")  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="relance-send-"))
    port = free_port()
    os.environ.update({
        "DATABASE_URL": f"sqlite:///{folder / 'relance.sqlite3'}",
        "RELANCE_VAR_DIR": str(folder / "var"),
        "DJANGO_SETTINGS_MODULE": "relance.settings",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
    })  # fmt: skip
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert server.stdout is not None and server.stdin is not None
    server.stdout.readline()
    import django

    django.setup()
    from django.core.management import call_command

    from relance.accounts.audit import Actor
    from relance.accounts.services import organisation_create, user_create
    from relance.channels.compose import outbox_fill
    from relance.channels.email.domains import sending_domain_setup
    from relance.channels.outbox import send_due
    from relance.dunning.run import run_day
    from relance.imports.services import import_file

    call_command("migrate", verbosity=0)
    actor = Actor.system("benchmark")
    organisation = organisation_create(
        slug="bench",
        legal_name="Bench SAS",
        country="FR",
        iban="FR7630006000011234567890189",
        sender_email="relances@bench.example",
        actor=actor,
    )
    user_create(email="collector@bench.example", organisation=organisation, role="collector",
                actor=actor)  # fmt: skip
    sending_domain_setup(organisation=organisation, domain="bench.example", actor=actor)
    n = args.reminders
    customers = "id,name,email\n" + "".join(
        f"C{i:06d},Client {i} SARL,compta{i}@client{i}.example\n" for i in range(n)
    )
    invoices = "number,customer_id,issue_date,due_date,amount_incl_tax\n" + "".join(
        f"F-{i:06d},C{i:06d},2026-02-01,2026-03-02,{Decimal(100 + i % 900):.2f}\n" for i in range(n)
    )
    for kind, data in (("customers", customers), ("invoices", invoices)):
        assert import_file(organisation=organisation, kind=kind, data=data.encode(),
                           filename=kind, actor=actor).ok  # fmt: skip
    run_day(organisation=organisation, day=DAY, actor=actor)
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE") == "render":
        import cProfile
        import pstats

        profile = cProfile.Profile()
        counts = profile.runcall(outbox_fill, organisation=organisation, day=DAY, actor=actor)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    else:
        counts = outbox_fill(organisation=organisation, day=DAY, actor=actor)
    render_seconds = time.perf_counter() - started
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE") == "send":
        import cProfile
        import pstats

        profile = cProfile.Profile()
        summary = profile.runcall(send_due, worker="bench", limit=n)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    else:
        summary = send_due(worker="bench", limit=n)
    send_seconds = time.perf_counter() - started
    base_seconds = baseline(port, n)
    server.stdin.close()
    received = int(server.stdout.read().split()[-1])
    server.wait(timeout=60)
    result = {
        "benchmark": "send_outbox",
        "reminders": n,
        "queued": counts["queued"],
        "sent": summary.sent,
        "received_by_server": received,
        "render_seconds": round(render_seconds, 2),
        "render_per_second": round(counts["queued"] / render_seconds, 1),
        "send_seconds": round(send_seconds, 2),
        "send_per_second": round(summary.sent / send_seconds, 1),
        "render_and_send_per_second": round(summary.sent / (render_seconds + send_seconds), 1),
        "baseline_smtplib_per_second": round(n / base_seconds, 1),
        "target_per_second": TARGET_PER_SECOND,
        "dkim_signed": True,
        "smtp_connections": 1,
    }
    result["within_target"] = result["send_per_second"] >= TARGET_PER_SECOND
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "send_outbox.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
