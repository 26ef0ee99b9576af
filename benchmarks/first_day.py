"""First-day benchmark: the whole morning cycle, then every e-mail sent, on the reference portfolio.

    python -m benchmarks.first_day [--customers 10000] [--per-customer 10] [--out DIR]

The portfolio of the reference generator (``benchmarks/gen_portfolio.py``, as of 2026-06-30,
seed 42) is imported with the real importer into a fresh SQLite database in a temporary
directory, for an organisation with a DKIM key for its sending domain. Then, each in its own
process so that its time and peak memory are its own, the two commands a first morning runs:

1. ``relance run-day --date 2026-06-30``: balances, segments, monthly figures, the day planned
   and recorded, the to-do withdrawal, the e-mails and SMS written into the outbox;
2. ``relance send-outbox --now``: every e-mail, in one call, DKIM-signed, to an aiosmtpd server
   running in another process, over one SMTP connection.

Each command is run through ``call_command``, as ``relance`` runs it; its time is the
command's alone (not Django's start). The baseline, measured in the same run, is ``smtplib``
alone sending the exact bytes of the stored messages (built and signed beforehand) over one
connection to the same server. Target: run-day and send-outbox together under 15 s for 10,000
customers (about 4,000 e-mails). Figures go to ``<out>/first_day.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2026, 6, 30)
TARGET_SECONDS = 15.0

SERVER = r"""
import sys
from aiosmtpd.controller import Controller

class Count:
    received = 0
    octets = 0
    async def handle_DATA(self, server, session, envelope):
        Count.received += 1
        Count.octets += len(envelope.content)
        return "250 OK"

controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
for _ in sys.stdin:  # each line asks how many messages arrived so far
    print(Count.received, Count.octets, flush=True)
controller.stop()
"""

STEP = r"""
import json, os, resource, sys, time
from pathlib import Path
import django
django.setup()
from django.core.management import call_command

phase = sys.argv[1]
if phase == "import":
    from relance.accounts.audit import Actor
    from relance.accounts.services import organisation_create, user_create
    from relance.channels.email.domains import sending_domain_setup
    from relance.imports.services import import_file

    call_command("migrate", verbosity=0)
    actor = Actor.system("benchmark")
    org = organisation_create(slug="bench", legal_name="Bench SAS", country="FR",
                              iban="FR7630006000011234567890189",
                              sender_email="relances@bench.example", actor=actor)
    user_create(email="collector@bench.example", organisation=org, role="collector",
                actor=actor)
    sending_domain_setup(organisation=org, domain="bench.example", actor=actor)
    for kind, path in (("customers", sys.argv[2]), ("invoices", sys.argv[3])):
        report = import_file(organisation=org, kind=kind, data=Path(path).read_bytes(),
                             filename=kind, actor=actor)
        assert report.ok, report.rejected[:3]
    print(json.dumps({}))
elif phase in ("run_day", "send_outbox"):
    from io import StringIO
    from relance.channels.models import OutboundMessage

    options = {"date": sys.argv[2], "org": "bench"} if phase == "run_day" else {"now": True}
    out, err = StringIO(), StringIO()
    profile = os.environ.get("BENCH_PROFILE") == phase
    if profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    call_command(phase, stdout=out, stderr=err, **options)
    seconds = time.perf_counter() - started
    if profile:
        profiler.disable()
        profiler.dump_stats(os.environ.get("BENCH_PROFILE_OUT", phase + ".prof"))
    emails = OutboundMessage.objects.filter(channel="email")
    print(json.dumps({
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "emails_in_outbox": emails.count(),
        "sms_in_outbox": OutboundMessage.objects.filter(channel="sms").count(),
        "emails_sent": emails.filter(status="sent").count(),
        "output": out.getvalue().strip(),
    }))
else:  # baseline: the exact bytes that left, sent again by smtplib alone
    import smtplib
    from email.utils import parseaddr
    from relance.channels.email.domains import DkimSigner
    from relance.channels.email.smtp import message_bytes
    from relance.channels.models import OutboundMessage

    signer = DkimSigner()
    envelopes = [
        (parseaddr(m.sender)[1], [*m.recipients, *m.copy_to],
         signer(m.organisation_id, m.sender, message_bytes(m)))
        for m in OutboundMessage.objects.filter(channel="email", status="sent").order_by("id")
    ]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", int(sys.argv[2])) as connection:
        for sender, recipients, data in envelopes:
            connection.sendmail(sender, recipients, data)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": round(seconds, 2), "messages": len(envelopes),
                      "octets": sum(len(data) for *_, data in envelopes)}))
"""


def run_step(environment: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", STEP, *args], env=environment,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    from benchmarks.plan_day import portfolio
    from benchmarks.send_outbox import free_port

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--per-customer", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert server.stdout is not None and server.stdin is not None
    server.stdout.readline()

    def received() -> tuple[int, int]:
        assert server.stdout is not None and server.stdin is not None
        server.stdin.write("?\n")
        server.stdin.flush()
        count, octets = server.stdout.readline().split()
        return int(count), int(octets)

    with tempfile.TemporaryDirectory(prefix="relance-first-day-") as tmp:
        folder = Path(tmp)
        environment = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder / 'relance.sqlite3'}",
            "RELANCE_VAR_DIR": str(folder / "var"),
            "DJANGO_SETTINGS_MODULE": "relance.settings",
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        }
        customers_path, invoices_path, source = portfolio(folder, args.customers,
                                                          args.per_customer)  # fmt: skip
        run_step(environment, "import", str(customers_path), str(invoices_path))
        run = run_step(environment, "run_day", AS_OF.isoformat())
        send = run_step(environment, "send_outbox")
        by_server, octets = received()
        base = run_step(environment, "baseline", str(port))
    server.stdin.close()
    server.wait(timeout=60)
    both = run["seconds"] + send["seconds"]
    result = {
        "benchmark": "first_day",
        "portfolio": source,
        "customers": args.customers,
        "invoices": args.customers * args.per_customer,
        "as_of": AS_OF.isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        "run_day_seconds": run["seconds"],
        "run_day_peak_rss_mb": run["peak_rss_mb"],
        "emails_written": run["emails_in_outbox"],
        "sms_written": run["sms_in_outbox"],
        "send_outbox_seconds": send["seconds"],
        "send_outbox_peak_rss_mb": send["peak_rss_mb"],
        "emails_sent": send["emails_sent"],
        "received_by_server": by_server,
        "octets_received": octets,
        "send_per_second": round(send["emails_sent"] / send["seconds"], 1),
        "run_day_and_send_seconds": round(both, 2),
        "emails_per_second_overall": round(send["emails_sent"] / both, 1),
        "baseline_smtplib_seconds": base["seconds"],
        "baseline_smtplib_messages": base["messages"],
        "baseline_smtplib_per_second": round(base["messages"] / base["seconds"], 1),
        "target_seconds": TARGET_SECONDS,
        "within_target": both < TARGET_SECONDS
        and send["emails_sent"] == run["emails_in_outbox"] == by_server,
        "run_day_output": run["output"],
        "send_outbox_output": send["output"],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "first_day.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
