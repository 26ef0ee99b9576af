"""Reading promises to pay with the one rule of when a promise holds (``core.promises``)."""

from __future__ import annotations

from datetime import date

from relance.accounts.models import Organisation
from relance.core.promises import earliest_holding_promise
from relance.dunning.models import DunningSettings


def promise_grace_days(organisation: Organisation) -> int:
    """The organisation's grace period after a promised date (the default until it set one)."""
    found = (
        DunningSettings.objects.filter(organisation=organisation)
        .values_list("promise_grace_days", flat=True).first()
    )  # fmt: skip
    if found is not None:
        return found
    default: int = DunningSettings._meta.get_field("promise_grace_days").get_default()
    return default


def promises_holding_since(organisation: Organisation, *, today: date) -> date:
    """The earliest promised date that still holds on ``today``: ``promised_on >=`` it."""
    return earliest_holding_promise(today=today, grace_days=promise_grace_days(organisation))
