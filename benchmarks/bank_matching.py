"""Bank matching benchmark: a camt.053 statement of 100,000 movements imported against
1,000,000 open invoices, on a real SQLite database.

    python -m benchmarks.bank_matching [--customers 100000] [--per-customer 10]
                                       [--entries 100000] [--out benchmarks/results]

The ledger is written straight into a fresh SQLite file in bulk (not timed against the
target): customers (a third with a declared IBAN), their invoices, all open, one in ten
printed with its own payment reference (RF or free text). The statement mixes what banks
send: customer references (RF), invoices' own references, invoice numbers in the text,
known IBAN and amount, customer name and amount, movements nothing matches, debits, and
reversals of credits earlier in the file. Then, each in its own process so that its time
and peak memory (max RSS) are its own:

1. baseline: reading the statement alone (``read_statements``);
2. ``bank_statement_import`` as a dry run: reading, the index of open invoices loaded from
   the database, every movement matched; nothing written. This is the target: 60 s, 1 GB;
3. the same import for real: movements, payments and allocations written, reversals
   applied, balances refreshed.

Figures go to ``<out>/bank_matching.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TARGET_SECONDS, TARGET_MB = 60.0, 1024

STEP = r"""
import cProfile, json, os, pstats, resource, sys, time
import django
django.setup()
from relance.accounts.audit import Actor
from relance.accounts.models import Organisation

phase, statement = sys.argv[1], sys.argv[2]
data = open(statement, "rb").read()
started = time.perf_counter()
profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
if profile:
    profile.enable()
figures = {}
if phase == "baseline":
    from relance.imports.parsers.bank import read_statements
    figures["entries"] = read_statements(data).entry_count
else:
    from relance.imports.bank import bank_statement_import
    report = bank_statement_import(
        organisation=Organisation.objects.get(slug="bench"), data=data, filename="bench.xml",
        actor=Actor.system("benchmark"), dry_run=phase == "dry_run",
    )
    assert not report.rejected, report.rejected
    figures |= {
        "entries": report.entries,
        "matched": len({line["entry"] for line in report.matched}),
        "suggested": len({line["entry"] for line in report.suggested}),
        "unmatched": len({line["entry"] for line in report.unmatched}),
        "reversals": len(report.reversals),
        "payments": report.payments,
        "payments_reversed": report.reversed,
        "by_reason": {},
    }
    for line in (*report.matched, *report.suggested, *report.unmatched, *report.reversals):
        figures["by_reason"][line["reason"]] = figures["by_reason"].get(line["reason"], 0) + 1
if profile:
    profile.disable()
    pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
figures |= {
    "seconds": round(time.perf_counter() - started, 2),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
}
print(json.dumps(figures))
"""

LOAD = r"""
import json, sys, time
import django
django.setup()
from django.core.management import call_command
from django.db import transaction
from benchmarks.bank_matching import load_ledger, write_statement
call_command("migrate", verbosity=0)
started = time.perf_counter()
with transaction.atomic():
    ledger = load_ledger(int(sys.argv[2]), int(sys.argv[3]))
loaded = time.perf_counter() - started
write_statement(sys.argv[1], ledger, int(sys.argv[4]))
print(json.dumps({"load_seconds": round(loaded, 1)}))
"""


def load_ledger(customers: int, per_customer: int) -> dict[str, Any]:
    """The organisation, its customers and open invoices, written in bulk; what the
    statement needs to know of them, as compact tuples."""
    import random
    from datetime import date, timedelta
    from decimal import Decimal

    from relance.accounts.audit import Actor
    from relance.accounts.services import organisation_create
    from relance.core.payment_reference import creditor_reference
    from relance.imports.invoice_inserts import INSTALMENT_FIELDS, INVOICE_FIELDS
    from relance.ledger.models import Customer, Instalment, Invoice
    from relance.lib import bulk

    rng = random.Random(20260630)
    org = organisation_create(slug="bench", legal_name="Bench", country="FR",
                              actor=Actor.system("benchmark"))  # fmt: skip
    rows = [
        Customer(organisation=org, external_ref=f"C{n:07d}", name=f"Client {n} SAS",
                 iban=_iban(n) if n % 3 == 0 else "")
        for n in range(customers)
    ]  # fmt: skip
    bulk.insert_objects(Customer, rows)
    customer_ids = [row.pk for row in rows]
    count = customers * per_customer
    invoice_ids = bulk.reserve_ids(Invoice, count)
    instalment_ids = bulk.reserve_ids(Instalment, count)
    now = bulk.now_for_db()
    new_uuid = bulk.uuid_factory()
    start = date(2025, 7, 1)
    invoices: list[tuple[int, int, str, Decimal, str]] = []
    for n in range(count):
        amount = Decimal(rng.randint(5_000, 900_000)) / 100
        own = ""
        if n % 10 == 3:
            own = creditor_reference(f"INV{n}")
        elif n % 10 == 7:
            own = f"CMD {n:08d}/B"
        invoices.append((n // per_customer, n, f"F-{n:08d}", amount, own))
    bulk.insert_rows(Invoice, INVOICE_FIELDS, (
        (invoice_ids[n], new_uuid(), org.pk, customer_ids[c], number,
         start + timedelta(days=n % 300), "EUR", amount, "", own, "", None, now, now)
        for c, n, number, amount, own in invoices
    ))  # fmt: skip
    bulk.insert_rows(Instalment, INSTALMENT_FIELDS, (
        (instalment_ids[n], org.pk, invoice_ids[n], customer_ids[c], 1,
         start + timedelta(days=n % 300 + 30), amount)
        for c, n, _, amount, _ in invoices
    ))  # fmt: skip
    return {"customers": customers, "invoices": invoices}


def _iban(n: int) -> str:
    """A payer's account (matching compares IBANs as written; it does not check them)."""
    return f"FR7630006{n:018d}"


