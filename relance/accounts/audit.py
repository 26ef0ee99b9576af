"""Recording the audit trail. Services call these; nothing else writes AuditEvent rows."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from relance.accounts.models import AuditEvent, Organisation, User
from relance.lib.bulk import insert_rows, now_for_db

# The label of the debtor acting from the portal, followed by their link's reference: the
# history tells which link was used (a forwarded link is then seen for what it is).
DEBTOR_PREFIX = "debtor-portal:"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, a named process (the command line, an import...), or
    the debtor through a portal link."""

    user: User | None = None
    label: str = ""

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(user=None, label=label)

    @classmethod
    def debtor(cls, link_reference: str) -> Actor:
        """The debtor, through the portal link of that reference (``debtor_link_reference``)."""
        return cls(user=None, label=f"{DEBTOR_PREFIX}{link_reference}")


def debtor_link_reference(label: str) -> str | None:
    """The portal link reference an event's actor label names, or None when a debtor did
    not act."""
    return label.removeprefix(DEBTOR_PREFIX) if label.startswith(DEBTOR_PREFIX) else None


def audit_record(
    *,
    organisation: Organisation,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation=organisation,
        at=timezone.now(),
        actor=actor.user,
        actor_label=actor.label,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
    )


def audit_record_many(
    *,
    organisation: Organisation,
    actor: Actor,
    action: str,
    entity_type: str,
    changes: Iterable[tuple[str, dict[str, Any] | None, dict[str, Any] | None]],
) -> int:
    """Record one event per (entity_id, before, after), in bulk, all with the same timestamp.

    Written as plain rows: a first day records one event per customer whose segment changed,
    and building a model instance for each costs more than writing it."""
    now = now_for_db()
    user_id = actor.user.pk if actor.user else None
    return insert_rows(
        AuditEvent,
        ("organisation_id", "at", "actor_id", "actor_label", "action", "entity_type",
         "entity_id", "before", "after"),
        (
            (organisation.pk, now, user_id, actor.label, action, entity_type, entity_id,
             _json(before), _json(after))
            for entity_id, before, after in changes
        ),
    )  # fmt: skip


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)
