from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.accounts.services import AccountError, organisation_create
from relance.lib.cli import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop("Créer ou lister les organisations.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("créer une organisation"))
        create.add_argument("slug")
        create.add_argument("--name", required=True, help=_("raison sociale"))
        create.add_argument("--country", required=True, choices=["FR", "BE"])
        create.add_argument("--timezone", default="Europe/Paris")
        create.add_argument("--currency", default="EUR")
        for name in ("siren", "siret", "vat", "enterprise-number", "iban", "bic", "sender-email"):
            create.add_argument(f"--{name}", default="")
        sub.add_parser("list", help=_("lister les organisations"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for organisation in Organisation.objects.all():
                self.stdout.write(
                    f"{organisation.slug}\t{organisation.country}\t{organisation.legal_name}"
                )
            return
        try:
            organisation = organisation_create(
                slug=options["slug"],
                legal_name=options["name"],
                country=options["country"],
                timezone=options["timezone"],
                default_currency=options["currency"],
                siren=options["siren"],
                siret=options["siret"],
                vat_number=options["vat"],
                enterprise_number=options["enterprise_number"],
                iban=options["iban"],
                bic=options["bic"],
                sender_email=options["sender_email"],
                actor=Actor.system("cli"),
            )
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Organisation « %(name)s » créée (%(slug)s).")
            % {"name": organisation.legal_name, "slug": organisation.slug}
        )
