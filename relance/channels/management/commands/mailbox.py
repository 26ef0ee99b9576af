"""relance mailbox poll [--url IMAP_URL]: read bounces and replies from a mailbox."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from relance.channels.email.mailbox import mailbox_from_url, mailbox_poll


class Command(BaseCommand):
    help = "Lire les rejets et les réponses dans une boîte aux lettres (IMAP)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        poll = sub.add_parser("poll", help="traiter les messages non lus")
        poll.add_argument("--url", default=None, help="imap[s]://user:password@host/folder")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"] or settings.IMAP_URL
        if not url:
            raise CommandError(_("Aucune boîte configurée : définissez IMAP_URL ou --url."))
        try:
            counts = mailbox_poll(mailbox_from_url(url))
        except OSError as exc:
            raise CommandError(_("Boîte injoignable : %(exc)s") % {"exc": exc}) from exc
        self.stdout.write(
            f"Rejets : {counts['bounced']}, réponses : {counts['replied']}, "
            f"déjà reçus : {counts['duplicate']}, rejets ignorés (sans l'adresse de retour "
            f"d'un message envoyé) : {counts['unmatched']}, autres : {counts['unknown']}."
        )
