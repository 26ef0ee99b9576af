"""relance letters print [--date D] --out FILE | posted REMINDER --number N [--date D]"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.audit import Actor
from relance.channels.letter.batch import letters_to_print
from relance.channels.letter.compose import letter_problem
from relance.channels.letter.service import LetterError, letter_mark_posted
from relance.channels.manual import SendRefused, todo_print_letters
from relance.dunning.models import Reminder
from relance.dunning.services import DunningError
from relance.lib.cli import TranslatedCommand, parse_day


class Command(TranslatedCommand):
    help = gettext_noop("Lettres et mises en demeure : imprimer celles du jour, déclarer un envoi.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        printing = sub.add_parser("print", help=_("un PDF avec toutes les lettres du jour"))
        printing.add_argument("--date", default=None)
        printing.add_argument("--out", required=True, help=_("fichier PDF à écrire"))
        printing.add_argument("--org", default=None)
        posted = sub.add_parser("posted", help=_("déclarer une lettre postée"))
        posted.add_argument("reminder", help=_("identifiant (uuid) de la relance"))
        posted.add_argument("--number", default="", help=_("n° de recommandé"))
        posted.add_argument("--date", default=None)
        posted.add_argument("--org", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        day = parse_day(options["date"])
        actor = Actor.system("cli")
        if options["action"] == "posted":
            reminder = Reminder.objects.filter(organisation=organisation,
                                               uuid=options["reminder"]).first()  # fmt: skip
            if reminder is None:
                raise CommandError(_("Relance introuvable."))
            try:
                letter_mark_posted(reminder=reminder, posted_on=day, actor=actor,
                                   registered_number=options["number"])  # fmt: skip
            except (LetterError, DunningError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("Envoi enregistré."))
            return
        for reminder in letters_to_print(organisation, today=day, blocked=True):
            problem = letter_problem(reminder)
            self.stderr.write(
                _("Non imprimée : %(customer)s (%(reminder)s) : %(problem)s")
                % {"customer": reminder.customer.name, "reminder": reminder.uuid,
                   "problem": problem}
            )  # fmt: skip
        reminders = letters_to_print(organisation, today=day)
        try:
            pdf = todo_print_letters(reminders=reminders, today=day, actor=actor)
        except SendRefused as exc:
            self.stdout.write(str(exc))
            return
        Path(options["out"]).write_bytes(pdf)
        done = set(
            Reminder.objects.filter(pk__in=[r.pk for r in reminders], dispatch__isnull=False)
            .values_list("pk", flat=True)
        )  # fmt: skip
        printed = [reminder for reminder in reminders if reminder.pk in done]
        self.stdout.write(
            ngettext("%(count)s lettre(s) dans %(path)s (%(size)s Ko).",
                     "%(count)s lettre(s) dans %(path)s (%(size)s Ko).", len(printed))
            % {"count": len(printed), "path": options["out"], "size": len(pdf) // 1024}
        )  # fmt: skip
        for reminder in printed:
            self.stdout.write(f"  {reminder.uuid}  {reminder.customer.name}  {reminder.step}")
