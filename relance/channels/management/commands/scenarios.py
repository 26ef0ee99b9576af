"""relance scenarios export|import FILE [--org SLUG]

Here rather than with the scenarios (``relance.dunning``): an import gives every step its
template (``relance.channels.step_templates``).
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.audit import Actor
from relance.channels.step_templates import scenarios_import_with_templates
from relance.core.scenario import ScenarioError
from relance.dunning.scenarios import scenarios_export
from relance.lib.cli import TranslatedCommand
from relance.lib.text import translated


class Command(TranslatedCommand):
    help = gettext_noop("Exporter ou importer les scénarios de relance (YAML).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export", help=_("écrire les scénarios dans un fichier (- : écran)")
        )
        export.add_argument("file")
        export.add_argument("--org", default=None)
        load = sub.add_parser(
            "import", help=_("créer ou remplacer des scénarios depuis un fichier")
        )
        load.add_argument("file")
        load.add_argument("--org", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        path = options["file"]
        if options["action"] == "export":
            text = scenarios_export(organisation)
            if path == "-":
                sys.stdout.write(text)
            else:
                Path(path).write_text(text, encoding="utf-8")
                self.stdout.write(_("Scénarios écrits dans %(path)s.") % {"path": path})
            return
        source = Path(path)
        if not source.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        try:
            keys = scenarios_import_with_templates(
                organisation=organisation, text=source.read_bytes(), actor=Actor.system("cli")
            )
        except ScenarioError as exc:
            raise CommandError(
                _("Scénarios refusés, rien n'a changé : %(exc)s") % {"exc": translated(exc)}
            ) from exc
        self.stdout.write(_("Scénarios importés : %(keys)s.") % {"keys": ", ".join(keys)})
