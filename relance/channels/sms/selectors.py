"""Reads of the SMS channel: the numbers that asked (STOP) to receive no more SMS."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from relance.accounts.models import Organisation
from relance.channels.models import SmsOptOut
from relance.channels.sms.service import SmsRefused, normalise_phone


def sms_opt_outs(organisation: Organisation, *, search: str = "") -> QuerySet[SmsOptOut]:
    """The organisation's opted-out numbers, newest first. ``search``: a whole number in any
    writing (``06 12 34 56 78``, ``+33 6…``) finds that number; a part of one finds the
    numbers holding those digits."""
    rows = SmsOptOut.objects.filter(organisation=organisation).order_by("-created_at", "-id")
    search = search.strip()
    if not search:
        return rows
    try:
        return rows.filter(phone=normalise_phone(search, organisation.country))
    except SmsRefused:
        # A national trunk 0 is not stored: "06 12" is looked for as "612".
        digits = "".join(char for char in search if char.isdigit()).lstrip("0")
        return rows.filter(phone__contains=digits) if digits else rows.none()


def sms_opted_out_among(organisation: Organisation, phones: Iterable[str]) -> set[str]:
    """Which of these numbers (E.164, as contacts store them) asked for no more SMS."""
    wanted = {phone for phone in phones if phone}
    if not wanted:
        return set()
    return set(
        SmsOptOut.objects.filter(organisation=organisation, phone__in=wanted).values_list(
            "phone", flat=True
        )
    )
