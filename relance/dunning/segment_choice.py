"""A customer's segment chosen by hand from their page, or given back to the nightly rules.

A segment chosen by hand (``CustomerDunning.segment_is_manual``) is never replaced by the
recompute (``segments_recompute``). Giving the choice back places the customer at once where
the rules put them today, so that the page never shows a segment nobody decided.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import AuditEvent, Organisation, User
from relance.core import segmentation as core
from relance.dunning.models import CustomerDunning, Segment
from relance.dunning.segments import (
    customer_figures,
    explanation_json,
    portfolio_figures,
    segment_rules,
)
from relance.ledger.models import Customer

SEGMENT_MANUAL = "customer_segment_manual"
SEGMENT_AUTOMATIC = "customer_segment_automatic"


class SegmentChoiceError(ValueError):
    """A segment choice refused, with the reason for the person who made it."""


def segment_by_rules(
    organisation: Organisation, customer: Customer, as_of: date
) -> tuple[str, core.Explanation]:
    """The segment the organisation's rules give the customer as of a date, and why (the
    recompute's own figures, measured for this customer only). Raises ``SegmentRuleError``
    when the stored rules cannot be read."""
    figures = customer_figures(organisation, as_of, customer_ids=[customer.pk])[customer.pk]
    portfolio = portfolio_figures(organisation, as_of)
    return core.classify(figures, segment_rules(organisation), portfolio)


@transaction.atomic
def customer_segment_choose(
    *, customer: Customer, segment: Segment | None, as_of: date, actor: Actor
) -> CustomerDunning:
    """Put the customer in ``segment`` by hand (the recompute leaves them there), or, with
    None, give the choice back to the rules and place them where the rules say today."""
    organisation = customer.organisation
    if segment is not None and segment.organisation_id != organisation.pk:
        raise SegmentChoiceError(gettext("Ce segment n'appartient pas à cette organisation."))
    # One writer per organisation, as for the recompute: it must not undo this choice.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    dunning, _ = CustomerDunning.objects.select_for_update().get_or_create(customer=customer)
    before = {"segment": dunning.segment, "manual": dunning.segment_is_manual}
    if segment is not None:
        key = segment.key
        dunning.segment_explanation = {"manual": True, "source": "staff", "segment": key}
    else:
        try:
            key, why = segment_by_rules(organisation, customer, as_of)
        except core.SegmentRuleError as exc:
            raise SegmentChoiceError(
                gettext("Les règles des segments sont à corriger avant de leur rendre ce client.")
            ) from exc
        # Through JSON, as the recompute stores it: reasons are translatable sentences.
        dunning.segment_explanation = json.loads(
            json.dumps(explanation_json(why, as_of), ensure_ascii=False)
        )
    after = {"segment": key, "manual": segment is not None}
    if before == after:
        return dunning
    dunning.segment, dunning.segment_is_manual = key, segment is not None
    dunning.save(update_fields=["segment", "segment_is_manual", "segment_explanation"])
    audit_record(
        organisation=organisation, actor=actor, entity_type="customer",
        action=SEGMENT_MANUAL if segment is not None else SEGMENT_AUTOMATIC,
        entity_id=str(customer.uuid), before=before, after=after,
    )  # fmt: skip
    return dunning


@dataclass(frozen=True)
class SegmentChoice:
    """Who chose a customer's segment by hand, and when (from the audit trail)."""

    at: datetime
    by: User | None
    label: str  # the process that acted, when no person did (an import, the command line)


def segment_choice_made(organisation: Organisation, customer: Customer) -> SegmentChoice | None:
    """The latest hand choice of the customer's segment the audit trail knows of."""
    choices = AuditEvent.objects.filter(
        organisation=organisation, entity_type="customer", entity_id=str(customer.uuid),
        action=SEGMENT_MANUAL,
    )  # fmt: skip
    event = choices.select_related("actor").order_by("-id").first()
    if event is None:
        return None
    return SegmentChoice(at=event.at, by=event.actor, label=event.actor_label)
