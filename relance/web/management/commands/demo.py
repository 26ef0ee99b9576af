"""relance demo [--port N] [--no-serve]: a working relance with realistic data, in one step."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from relance.cycle.management.commands.run_day import render_summary
from relance.web.demo import demo_build


class Command(BaseCommand):
    help = "Créer l'organisation de démonstration et lancer le serveur web."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="préparer sans servir")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        login = demo_build(today=timezone.localdate())
        verb = "créée" if login.created else "déjà présente"
        self.stdout.write(
            f"Organisation de démonstration « {login.organisation.legal_name} » {verb}."
        )
        self.stdout.write(render_summary(login.run))
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"Adresse :      {url}")
        self.stdout.write(f"Identifiant :  {login.email}")
        self.stdout.write(f"Mot de passe : {login.password}")
        if options["no_serve"]:
            return
        self.stdout.write("Ctrl-C pour arrêter.")
        self.stdout.flush()
        from waitress import serve

        from relance.wsgi import application

        serve(application, host=options["host"], port=options["port"], threads=8, ident="relance")
