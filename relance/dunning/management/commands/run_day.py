"""relance run-day [--date D] [--org SLUG] [--dry-run] [--json]"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.audit import Actor
from relance.dunning.run import RunSummary, run_day
from relance.lib.progress import TerminalProgress
from relance.rates.selectors import rate_warnings_log


def parse_day(value: str | None) -> date:
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date « {value} » invalide : attendu AAAA-MM-JJ.") from exc


class Command(BaseCommand):
    help = "Relances du jour : planifier, préparer les envois automatiques et la liste à faire."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--date", default=None, help="jour traité (AAAA-MM-JJ), aujourd'hui par défaut"
        )
        parser.add_argument("--org", default=None, help="organisation (slug)")
        parser.add_argument("--dry-run", action="store_true", help="montrer sans rien enregistrer")
        parser.add_argument("--json", action="store_true", help="résultat en JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        progress = TerminalProgress(enabled=sys.stderr.isatty() and not options["json"],
                                    unit=" clients")  # fmt: skip
        summary = run_day(organisation=organisation, day=parse_day(options["date"]),
                          actor=Actor.system("daily run"), dry_run=options["dry_run"],
                          progress=progress)  # fmt: skip
        warnings = rate_warnings_log(organisation=organisation, day=summary.plan.day)
        if options["json"]:
            self.stdout.write(json.dumps(summary.plan.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(render_summary(summary))
        # A rate table about to run out: on stderr, so that the JSON stays the day's plan.
        for warning in warnings:
            (self.stderr if options["json"] else self.stdout).write(
                f"  Attention : {warning.text()}"
            )


def render_summary(summary: RunSummary) -> str:
    plan = summary.plan
    lines = [f"Relances du {plan.day:%d/%m/%Y}" + ("" if summary.recorded else " (simulation)")]
    if not plan.messages:
        lines.append("  Aucun message à envoyer.")
    for (step, channel), count in sorted(summary.by_step.items()):
        lines.append(f"  {step:<16} {channel:<14} {count:>6}")
    lines.append(f"  Prêts à partir : {summary.ready}    À faire (manuel) : {summary.todo}")
    if summary.skipped:
        lines.append("  Écartés : " + ", ".join(
            f"{reason} {count}" for reason, count in sorted(summary.skipped.items())
        ))  # fmt: skip
    return "\n".join(lines)