def write_statement(path: str, ledger: dict[str, Any], entries: int) -> None:
    """A camt.053 statement: each movement drawn from the mix, against distinct invoices."""
    import random

    from relance.core.payment_reference import creditor_reference

    rng = random.Random(7)
    invoices = ledger["invoices"]
    picks = rng.sample(range(len(invoices)), min(entries, len(invoices)))
    credits: list[tuple[str, Any]] = []  # (end-to-end id, amount) of the credits
    with Path(path).open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:'
            'tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId></GrpHdr>'
            "<Stmt><Id>BENCH-1</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id>"
            "<Ccy>EUR</Ccy></Acct>\n"
        )
        for m in range(entries):
            kind = m % 100
            pick = picks[m % len(picks)]
            if 20 <= kind < 30:  # one printed with its own reference
                pick = min(pick - pick % 10 + (3 if kind % 2 else 7), len(invoices) - 1)
            customer, _, number, amount, own = invoices[pick]
            ref, text, name, iban, side, reversal = "", "", "", "", "CRDT", False
            if kind < 20:  # the customer's reference, printed on its reminders
                ref = creditor_reference(f"C{customer:07d}")
            elif kind < 30:  # the invoice's own reference, structured or in the text
                ref, text = (own, "") if own.startswith("RF") else ("", f"REGLEMENT {own}")
            elif kind < 60:  # an invoice number in the text
                text, name = f"VIR SEPA FACTURE {number} MERCI", f"CLIENT {customer}"
            elif kind < 75:  # a known IBAN and the amount
                iban, text = _iban(customer), "VIREMENT"  # declared for a third of them
            elif kind < 85:  # the customer's name and the amount
                name, text = f"Client {customer} SAS", "PAIEMENT"
            elif kind < 93:  # nothing to find
                name, text = f"INCONNU {m}", f"DON {m}"
            elif kind < 98:  # money going out
                side, text = "DBIT", f"PRLV FOURNISSEUR {m}"
            elif credits:  # a credit of this file taken back
                end, amount = credits.pop(rng.randrange(len(credits)))
                side, reversal, text = "DBIT", True, "RETOUR"
                out.write(_entry(m, amount, side, reversal, ref, text, name, iban, end))
                continue
            end = f"E2E-{m}"
            if side == "CRDT":
                credits.append((end, amount))
            out.write(_entry(m, amount, side, reversal, ref, text, name, iban, end))
        out.write("</Stmt></BkToCstmrStmt></Document>\n")


def _entry(m: int, amount: Any, side: str, reversal: bool, ref: str, text: str, name: str,
           iban: str, end: str) -> str:  # fmt: skip
    strd = (f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{ref}</Ref>"
            "</CdtrRefInf></Strd>") if ref else ""  # fmt: skip
    account = f"<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>" if iban else ""
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd>'
        f"<RvslInd>{'true' if reversal else 'false'}</RvslInd><Sts><Cd>BOOK</Cd></Sts>"
        f"<BookgDt><Dt>2026-06-30</Dt></BookgDt><ValDt><Dt>2026-06-30</Dt></ValDt>"
        f"<AcctSvcrRef>BNK{m:010d}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>{end}"
        f"</EndToEndId></Refs><RltdPties><Dbtr><Nm>{name}</Nm></Dbtr>{account}</RltdPties>"
        f"<RmtInf><Ustrd>{text}</Ustrd>{strd}</RmtInf></TxDtls></NtryDtls></Ntry>\n"
    )


def _run(folder: Path, script: str, *args: str) -> dict[str, Any]:
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'relance.sqlite3'}",
        "RELANCE_VAR_DIR": str(folder / "var"),
        "DJANGO_SETTINGS_MODULE": "relance.settings",
    }
    done = subprocess.run([sys.executable, "-c", script, *args], env=environment,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if os.environ.get("BENCH_PROFILE"):
        print(done.stderr[-6000:], file=sys.stderr)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-4000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--per-customer", type=int, default=10)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    result: dict[str, Any] = {
        "benchmark": "bank_matching",
        "customers": args.customers,
        "open_invoices": args.customers * args.per_customer,
        "entries": args.entries,
    }
    with tempfile.TemporaryDirectory(prefix="relance-bankmatch-") as tmp:
        folder = Path(tmp)
        statement = str(folder / "statement.xml")
        result |= _run(folder, LOAD, statement, str(args.customers), str(args.per_customer),
                       str(args.entries))  # fmt: skip
        result["statement_mb"] = round(Path(statement).stat().st_size / 2**20, 1)
        for phase in ("baseline", "dry_run", "import"):
            result[phase] = _run(folder, STEP, phase, statement)
            print(f"  {phase}: {result[phase]}", flush=True)
    target = result["dry_run"]
    result |= {
        "target": {"seconds": TARGET_SECONDS, "peak_rss_mb": TARGET_MB, "measured": "dry_run"},
        "within_target": target["seconds"] < TARGET_SECONDS and target["peak_rss_mb"] < TARGET_MB,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bank_matching.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not result["within_target"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
