"""Reading promises to pay with the one rule of when a promise holds (``core.promises``)."""

from __future__ import annotations

from datetime import date
from functools import cache

from django.db import connection

from relance.accounts.models import Organisation
from relance.core.promises import earliest_holding_promise
from relance.dunning.models import DunningSettings


def promise_grace_days(organisation: Organisation) -> int:
    """The organisation's grace period after a promised date (the default until it set one).

    Read for every message sent (its last check), hence a statement written once rather
    than a query the ORM builds anew at each call."""
    with connection.cursor() as cursor:
        cursor.execute(_grace_sql(), [organisation.pk])
        found = cursor.fetchone()
    if found is not None:
        return int(found[0])
    default: int = DunningSettings._meta.get_field("promise_grace_days").get_default()
    return default


@cache
def _grace_sql() -> str:
    quote, meta = connection.ops.quote_name, DunningSettings._meta
    grace = quote(meta.get_field("promise_grace_days").column)
    organisation = quote(meta.get_field("organisation").column)
    return f"SELECT {grace} FROM {quote(meta.db_table)} WHERE {organisation} = %s"


def promises_holding_since(organisation: Organisation, *, today: date) -> date:
    """The earliest promised date that still holds on ``today``: ``promised_on >=`` it."""
    return earliest_holding_promise(today=today, grace_days=promise_grace_days(organisation))
