"""``relance import bank-statement PATH``: the statement imported, then what became of each
movement, as JSON or in words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import OutputWrapper

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.imports.bank import bank_statement_import
from relance.imports.bank_report import REASONS, BankImportReport

BANK_STATEMENT = "bank-statement"


def import_statement(
    out: OutputWrapper, organisation: Organisation, path: Path, options: dict[str, Any]
) -> None:
    report = bank_statement_import(
        organisation=organisation,
        data=path.read_bytes(),
        filename=path.name,
        actor=Actor.system("cli"),
        dry_run=options["dry_run"],
    )
    if options["json"]:
        out.write(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        summary(out, report, dry_run=options["dry_run"])
    if report.rejected:
        raise SystemExit(1)


def summary(out: OutputWrapper, report: BankImportReport, *, dry_run: bool) -> None:
    if report.rejected:
        for problem in report.rejected:
            where = f"ligne {problem['line']} : " if problem["line"] else ""
            out.write(f"Relevé refusé, rien n'a été importé. {where}{problem['reason']}")
        return
    out.write(
        f"{'Simulation : ' if dry_run else ''}{report.statements} relevé(s), "
        f"{report.entries} opération(s), dont {report.already_imported} déjà importée(s)."
    )
    for title, found in (
        ("Rapprochées, paiements enregistrés", report.matched),
        ("Proposées, à valider", report.suggested),
        ("Non rapprochées", report.unmatched),
        ("Annulations et retours, paiements annulés", report.reversals),
    ):
        out.write(f"{title} : {len({line['entry'] for line in found})}")
        for line in found:
            # On a matched movement, an amount that pays no invoice is left as credit.
            credit = "(avoir du client)" if found is report.matched else "-"
            invoice = line["invoice"] or credit
            reason = str(REASONS.get(line["reason"], line["reason"]))
            out.write(f"  {line['entry']}  {invoice}  {line['amount']}  {reason}")
    for warning in report.warnings:
        out.write(f"Attention : {warning}")
    if dry_run:
        out.write("Simulation : rien n'a été écrit.")
