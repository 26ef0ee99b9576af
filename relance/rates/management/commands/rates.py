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

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor
from relance.core.rates import TABLE_FIELDS
from relance.rates.selectors import WARN_DAYS, rate_coverage
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


class Command(BaseCommand):
    help = (
        "Taux légaux : la couverture de chaque table (sans argument), ou « add TABLE » pour "
        "ajouter un taux publié à cette installation. Tables : " + ", ".join(TABLE_FIELDS)
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", nargs="?", choices=["list", "add"], default="list")
        parser.add_argument("table", nargs="?", help="table (add) : " + ", ".join(TABLE_FIELDS))
        parser.add_argument("--from", dest="start", help="premier jour couvert (AAAA-MM-JJ)")
        parser.add_argument("--to", dest="end", help="dernier jour couvert, inclus (AAAA-MM-JJ)")
        parser.add_argument("--value", help="taux en pour cent par an, ex. 2.15")
        parser.add_argument("--source", default="", help="publication officielle (obligatoire)")
        parser.add_argument("--note", default="", help="remarque (facultative)")
        parser.add_argument(
            "--replace", action="store_true", help="remplacer un taux ajouté ou supposé"
        )
        parser.add_argument(
            "--unverified", action="store_true", help="valeur annoncée, pas encore publiée"
        )
        parser.add_argument("--date", help="compter les jours restants depuis ce jour")
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["date"], "--date") if options["date"] else timezone.localdate()
        if options["action"] == "add":
            self._add(options)
        coverage = rate_coverage(today=today)
        if options["json"]:
            self.stdout.write(json.dumps([c.as_dict() for c in coverage], ensure_ascii=False,
                                         indent=2))  # fmt: skip
            return
        self.stdout.write(f"Taux légaux au {today:%d/%m/%Y}")
        for c in coverage:
            left = (
                f"s'est arrêtée il y a {-c.days_left} j"
                if c.days_left < 0
                else f"{c.days_left} j restants"
            )
            alert = "  ⚠" if c.days_left < WARN_DAYS else ""
            added = f", {c.added_here} ajouté(s) ici" if c.added_here else ""
            self.stdout.write(
                f"  {c.table:<27} {c.first_day:%d/%m/%Y} → {c.last_day:%d/%m/%Y}  "
                f"{c.last_rate} %  ({left}{added}){alert}\n"
                f"  {'':<27} source : {c.last_source}"
            )

    def _add(self, options: dict[str, Any]) -> None:
        if not options["table"]:
            raise CommandError("relance rates add TABLE : " + ", ".join(TABLE_FIELDS))
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
            self.stdout.write(f"Taux ajouté : {added}")
