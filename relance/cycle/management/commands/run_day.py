"""relance run-day [--date D] [--org SLUG] [--dry-run] [--json]: the whole morning cycle."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.audit import Actor
from relance.cycle.daily import CycleSummary, daily_cycle
from relance.dunning.run import RunSummary, run_day
from relance.lib.cli import TranslatedCommand, parse_day
from relance.lib.progress import TerminalProgress
from relance.lib.text import day_text
from relance.rates.selectors import rate_warnings_log


class Command(TranslatedCommand):
    help = gettext_noop(
        "Relances du jour : soldes et segments à jour, plan du jour, liste à faire, "
        "e-mails et SMS automatiques écrits dans l'outbox (envoyés par send-outbox)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--date", default=None, help=_("jour traité (AAAA-MM-JJ), aujourd'hui par défaut")
        )
        parser.add_argument("--org", default=None, help=_("organisation (slug)"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("montrer sans rien enregistrer")
        )
        parser.add_argument("--json", action="store_true", help=_("résultat en JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        progress = TerminalProgress(
            enabled=sys.stderr.isatty() and not options["json"], unit=_(" clients")
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
                "  " + _("Attention : %(warning)s") % {"warning": warning.text()}
            )


def render_summary(summary: RunSummary | CycleSummary) -> str:
    run = summary.run if isinstance(summary, CycleSummary) else summary
    plan = run.plan
    title = _("Relances du %(day)s") if run.recorded else _("Relances du %(day)s (simulation)")
    lines = [title % {"day": day_text(plan.day)}]
    if not plan.messages:
        lines.append("  " + _("Aucun message à envoyer."))
    for (step, channel), count in sorted(run.by_step.items()):
        lines.append(f"  {step:<16} {channel:<14} {count:>6}")
    lines.append(
        "  "
        + _("Prêts à partir : %(ready)s    À faire (manuel) : %(todo)s")
        % {"ready": run.ready, "todo": run.todo}
    )
    if run.skipped:
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(run.skipped.items()))
        lines.append("  " + _("Écartés : %(reasons)s") % {"reasons": reasons})
    if isinstance(summary, CycleSummary):
        lines.extend("  " + line for line in _cycle_lines(summary))
    return "\n".join(lines)


def _cycle_lines(summary: CycleSummary) -> list[str]:
    """What the morning cycle did beyond the plan: the outbox and the to-do it fed."""
    outbox = summary.outbox
    queued = outbox.get("queued", 0)
    lines = [
        ngettext(
            "Dans l'outbox : %(emails)s e-mail(s), %(sms)s SMS (relance send-outbox les envoie)",
            "Dans l'outbox : %(emails)s e-mail(s), %(sms)s SMS (relance send-outbox les envoie)",
            queued,
        )
        % {"emails": queued, "sms": outbox.get("sms", 0)}
    ]
    if outbox.get("no_address") or outbox.get("no_template") or outbox.get("held"):
        lines.append(
            _(
                "Renvoyés à la liste à faire : %(no_address)s sans adresse, %(no_template)s "
                "sans modèle, %(held)s retenus"
            )
            % {
                "no_address": outbox.get("no_address", 0),
                "no_template": outbox.get("no_template", 0),
                "held": outbox.get("held", 0),
            }
        )
    if outbox.get("stale_bank_data"):
        lines.append(
            _("Retenus, relevés bancaires trop anciens : %(count)s (importez le dernier relevé)")
            % {"count": outbox["stale_bank_data"]}
        )
    if summary.withdrawn:
        lines.append(_("Tâches retirées (plus dues) : %(count)s") % {"count": summary.withdrawn})
    return lines
