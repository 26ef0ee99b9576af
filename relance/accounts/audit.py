"""Recording the audit trail. Services call these; nothing else writes AuditEvent rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from relance.accounts.models import AuditEvent, Organisation, User


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or a named process (the command line, an import...)."""

    user: User | None = None
    label: str = ""

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(user=None, label=label)


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
    """Record one event per (entity_id, before, after), in bulk, all with the same timestamp."""
    now = timezone.now()
    events = [
        AuditEvent(
            organisation=organisation,
            at=now,
            actor=actor.user,
            actor_label=actor.label,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
        )
        for entity_id, before, after in changes
    ]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)
