"""relance mailbox poll [--url IMAP_URL]: read bounces and replies from a mailbox."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.channels.email.mailbox import mailbox_from_url, mailbox_poll
from relance.lib.cli import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop("Lire les rejets et les réponses dans une boîte aux lettres (IMAP).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        poll = sub.add_parser("poll", help=_("traiter les messages non lus"))
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
            _(
                "Rejets : %(bounced)s, réponses : %(replied)s, déjà reçus : %(duplicate)s, "
                "rejets ignorés (sans l'adresse de retour d'un message envoyé) : "
                "%(unmatched)s, autres : %(unknown)s."
            )
            % counts
        )
