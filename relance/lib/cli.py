"""Helpers shared by the management commands."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _


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
