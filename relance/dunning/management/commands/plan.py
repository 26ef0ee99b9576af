"""relance plan --date D [--org SLUG] --json: what the daily run would do, without doing it."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.dunning.run import day_plan
from relance.lib.cli import parse_day


class Command(BaseCommand):
    help = "Montrer ce que les relances du jour feraient, sans rien enregistrer."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--date", default=None, help="jour (AAAA-MM-JJ)")
        parser.add_argument("--org", default=None, help="organisation (slug)")
        parser.add_argument("--json", action="store_true", help="résultat en JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        plan = day_plan(organisation, day=parse_day(options["date"]))
        if options["json"]:
            self.stdout.write(json.dumps(plan.as_dict(), ensure_ascii=False))
            return
        for message in plan.messages:
            numbers = ", ".join(advance.invoice_number for advance in message.items)
            self.stdout.write(
                f"{message.customer_ref:<12} {message.step.key:<16} {message.step.channel:<14} "
                f"{message.amount_due:>12} {message.currency}  {numbers}"
            )
        self.stdout.write(f"{len(plan.messages)} message(s), {len(plan.skipped)} écarté(s).")
