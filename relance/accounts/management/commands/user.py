from __future__ import annotations

import secrets
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.audit import Actor
from relance.accounts.models import Role
from relance.accounts.services import AccountError, user_create
from relance.lib.cli import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop("Créer un utilisateur et lui donner un rôle dans une organisation.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("créer un utilisateur"))
        create.add_argument("email")
        create.add_argument("--org", default=None, help=_("organisation (slug)"))
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument(
            "--password", default=None, help=_("mot de passe (généré et affiché si absent)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
            password = options["password"] or secrets.token_urlsafe(12)
            user = user_create(
                email=options["email"],
                organisation=organisation,
                role=options["role"],
                password=password,
                actor=Actor.system("cli"),
            )
        except (AccountError, OrganisationNotFound) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Utilisateur %(email)s : %(role)s de %(org)s.")
            % {"email": user.email, "role": options["role"], "org": organisation.slug}
        )
        if not options["password"]:
            self.stdout.write(_("Mot de passe : %(password)s") % {"password": password})
