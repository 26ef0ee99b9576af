"""``relance import bank-statement PATH``: the statement imported, then what became of each
movement, as JSON or in words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import OutputWrapper
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.imports.bank import bank_statement_import
from relance.imports.bank_report import REASONS, BankImportReport
from relance.lib.text import translated

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
            out.write(refusal(problem))
        return
    counts = ngettext(
        "%(statements)s relevé(s), %(entries)s opération(s), dont %(already)s déjà importée(s).",
        "%(statements)s relevé(s), %(entries)s opération(s), dont %(already)s déjà importée(s).",
        report.entries,
    ) % {
        "statements": report.statements,
        "entries": report.entries,
        "already": report.already_imported,
    }
    out.write(_("Simulation : %(summary)s") % {"summary": counts} if dry_run else counts)
    for title, found in (
        (_("Rapprochées, paiements enregistrés"), report.matched),
        (_("Proposées, à valider"), report.suggested),
        (_("Non rapprochées"), report.unmatched),
        (_("Annulations et retours, paiements annulés"), report.reversals),
    ):
        entries = len({line["entry"] for line in found})
        out.write(_("%(title)s : %(count)s") % {"title": title, "count": entries})
        for line in found:
            # On a matched movement, an amount that pays no invoice is left as credit.
            credit = _("(avoir du client)") if found is report.matched else "-"
            invoice = line["invoice"] or credit
            reason = str(REASONS.get(line["reason"], line["reason"]))
            out.write(f"  {line['entry']}  {invoice}  {line['amount']}  {reason}")
    for warning in report.warnings:
        out.write(_("Attention : %(warning)s") % {"warning": translated(warning)})
    if dry_run:
        out.write(_("Simulation : rien n'a été écrit."))


def refusal(problem: dict[str, Any]) -> str:
    """Why the statement was refused, with its line when the file has lines."""
    if problem["line"]:
        return _("Relevé refusé, rien n'a été importé. ligne %(line)s : %(reason)s") % problem
    return _("Relevé refusé, rien n'a été importé. %(reason)s") % problem
