"""relance letters print [--date D] --out FILE | posted REMINDER --number N [--date D]"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.audit import Actor
from relance.channels.letter.compose import compose_letter, letter_problem
from relance.channels.letter.service import LetterError, letter_mark_posted, letters_print
from relance.dunning.management.commands.run_day import parse_day
from relance.dunning.models import Reminder, ReminderStatus


class Command(BaseCommand):
    help = "Lettres et mises en demeure : imprimer celles du jour, déclarer un envoi."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        printing = sub.add_parser("print", help="un PDF avec toutes les lettres du jour")
        printing.add_argument("--date", default=None)
        printing.add_argument("--out", required=True, help="fichier PDF à écrire")
        printing.add_argument("--org", default=None)
        posted = sub.add_parser("posted", help="déclarer une lettre postée")
        posted.add_argument("reminder", help="identifiant (uuid) de la relance")
        posted.add_argument("--number", default="", help="n° de recommandé")
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
                raise CommandError("Relance introuvable.")
            try:
                letter_mark_posted(reminder=reminder, posted_on=day, actor=actor,
                                   registered_number=options["number"])  # fmt: skip
            except LetterError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write("Envoi enregistré.")
            return
        reminders = list(
            Reminder.objects.filter(organisation=organisation, run_date__lte=day,
                                    channel__in=["letter", "formal_notice"],
                                    status=ReminderStatus.TODO, dispatch=None)
            .select_related("customer", "organisation").order_by("run_date", "id")
        )  # fmt: skip
        blocked = [(reminder, problem) for reminder in reminders
                   if (problem := letter_problem(reminder))]  # fmt: skip
        for reminder, problem in blocked:
            self.stderr.write(f"Non imprimée : {reminder.customer.name} ({reminder.uuid}) : "
                              f"{problem}")  # fmt: skip
        reminders = [reminder for reminder in reminders if not letter_problem(reminder)]
        if not reminders:
            self.stdout.write("Aucune lettre à imprimer.")
            return
        batch = [(reminder, compose_letter(reminder, today=day)) for reminder in reminders]
        Path(options["out"]).write_bytes(letters_pdf := letters_print(batch=batch, day=day,
                                                                      actor=actor))  # fmt: skip
        self.stdout.write(f"{len(batch)} lettre(s) dans {options['out']} "
                          f"({len(letters_pdf) // 1024} Ko).")  # fmt: skip
        for reminder in reminders:
            self.stdout.write(f"  {reminder.uuid}  {reminder.customer.name}  {reminder.step}")
