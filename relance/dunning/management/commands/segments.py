"""relance segments recompute [--date D] [--org SLUG] [--json]
relance segments show CUSTOMER_REF [--org SLUG] [--date D]"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.core.segmentation import FIGURES, SegmentRuleError, classify
from relance.dunning.segments import (
    customer_figures,
    customer_segment,
    explanation_json,
    portfolio_figures,
    segment_rules,
    segments_ensure_defaults,
    segments_recompute,
)
from relance.ledger.models import Customer
from relance.lib.cli import TranslatedCommand, parse_day
from relance.lib.text import day_text, translated


class Command(TranslatedCommand):
    help = gettext_noop(
        "Segments de clients selon leur comportement de paiement : recalculer, expliquer."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        recompute = actions.add_parser(
            "recompute", help=_("recalculer le segment de tous les clients (sauf choix manuel)")
        )
        recompute.add_argument("--date", default=None, help=_("à la date (AAAA-MM-JJ)"))
        recompute.add_argument("--org", default=None, help=_("organisation (slug)"))
        recompute.add_argument("--json", action="store_true", help=_("résultat en JSON"))
        show = actions.add_parser("show", help=_("indicateurs et explication d'un client"))
        show.add_argument("customer_ref", metavar="CUSTOMER_REF", help=_("référence du client"))
        show.add_argument("--org", default=None, help=_("organisation (slug)"))
        show.add_argument(
            "--date",
            default=None,
            help=_("indicateurs à cette date (AAAA-MM-JJ), sinon ceux du calcul"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        try:
            if options["action"] == "recompute":
                self._recompute(organisation, parse_day(options["date"]), options["json"])
            else:
                self._show(organisation, options["customer_ref"], options["date"])
        except SegmentRuleError as exc:
            raise CommandError(
                _("Règles de segments invalides : %(reason)s") % {"reason": translated(exc)}
            ) from exc

    def _recompute(self, organisation: Organisation, day: date, as_json: bool) -> None:
        summary = segments_recompute(
            organisation=organisation, as_of=day, actor=Actor.system("relance segments")
        )
        if as_json:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        for key, count in summary.segments.items():
            self.stdout.write(f"{key:<16} {count:>8}")
        self.stdout.write(
            _(
                "Segments au %(day)s : %(changes)s changement(s), %(manual)s client(s) au "
                "segment choisi à la main (inchangés)."
            )
            % {
                "day": day_text(day),
                "changes": summary.changed,
                "manual": summary.manual,
            }
        )

    def _show(self, organisation: Organisation, ref: str, day: str | None) -> None:
        customer = Customer.objects.filter(organisation=organisation, external_ref=ref).first()
        if customer is None:
            raise CommandError(
                _("Client « %(ref)s » introuvable dans %(org)s.")
                % {"ref": ref, "org": organisation.slug}
            )
        current = customer_segment(organisation, customer)
        explanation = current.explanation
        if day is not None or not explanation.get("figures"):
            # Never computed, chosen by hand, or asked for another date: measure it now.
            segments_ensure_defaults(organisation)
            as_of = parse_day(day)
            figures = customer_figures(organisation, as_of, customer_ids=[customer.pk])
            _key, why = classify(
                figures[customer.pk], segment_rules(organisation), portfolio_figures(
                    organisation, as_of)
            )  # fmt: skip
            explanation = explanation_json(why, as_of)
        segment = current.key or "-"
        self.stdout.write(f"{customer.name} ({customer.external_ref})")
        self.stdout.write(
            _("Segment : %(key)s (choisi à la main)") % {"key": segment}
            if current.is_manual
            else _("Segment : %(key)s") % {"key": segment}
        )
        self.stdout.write(_("Scénario : %(key)s") % {"key": current.scenario})
        self.stdout.write(_("Indicateurs au %(day)s :") % {"day": explanation.get("as_of", "-")})
        for name, value in explanation["figures"].items():
            label = name if name not in FIGURES else f"{name} ({FIGURES[name][0]})"
            self.stdout.write(f"  {label:<32} {'-' if value is None else value}")
        if current.is_manual or explanation["segment"] != current.key:
            self.stdout.write(_("Le calcul donnerait : %(key)s") % {"key": explanation["segment"]})
        self.stdout.write(
            _("Segment « %(name)s » (%(key)s) :")
            % {"name": explanation["rule_name"], "key": explanation["segment"]}
        )
        for reason in explanation["reasons"]:
            self.stdout.write(f"  - {translated(reason)}")
        for other in explanation["not_matched"]:
            self.stdout.write("  " + _("Pas « %(key)s » :") % {"key": other["segment"]})
            for reason in other["reasons"]:
                self.stdout.write(f"    - {translated(reason)}")
