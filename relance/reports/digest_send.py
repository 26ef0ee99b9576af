"""Sending the weekly digests: once per person, organisation and week, whoever runs it (the
morning cycle on Mondays, or ``relance digest``), however many times.

Staff e-mails, sent through ``relance.accounts.mail`` like invitations and password links,
not through the debtors' outbox.
"""

from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relance.accounts.mail import staff_email_send
from relance.accounts.models import Organisation
from relance.core.formatting import format_date, format_money
from relance.reports.digest import Digest, Expected, Tally, week_of, weekly_digests
from relance.reports.models import WeeklyDigest

MONDAY = 0


@dataclass
class DigestRun:
    week: date
    sent: list[str] = field(default_factory=list)  # e-mail addresses
    already: list[str] = field(default_factory=list)  # sent by an earlier run
    failed: list[str] = field(default_factory=list)  # to be sent by a later run
    planned: list[str] = field(default_factory=list)  # a dry run: who would receive it


def digest_due(day: date) -> bool:
    """The morning cycle sends the digests on Mondays (a missed Monday: ``relance digest``)."""
    return day.weekday() == MONDAY


def weekly_digests_send(
    *, organisation: Organisation, day: date, dry_run: bool = False
) -> DigestRun:
    """Send the digest of ``day``'s week to each collector who has not had it yet."""
    week = week_of(day)
    run = DigestRun(week=week)
    digests = weekly_digests(organisation, week=week)
    done = set(
        WeeklyDigest.objects.filter(organisation=organisation, week=week)
        .values_list("user_id", flat=True)
    )  # fmt: skip
    run.already = [d.user.email for d in digests if d.user.pk in done]
    waiting = [d for d in digests if d.user.pk not in done]
    if dry_run:
        run.planned = [d.user.email for d in waiting]
        return run
    mine = _claim(organisation, week, waiting)
    connection = _connection()
    try:
        for digest in waiting:
            if digest.user.pk in mine[1]:
                ok = staff_email_send(user=digest.user, template="reports/digest",
                                      context=_context(digest), connection=connection)  # fmt: skip
                (run.sent if ok else run.failed).append(digest.user.email)
    finally:
        if connection is not None:
            connection.close()
        _settle(organisation, week, mine[0], run, waiting)
    return run


def _connection() -> BaseEmailBackend | None:
    """One SMTP connection for every digest of the run; None when the server cannot be
    reached now (each e-mail then tries on its own, and fails to be sent by a later run)."""
    connection: BaseEmailBackend = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException):
        return None
    return connection


def _claim(
    organisation: Organisation, week: date, digests: list[Digest]
) -> tuple[uuid.UUID, set[int]]:
    """Hold the digests of this run: the rows another run holds already are skipped."""
    token = uuid.uuid4()
    WeeklyDigest.objects.bulk_create(
        [WeeklyDigest(organisation=organisation, user=d.user, week=week, claim=token)
         for d in digests],
        ignore_conflicts=True,
    )  # fmt: skip
    held = WeeklyDigest.objects.filter(organisation=organisation, week=week, claim=token)
    return token, set(held.values_list("user_id", flat=True))


@transaction.atomic
def _settle(
    organisation: Organisation, week: date, token: uuid.UUID, run: DigestRun,
    digests: list[Digest],
) -> None:  # fmt: skip
    """Mark what left; give back what did not, for a later run to send."""
    by_email = {d.user.email: d.user.pk for d in digests}
    held = WeeklyDigest.objects.filter(organisation=organisation, week=week, claim=token)
    held.filter(user_id__in=[by_email[e] for e in run.sent]).update(sent_at=timezone.now())
    held.filter(user_id__in=[by_email[e] for e in run.failed]).delete()


def _money(tally: Tally | Expected, language: str) -> str:
    return ", ".join(
        format_money(amount, language, currency)
        for currency, amount in sorted(tally.amounts.items())
    )


def _context(digest: Digest) -> dict[str, object]:
    """What the e-mail shows, formatted in the reader's language."""
    language = digest.user.language or settings.LANGUAGE_CODE
    if language not in ("fr", "en"):
        language = "fr"
    figures, slug = digest.figures, digest.organisation.slug
    return {
        "digest": digest,
        "organisation": digest.organisation,
        "figures": figures,
        "week_label": format_date(digest.week, language),
        "last_week": [format_date(day, language) for day in digest.last_week],
        "this_week": [format_date(day, language) for day in digest.this_week],
        "collected": _money(figures.collected, language),
        "broken": _money(figures.broken, language),
        "promised": _money(figures.promised, language),
        "falling_due": _money(figures.falling_due, language),
        "expected": _money(digest.expected, language),
        "forecast_as_of": format_date(digest.expected.as_of, language)
        if digest.expected.as_of
        else "",
        "top": [
            {
                "label": f"{c.name} ({c.external_ref})" if c.external_ref else c.name,
                "days_late": c.days_late,
                "amount": format_money(c.overdue, language, c.currency),
            }
            for c in figures.top_overdue
        ],
        "todo_link": f"{settings.RELANCE_BASE_URL}{reverse('todo', kwargs={'org': slug})}",
        "profile_link": f"{settings.RELANCE_BASE_URL}{reverse('profile', kwargs={'org': slug})}",
    }
