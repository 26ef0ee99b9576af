"""Helpers shared by the management commands."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _


class TranslatedCommand(BaseCommand):
    """A command that describes itself in the reader's language.

    ``help`` is the French message id, marked with ``gettext_noop``: the class is built once
    per process, before a test or ``relance --language`` picks a language, so the words are
    looked up when the parser is built. Argument help is written with ``gettext`` inside
    ``add_arguments``, which runs at the same moment.
    """

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = gettext(type(self).help) if type(self).help else ""
        return super().create_parser(prog_name, subcommand, **kwargs)


def parse_day(value: str | None) -> date:
    """A ``--date`` option: AAAA-MM-JJ, today (server time zone) when absent."""
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("Date « %(value)s » invalide : attendu AAAA-MM-JJ.") % {"value": value}
        ) from exc
