"""Reads of the accounts app: an organisation's audit trail, as its administrators read and
export it (evidence of who did what and when)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from relance.accounts.audit_labels import ACTION_LABELS, action_label
from relance.accounts.models import AuditEvent, Organisation

EXPORT_CHUNK = 2000
AUDIT_COLUMNS = ("at", "actor", "action", "action_label", "entity_type", "entity_id", "before",
                 "after")  # fmt: skip


def audit_events(
    organisation: Organisation, *, action: str = "", before_id: int | None = None
) -> QuerySet[AuditEvent]:
    """The organisation's events, newest first (by id: the order they were written in);
    ``before_id``: only those written before that event, to page back in time without
    counting a table that grows by the thousand every day."""
    rows = AuditEvent.objects.filter(organisation=organisation)
    if action:
        rows = rows.filter(action=action)
    if before_id is not None:
        rows = rows.filter(pk__lt=before_id)
    return rows.select_related("actor").order_by("-id")


def audit_rows(organisation: Organisation, *, action: str = "") -> Iterator[list[str]]:
    """Every event as plain text columns (``AUDIT_COLUMNS``), oldest first, read in chunks:
    the export of a year of events never holds them all in memory. The code stays as
    evidence; its words are those of the language active now (the rows are read later,
    while the download streams)."""
    labels = {code: action_label(code) for code in ACTION_LABELS}
    return _audit_rows(organisation, action, labels)


def _audit_rows(
    organisation: Organisation, action: str, labels: dict[str, str]
) -> Iterator[list[str]]:
    rows = AuditEvent.objects.filter(organisation=organisation).order_by("id")
    if action:
        rows = rows.filter(action=action)
    values = rows.values_list("at", "actor__email", "actor_label", "action", "entity_type",
                              "entity_id", "before", "after")  # fmt: skip
    for at, email, label, code, entity_type, entity_id, before, after in values.iterator(
        chunk_size=EXPORT_CHUNK
    ):
        words = labels.get(code) or action_label(code)
        yield [at.isoformat(), email or label, code, words, entity_type, entity_id,
               _plain(before), _plain(after)]  # fmt: skip


def _plain(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
