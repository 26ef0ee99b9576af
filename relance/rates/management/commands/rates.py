"""``relance rates``: what each rate table covers; ``relance rates add``: a newly published rate.

relance rates [--json]
relance rates add TABLE --from 2027-01-01 --to 2027-06-30 --value 2.15 --source "..."
"""

from __future__ import annotations

import getpass
import json
from argparse import ArgumentParser
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from relance.accounts.audit import Actor
from relance.core.rates import TABLE_FIELDS
from relance.lib.cli import TranslatedCommand
from relance.lib.text import day_text
from relance.rates.selectors import WARN_DAYS, Coverage, rate_coverage
from relance.rates.services import RateRefused, rate_add


def _day(value: str | None, option: str) -> date:
    if not value:
        raise CommandError(_("%(option)s est obligatoire (AAAA-MM-JJ).") % {"option": option})
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(option)s : date invalide « %(value)s » (AAAA-MM-JJ).")
            % {"option": option, "value": value}
        ) from None


def _rate(value: str | None) -> Decimal:
    if not value:
        raise CommandError(_("--value est obligatoire (pour cent par an, ex. 2.15)."))
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise CommandError(
            _("--value : nombre invalide « %(value)s ».") % {"value": value}
        ) from None
    if not number.is_finite():
        raise CommandError(_("--value : nombre invalide « %(value)s ».") % {"value": value})
    return number


class Command(TranslatedCommand):
    help = gettext_noop(
        "Taux légaux : la couverture de chaque table (sans argument), ou « add TABLE » pour "
        "ajouter un taux publié à cette installation."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", nargs="?", choices=["list", "add"], default="list")
        parser.add_argument(
            "table",
            nargs="?",
            help=_("table (add) : %(tables)s") % {"tables": ", ".join(TABLE_FIELDS)},
        )
        parser.add_argument("--from", dest="start", help=_("premier jour couvert (AAAA-MM-JJ)"))
        parser.add_argument("--to", dest="end", help=_("dernier jour couvert, inclus (AAAA-MM-JJ)"))
        parser.add_argument("--value", help=_("taux en pour cent par an, ex. 2.15"))
        parser.add_argument("--source", default="", help=_("publication officielle (obligatoire)"))
        parser.add_argument("--note", default="", help=_("remarque (facultative)"))
        parser.add_argument(
            "--replace", action="store_true", help=_("remplacer un taux ajouté ou supposé")
        )
        parser.add_argument(
            "--unverified", action="store_true", help=_("valeur annoncée, pas encore publiée")
        )
        parser.add_argument("--date", help=_("compter les jours restants depuis ce jour"))
        parser.add_argument("--json", action="store_true", help=_("sortie JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["date"], "--date") if options["date"] else timezone.localdate()
        if options["action"] == "add":
            self._add(options)
        coverage = rate_coverage(today=today)
        if options["json"]:
            self.stdout.write(json.dumps([c.as_dict() for c in coverage], ensure_ascii=False,
                                         indent=2))  # fmt: skip
            return
        self.stdout.write(_("Taux légaux au %(day)s") % {"day": day_text(today)})
        for c in coverage:
            self.stdout.write(coverage_lines(c))

    def _add(self, options: dict[str, Any]) -> None:
        if not options["table"]:
            raise CommandError(
                _("relance rates add TABLE : %(tables)s") % {"tables": ", ".join(TABLE_FIELDS)}
            )
        try:
            added = rate_add(
                table=options["table"],
                start=_day(options["start"], "--from"),
                end=_day(options["end"], "--to"),
                rate=_rate(options["value"]),
                source=options["source"],
                note=options["note"],
                replace=options["replace"],
                verified=not options["unverified"],
                actor=Actor.system(f"cli ({getpass.getuser()})"),
            )
        except RateRefused as exc:
            raise CommandError(_("Taux refusé : %(exc)s") % {"exc": exc}) from exc
        if not options["json"]:
            self.stdout.write(_("Taux ajouté : %(rate)s") % {"rate": added})


def coverage_lines(c: Coverage) -> str:
    """A table's span, last rate and days left, then its source."""
    left = (
        _("s'est arrêtée il y a %(days)s j") % {"days": -c.days_left}
        if c.days_left < 0
        else _("%(days)s j restants") % {"days": c.days_left}
    )
    alert = "  ⚠" if c.days_left < WARN_DAYS else ""
    added = (
        ngettext(", %(count)s ajouté(s) ici", ", %(count)s ajouté(s) ici", c.added_here)
        % {"count": c.added_here}
        if c.added_here
        else ""
    )
    span = f"{day_text(c.first_day)} → {day_text(c.last_day)}"
    return f"  {c.table:<27} {span}  {c.last_rate} %  ({left}{added}){alert}\n  {'':<27} " + _(
        "source : %(source)s"
    ) % {"source": c.last_source}
