"""The segment card of a customer's page: the segment, whether a person chose it, who and
when, where the rules would put the customer, and the form to choose."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

from relance.core.segmentation import SegmentRuleError
from relance.dunning.models import Segment
from relance.dunning.segment_choice import segment_by_rules, segment_choice_made
from relance.dunning.segments import CustomerSegment
from relance.ledger.models import Customer
from relance.web.access import Workspace
from relance.web.customers.forms import AUTOMATIC_SEGMENT, SegmentChoiceForm


def segments_of(ws: Workspace) -> list[Segment]:
    return list(Segment.objects.filter(organisation=ws.organisation).order_by("position", "id"))


def segment_card(
    ws: Workspace,
    customer: Customer,
    segment: CustomerSegment,
    today: date,
    form: SegmentChoiceForm | None,
) -> dict[str, Any]:
    """The card's context; the comparison with the rules only for a segment chosen by hand."""
    segments = segments_of(ws)
    chosen = next((row for row in segments if row.key == segment.key), None)
    initial = str(chosen.uuid) if segment.is_manual and chosen else AUTOMATIC_SEGMENT
    context: dict[str, Any] = {
        "segment_form": form or SegmentChoiceForm(initial={"segment": initial}, segments=segments),
        "segment_choice": None,
        "segment_by_rules": "",
    }
    if segment.is_manual:
        context["segment_choice"] = segment_choice_made(ws.organisation, customer)
        # Rules being repaired: the page still shows the chosen segment, without the comparison.
        with suppress(SegmentRuleError):
            context["segment_by_rules"] = segment_by_rules(ws.organisation, customer, today)[0]
    return context
