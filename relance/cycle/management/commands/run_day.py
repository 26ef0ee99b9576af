"""relance run-day [--date D] [--org SLUG] [--dry-run] [--json]: the whole morning cycle."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.audit import Actor
from relance.cycle.daily import CycleSummary, daily_cycle
from relance.dunning.run import RunSummary, run_day
from relance.lib.cli import parse_day
from relance.lib.progress import TerminalProgress
from relance.rates.selectors import rate_warnings_log


class Command(BaseCommand):
    help = (
        "Relances du jour : soldes et segments à jour, plan du jour, liste à faire, "
        "e-mails et SMS automatiques écrits dans l'outbox (envoyés par send-outbox)."
    )

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
        progress = TerminalProgress(
            enabled=sys.stderr.isatty() and not options["json"], unit=" clients"
        )
        day, actor = parse_day(options["date"]), Actor.system("daily run")
        summary: RunSummary | CycleSummary
        if options["dry_run"]:
            summary = run_day(
                organisation=organisation, day=day, actor=actor, dry_run=True, progress=progress
            )
        else:
            summary = daily_cycle(
                organisation=organisation, day=day, actor=actor, progress=progress
            )
        if options["json"]:
            self.stdout.write(json.dumps(summary.plan.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(render_summary(summary))
        # A rate table about to run out: on stderr with --json, so the JSON stays the plan.
        warnings = (
            summary.rate_warnings if isinstance(summary, CycleSummary)
            else rate_warnings_log(organisation=organisation, day=summary.plan.day)
        )  # fmt: skip
        for warning in warnings:
            (self.stderr if options["json"] else self.stdout).write(
                f"  Attention : {warning.text()}"
            )


def render_summary(summary: RunSummary | CycleSummary) -> str:
    run = summary.run if isinstance(summary, CycleSummary) else summary
    plan = run.plan
    lines = [f"Relances du {plan.day:%d/%m/%Y}" + ("" if run.recorded else " (simulation)")]
    if not plan.messages:
        lines.append("  Aucun message à envoyer.")
    for (step, channel), count in sorted(run.by_step.items()):
        lines.append(f"  {step:<16} {channel:<14} {count:>6}")
    lines.append(f"  Prêts à partir : {run.ready}    À faire (manuel) : {run.todo}")
    if run.skipped:
        lines.append(
            "  Écartés : "
            + ", ".join(f"{reason} {count}" for reason, count in sorted(run.skipped.items()))
        )
    if isinstance(summary, CycleSummary):
        outbox = summary.outbox
        lines.append(
            f"  Dans l'outbox : {outbox.get('queued', 0)} e-mail(s), {outbox.get('sms', 0)} SMS"
            " (relance send-outbox les envoie)"
        )
        if outbox.get("no_address") or outbox.get("no_template") or outbox.get("held"):
            lines.append(
                f"  Renvoyés à la liste à faire : {outbox.get('no_address', 0)} sans "
                f"adresse, {outbox.get('no_template', 0)} sans modèle, "
                f"{outbox.get('held', 0)} retenus"
            )
        if outbox.get("stale_bank_data"):
            lines.append(
                f"  Retenus, relevés bancaires trop anciens : {outbox['stale_bank_data']} "
                "(importez le dernier relevé)"
            )
        if summary.withdrawn:
            lines.append(f"  Tâches retirées (plus dues) : {summary.withdrawn}")
    return "\n".join(lines)
