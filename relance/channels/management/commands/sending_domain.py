"""relance sending-domain setup DOMAIN [--selector S] [--rotate] | check DOMAIN"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.audit import Actor
from relance.channels.email.domains import DomainError, sender_check, sending_domain_setup
from relance.channels.models import SendingDomain
from relance.lib.cli import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop("Domaine d'envoi : créer la clé DKIM et vérifier SPF, DKIM et DMARC.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        setup = sub.add_parser(
            "setup", help=_("créer la clé DKIM et afficher l'enregistrement DNS")
        )
        setup.add_argument("domain")
        setup.add_argument("--selector", default="relance")
        setup.add_argument("--rotate", action="store_true", help=_("remplacer la clé existante"))
        setup.add_argument("--org", default=None)
        check = sub.add_parser("check", help=_("vérifier ce que le DNS publie"))
        check.add_argument("domain")
        check.add_argument("--org", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        if options["action"] == "setup":
            try:
                _domain, (name, value) = sending_domain_setup(
                    organisation=organisation, domain=options["domain"],
                    selector=options["selector"], rotate=options["rotate"],
                    actor=Actor.system("cli"),
                )  # fmt: skip
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("Publiez cet enregistrement TXT dans la zone DNS du domaine :"))
            self.stdout.write(f"  {name}\n  {value}")
            return
        known = SendingDomain.objects.filter(
            organisation=organisation, domain=options["domain"].lower()
        ).first()
        findings = sender_check(
            options["domain"].lower(),
            selector=known.dkim_selector if known else "relance",
            expected_dkim=known.dkim_public_key if known else "",
        )
        for finding in findings:
            mark = _("OK ") if finding.ok else _("À FAIRE")
            self.stdout.write(f"{mark} {finding.check.upper():<6} {finding.found or '-'}")
            if finding.advice:
                self.stdout.write(f"        {finding.advice}")
