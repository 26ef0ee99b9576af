"""relance demo [--port N] [--no-serve]: a working relance with realistic data, in one step."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.cycle.management.commands.run_day import render_summary
from relance.lib.cli import TranslatedCommand
from relance.web.demo import demo_build


class Command(TranslatedCommand):
    help = gettext_noop("Créer l'organisation de démonstration et lancer le serveur web.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help=_("préparer sans servir"))

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        login = demo_build(today=timezone.localdate())
        created = (
            _("Organisation de démonstration « %(name)s » créée.")
            if login.created
            else _("Organisation de démonstration « %(name)s » déjà présente.")
        )
        self.stdout.write(created % {"name": login.organisation.legal_name})
        self.stdout.write(render_summary(login.run))
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(_("Adresse :      %(url)s") % {"url": url})
        self.stdout.write(_("Identifiant :  %(email)s") % {"email": login.email})
        self.stdout.write(_("Mot de passe : %(password)s") % {"password": login.password})
        if options["no_serve"]:
            return
        self.stdout.write(_("Ctrl-C pour arrêter."))
        self.stdout.flush()
        from waitress import serve

        from relance.wsgi import application

        serve(application, host=options["host"], port=options["port"], threads=8, ident="relance")
