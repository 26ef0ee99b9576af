"""Editing segments: their rule, scenario and priority, and what a rule would do before saving.

The preview is the recompute's own plan (``segments_plan``) run with the proposed rules:
the same set-based figures, the same classification, nothing written. So "N customers would
be caught" is what the next recompute does, as long as the ledger does not change meanwhile.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation
from relance.core import segmentation as core
from relance.dunning.models import CustomerDunning, Scenario, Segment
from relance.dunning.segments import segments_plan
from relance.lib.text import translated

MAX_CONDITIONS = 10


class SegmentEditError(ValueError):
    """A change refused, in French; ``field`` names the form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class SegmentDraft:
    """A segment as the editor proposes it."""

    name: str
    match: str  # "any" or "all"
    conditions: tuple[core.Condition, ...]
    scenario: Scenario | None  # None: the scenario of the same key, else "standard"
    priority: int  # rank in which segments are tried, from 1; the catch-all stays last


def segment_counts(organisation: Organisation) -> dict[str, int]:
    """Customers currently in each segment (as stored by the last recompute or by hand)."""
    return dict(
        CustomerDunning.objects.filter(customer__organisation=organisation)
        .values("segment")
        .annotate(n=Count("customer_id"))
        .order_by()
        .values_list("segment", "n")
    )


def _stored_rule(row: Segment) -> core.SegmentRule:
    return core.SegmentRule.from_dict({**row.rule, "key": row.key, "name": row.name})


def _ordered(
    organisation: Organisation, segment: Segment | None, key: str, draft: SegmentDraft
) -> list[tuple[Segment | None, core.SegmentRule]]:
    """Every segment in the order it would be tried, the edited one as drafted."""
    rows = list(Segment.objects.filter(organisation=organisation).order_by("position", "id"))
    catch_all = segment is not None and bool(rows) and rows[-1].pk == segment.pk
    name = draft.name.strip()
    if not name:
        raise SegmentEditError(_("Donnez un nom au segment."), "name")
    if len(draft.conditions) > MAX_CONDITIONS:
        raise SegmentEditError(_("Au plus %(n)s conditions.") % {"n": MAX_CONDITIONS})
    if catch_all and draft.conditions:
        raise SegmentEditError(
            _("Le dernier segment accueille tous les clients que les autres n'ont pas pris : "
              "il n'a pas de condition.")
        )  # fmt: skip
    if not catch_all and not draft.conditions:
        raise SegmentEditError(_("Ajoutez au moins une condition."))
    if draft.scenario is not None and draft.scenario.organisation_id != organisation.pk:
        raise SegmentEditError(_("Scénario introuvable."), "scenario")
    try:
        rule = core.SegmentRule(key=key, name=name[:100], match=draft.match,
                                conditions=draft.conditions)  # fmt: skip
        others = [
            (row, _stored_rule(row)) for row in rows if segment is None or row.pk != segment.pk
        ]
    except core.SegmentRuleError as exc:
        raise SegmentEditError(translated(exc)) from exc
    entry: tuple[Segment | None, core.SegmentRule] = (segment, rule)
    if catch_all:
        ordered = [*others, entry]
    else:
        # Never after the catch-all: it would hide the segment.
        index = min(max(draft.priority, 1) - 1, max(len(others) - 1, 0))
        ordered = [*others[:index], entry, *others[index:]]
    try:
        core.check_rules([rule for _, rule in ordered])
    except core.SegmentRuleError as exc:
        raise SegmentEditError(translated(exc)) from exc
    return ordered


@dataclass(frozen=True)
class SegmentPreview:
    key: str
    caught: int  # customers the drafted segment would hold after a recompute
    now: int  # customers in it now
    counts: dict[str, int]  # every segment after a recompute (customers chosen by hand aside)
    changed: int  # customers who would change segment
    moves: list[tuple[str, str, int]]  # (from, to, customers), largest first
    manual: int  # customers placed by hand: never moved


def segment_preview(
    *,
    organisation: Organisation,
    as_of: date,
    draft: SegmentDraft,
    segment: Segment | None = None,
    key: str = "",
) -> SegmentPreview:
    """What saving ``draft`` (for ``segment``, or a new segment ``key``) then recomputing
    would do today. Nothing is written."""
    key = segment.key if segment is not None else key
    ordered = _ordered(organisation, segment, key, draft)
    plan = segments_plan(organisation, as_of, [rule for _, rule in ordered])
    manual = Counter(
        CustomerDunning.objects.filter(
            customer__organisation=organisation, segment_is_manual=True
        ).values_list("segment", flat=True)
    )
    moves = Counter((before, after) for _, before, after in plan.changed)
    return SegmentPreview(
        key=key,
        caught=plan.counts.get(key, 0) + manual.get(key, 0),
        now=segment_counts(organisation).get(key, 0),
        counts=dict(plan.counts),
        changed=len(plan.changed),
        moves=[(before, after, n) for (before, after), n in moves.most_common()],
        manual=plan.manual,
    )


def segment_data(row: Segment) -> dict[str, Any]:
    return {
        "key": row.key,
        "name": row.name,
        "position": row.position,
        "rule": row.rule,
        "scenario": row.scenario.key if row.scenario is not None else None,
    }


def _save(
    organisation: Organisation,
    segment: Segment | None,
    key: str,
    draft: SegmentDraft,
    actor: Actor,
) -> Segment:
    # One writer per organisation, as for the recompute: positions are rewritten whole.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    ordered = _ordered(organisation, segment, key, draft)
    before = segment_data(segment) if segment is not None else None
    row = segment or Segment(organisation=organisation, key=key)
    rule = next(rule for stored, rule in ordered if stored is segment)
    row.name, row.rule, row.scenario = rule.name, rule.as_dict(), draft.scenario
    row.position = 1 + [rule for _, rule in ordered].index(rule)
    row.save()
    moved = []
    for position, (stored, _rule) in enumerate(ordered, 1):
        if stored is not None and stored is not segment and stored.position != position:
            stored.position = position
            moved.append(stored)
    Segment.objects.bulk_update(moved, ["position"])
    audit_record(
        organisation=organisation, actor=actor,
        action="segment_update" if segment is not None else "segment_create",
        entity_type="segment", entity_id=str(row.uuid), before=before, after=segment_data(row),
    )  # fmt: skip
    return row


@transaction.atomic
def segment_update(*, segment: Segment, draft: SegmentDraft, actor: Actor) -> Segment:
    """Change a segment's name, rule, scenario and priority. Customers move at the next
    recompute (``segments_recompute``), never here."""
    return _save(segment.organisation, segment, segment.key, draft, actor)


@transaction.atomic
def segment_create(
    *, organisation: Organisation, key: str, draft: SegmentDraft, actor: Actor
) -> Segment:
    key = key.strip()
    if not key or len(key) > 50 or not key.replace("_", "").replace("-", "").isalnum():
        raise SegmentEditError(
            _("Clé invalide : lettres, chiffres, « _ » ou « - », sans espace."), "key"
        )
    if Segment.objects.filter(organisation=organisation, key=key).exists():
        raise SegmentEditError(_("Un segment porte déjà la clé « %(key)s ».") % {"key": key},
                               "key")  # fmt: skip
    if not Segment.objects.filter(organisation=organisation).exists():
        raise SegmentEditError(_("Les segments par défaut n'existent pas encore."))
    return _save(organisation, None, key, draft, actor)
