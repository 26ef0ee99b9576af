"""relance plan --date D [--org SLUG] --json: what the daily run would do, without doing it."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.dunning.run import day_plan
from relance.lib.cli import TranslatedCommand, parse_day


class Command(TranslatedCommand):
    help = gettext_noop("Montrer ce que les relances du jour feraient, sans rien enregistrer.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--date", default=None, help=_("jour (AAAA-MM-JJ)"))
        parser.add_argument("--org", default=None, help=_("organisation (slug)"))
        parser.add_argument("--json", action="store_true", help=_("résultat en JSON"))

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
        messages = ngettext("%(count)s message(s)", "%(count)s message(s)", len(plan.messages))
        skipped = ngettext("%(count)s écarté(s)", "%(count)s écarté(s)", len(plan.skipped))
        self.stdout.write(
            _("%(messages)s, %(skipped)s.")
            % {
                "messages": messages % {"count": len(plan.messages)},
                "skipped": skipped % {"count": len(plan.skipped)},
            }
        )
