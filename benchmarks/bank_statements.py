"""Bank statement benchmark: a camt.053 and a CFONB 120 statement of 100,000 entries each.

    python -m benchmarks.bank_statements [--entries N] [--out benchmarks/results]

Each measurement runs in its own process so that its peak memory (max RSS) is its own.
Measured in the same run, as the baseline: merely tokenising the same bytes (the standard
library's ``iterparse`` over the XML, clearing each element; splitting the CFONB file into
lines and slicing each record's amount), what any reader must at least do. Figures go to
``<out>/bank_statements.json``. The target for the whole chain (parse and match 100,000
entries against 1,000,000 invoices) is 60 s and 1 GB; parsing should take a few seconds.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from xml.etree.ElementTree import iterparse

TARGET_SECONDS = 60.0
TARGET_MB = 1024

_CAMT_ENTRY = """<Ntry><NtryRef>{n}</NtryRef><Amt Ccy="EUR">{amount}</Amt>
<CdtDbtInd>{side}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt>
<ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>BNK{n:010d}</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn>
</BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>E2E{n}</EndToEndId></Refs>
<RltdPties><Dbtr><Nm>CLIENT {customer}</Nm></Dbtr><DbtrAcct><Id>
<IBAN>FR76300060000112345678{customer:05d}</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>FACTURE F-{invoice:07d} CLIENT {customer}</Ustrd></RmtInf></TxDtls>
</NtryDtls></Ntry>
"""


def _movements(entries: int) -> list[tuple[date, int, int, int]]:
    rng = random.Random(20260630)
    start = date(2026, 1, 1)
    return [
        (start + timedelta(days=n * 180 // entries), rng.randint(-50_000, 500_000), n, n % 9973)
        for n in range(entries)
    ]


def write_camt(path: Path, entries: int) -> None:
    movements = _movements(entries)
    total = sum(cents for _, cents, _, _ in movements)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:'
            'tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId></GrpHdr>'
            "<Stmt><Id>BENCH-1</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id>"
            "<Ccy>EUR</Ccy></Acct>"
            '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
            "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-01</Dt></Dt></Bal>"
            f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">'
            f"{abs(total) / 100:.2f}</Amt><CdtDbtInd>{'CRDT' if total >= 0 else 'DBIT'}"
            "</CdtDbtInd><Dt><Dt>2026-06-30</Dt></Dt></Bal>\n"
        )
        for day, cents, n, customer in movements:
            out.write(
                _CAMT_ENTRY.format(
                    n=n,
                    amount=f"{abs(cents) / 100:.2f}",
                    side="CRDT" if cents >= 0 else "DBIT",
                    day=day.isoformat(),
                    customer=customer,
                    invoice=n,
                )
            )
        out.write("</Stmt></BkToCstmrStmt></Document>\n")


def _overpunched(cents: int) -> str:
    digits = f"{abs(cents):014d}"
    signs = "}JKLMNOPQR" if cents < 0 else "{ABCDEFGHI"
    return digits[:-1] + signs[int(digits[-1])]


def write_cfonb(path: Path, entries: int) -> None:
    movements = _movements(entries)
    total = sum(cents for _, cents, _, _ in movements)
    head = "30004    00003EUR2 12345678901  "
    with path.open("w", encoding="latin-1", newline="") as out:
        out.write(f"01{head}010126{' ' * 50}{_overpunched(0)}{' ' * 16}\r\n")
        for day, cents, n, customer in movements:
            label = f"VIR SEPA CLIENT {customer}"[:31].ljust(31)
            out.write(
                f"0430004{'0562'}00003EUR2 1234567890105{day:%d%m%y}  {day:%d%m%y}{label}"
                f"  {n % 10**7:07d}  {_overpunched(cents)}{f'REF{n}'[:16].ljust(16)}\r\n"
            )
            text = f"FACTURE F-{n:07d}".ljust(70)
            out.write(f"0530004056200003EUR2 1234567890105{day:%d%m%y}     LIB{text}  \r\n")
        out.write(f"07{head}300626{' ' * 50}{_overpunched(total)}{' ' * 16}\r\n")


def _tokenise_camt(data: bytes) -> int:
    count = 0
    for _, element in iterparse(io.BytesIO(data)):
        if element.tag.endswith("}Ntry"):
            count += 1
            element.clear()
    return count


def _tokenise_cfonb(data: bytes) -> int:
    return sum(
        1 for line in data.decode("latin-1").splitlines() if line[:2] == "04" and line[90:104]
    )


def measure(kind: str, path: Path) -> dict[str, float]:
    """One measurement, in this process (run as a child of ``main``)."""
    data = path.read_bytes()
    started = time.perf_counter()
    if kind.startswith("baseline-"):
        count = (_tokenise_camt if kind.endswith("camt") else _tokenise_cfonb)(data)
    else:
        from relance.imports.parsers.bank import read_statements

        result = read_statements(data)
        count = result.entry_count
        assert not any(statement.warnings for statement in result.statements)
    seconds = time.perf_counter() - started
    return {
        "entries": count,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _child(kind: str, path: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.bank_statements", "--measure", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    result: dict[str, object] = {"benchmark": "bank_statements", "entries": args.entries}
    with tempfile.TemporaryDirectory(prefix="relance-bench-") as tmp:
        for kind, write in (("camt", write_camt), ("cfonb", write_cfonb)):
            path = Path(tmp) / f"statement.{kind}"
            write(path, args.entries)
            result[f"{kind}_bytes"] = path.stat().st_size
            result[f"{kind}_baseline"] = _child(f"baseline-{kind}", path)
            result[f"{kind}_parse"] = parsed = _child(kind, path)
            print(f"  {kind}: {result[f'{kind}_baseline']} baseline, {parsed} relance")
    parses = [result["camt_parse"], result["cfonb_parse"]]
    result |= {
        "target_seconds_whole_chain": TARGET_SECONDS,
        "target_mb": TARGET_MB,
        "within_target": all(
            p["seconds"] < TARGET_SECONDS and p["peak_rss_mb"] < TARGET_MB for p in parses
        ),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bank_statements.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not result["within_target"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
