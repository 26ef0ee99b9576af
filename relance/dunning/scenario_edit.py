"""Editing an organisation's scenarios step by step: create, rename, delete, and their steps.

Steps are kept in the order of their offsets, the order the planner requires (a later step
is a firmer one): adding or editing a step puts it in its place. Moving a step up or down
swaps it with its neighbour *and* their offsets, so the calendar slots stay where they are
and only the order of escalation changes. Positions are unique per scenario, so they are
rewritten in one transaction: first moved out of the way, then set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation
from relance.core import scenario as core
from relance.dunning.models import CustomerDunning, Scenario, ScenarioStep, Segment
from relance.dunning.scenarios import DEFAULT_SCENARIO, STEP_FIELDS, core_step, step_row
from relance.lib.text import translated

MIN_OFFSET, MAX_OFFSET = -365, 3650
MAX_STEPS = 30
_OUT_OF_THE_WAY = 1000  # positions are moved past every real one before being rewritten
_KEY = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class ScenarioEditError(ValueError):
    """A change refused, in French; ``field`` names the form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class ScenarioUsage:
    segments: list[str]  # names of the segments chasing their customers with it
    customers: int  # customers given this scenario by hand

    @property
    def used(self) -> bool:
        return bool(self.segments or self.customers)


def scenario_usage(scenario: Scenario) -> ScenarioUsage:
    """Who is chased with this scenario: segments (explicitly, or by its key) and customers."""
    # A segment without an explicit scenario chases with the scenario of its own key.
    segments = Segment.objects.filter(organisation_id=scenario.organisation_id).filter(
        Q(scenario=scenario) | Q(scenario__isnull=True, key=scenario.key)
    )
    return ScenarioUsage(
        segments=list(segments.order_by("position").values_list("name", flat=True)),
        customers=CustomerDunning.objects.filter(scenario=scenario).count(),
    )


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the audit trail records it (the YAML export format)."""
    return {
        "key": scenario.key,
        "name": scenario.name,
        "steps": [_step_data(row) for row in scenario.steps.order_by("position")],
    }


def _step_data(row: ScenarioStep) -> dict[str, Any]:
    return core.step_to_data(core_step(row))


def _audit(scenario: Scenario, action: str, actor: Actor, before: Any, after: Any) -> None:
    audit_record(
        organisation=scenario.organisation, actor=actor, action=action, entity_type="scenario",
        entity_id=str(scenario.uuid), before=before, after=after,
    )  # fmt: skip


def _locked(scenario: Scenario) -> list[ScenarioStep]:
    """The steps, with the scenario locked so two editors do not interleave their changes."""
    Scenario.objects.select_for_update().filter(pk=scenario.pk).first()
    return list(ScenarioStep.objects.filter(scenario=scenario).order_by("position"))


def _check_step(step: core.Step) -> None:
    if not _KEY.match(step.key) or len(step.key) > 50:
        raise ScenarioEditError(
            _("Clé invalide : lettres minuscules, chiffres et « _ », sans espace."), "key"
        )
    if not MIN_OFFSET <= step.offset_days <= MAX_OFFSET:
        raise ScenarioEditError(
            _("Le délai doit être compris entre %(low)s et %(high)s jours.")
            % {"low": MIN_OFFSET, "high": MAX_OFFSET},
            "offset_days",
        )
    if step.min_amount < 0 or step.min_amount != step.min_amount.quantize(Decimal("0.01")):
        raise ScenarioEditError(_("Montant minimum positif, au centime près."), "min_amount")
    try:
        step.check()
    except core.ScenarioError as exc:
        raise ScenarioEditError(translated(exc), exc.field) from exc


def _check_sequence(scenario: Scenario, steps: list[core.Step], changed: core.Step) -> None:
    """The steps as they would be: unique keys, one step per day, the engine's own checks."""
    others = [step for step in steps if step is not changed]
    if any(step.key == changed.key for step in others):
        raise ScenarioEditError(
            _("Une autre étape porte déjà la clé « %(key)s ».") % {"key": changed.key}, "key"
        )
    same_day = next((s for s in others if s.offset_days == changed.offset_days), None)
    if same_day is not None:
        raise ScenarioEditError(
            _("L'étape « %(key)s » tombe déjà à J%(offset)+d : deux étapes ne peuvent pas "
              "avoir le même délai.") % {"key": same_day.key, "offset": changed.offset_days},
            "offset_days",
        )  # fmt: skip
    if len(steps) > MAX_STEPS:
        raise ScenarioEditError(_("Un scénario a au plus %(n)s étapes.") % {"n": MAX_STEPS})
    try:
        core.Scenario(key=scenario.key, name=scenario.name, steps=tuple(steps))
    except core.ScenarioError as exc:
        raise ScenarioEditError(translated(exc)) from exc


def _write(scenario: Scenario, wanted: list[core.Step], keep: dict[int, ScenarioStep]) -> None:
    """Store ``wanted`` in this order. ``keep`` maps an index of ``wanted`` to the row it
    updates; the other rows are deleted, the other steps created."""
    ScenarioStep.objects.filter(scenario=scenario).update(position=F("position") + _OUT_OF_THE_WAY)
    kept = {row.pk for row in keep.values()}
    ScenarioStep.objects.filter(scenario=scenario).exclude(pk__in=kept).delete()
    for position, step in enumerate(wanted):
        row = keep.get(position) or ScenarioStep(scenario=scenario)
        for name in STEP_FIELDS:
            setattr(row, name, getattr(step, name))
        row.position = position
        row.save()


# --------------------------------------------------------------------------- scenarios


@transaction.atomic
def scenario_create(
    *,
    organisation: Organisation,
    key: str,
    name: str,
    actor: Actor,
    copy_from: Scenario | None = None,
) -> Scenario:
    """A new scenario, empty or with the steps of ``copy_from`` (same organisation)."""
    key, name = key.strip(), name.strip()
    if not _KEY.match(key) or len(key) > 50:
        raise ScenarioEditError(
            _("Clé invalide : lettres minuscules, chiffres et « _ », sans espace."), "key"
        )
    if not name:
        raise ScenarioEditError(_("Donnez un nom au scénario."), "name")
    if Scenario.objects.filter(organisation=organisation, key=key).exists():
        raise ScenarioEditError(_("Un scénario porte déjà la clé « %(key)s ».") % {"key": key},
                                "key")  # fmt: skip
    if copy_from is not None and copy_from.organisation_id != organisation.pk:
        raise ScenarioEditError(_("Scénario à copier introuvable."), "copy_from")
    scenario = Scenario.objects.create(organisation=organisation, key=key, name=name[:100])
    if copy_from is not None:
        ScenarioStep.objects.bulk_create(
            step_row(scenario, row.position, core_step(row))
            for row in copy_from.steps.order_by("position")
        )
    _audit(scenario, "scenario_create", actor, None, scenario_data(scenario))
    return scenario


@transaction.atomic
def scenario_update(*, scenario: Scenario, name: str, actor: Actor) -> Scenario:
    """Rename a scenario (its key stays: segments and imports refer to it)."""
    name = name.strip()
    if not name:
        raise ScenarioEditError(_("Donnez un nom au scénario."), "name")
    before = {"name": scenario.name}
    if name[:100] != scenario.name:
        scenario.name = name[:100]
        scenario.save(update_fields=["name"])
        _audit(scenario, "scenario_update", actor, before, {"name": scenario.name})
    return scenario


@transaction.atomic
def scenario_delete(*, scenario: Scenario, actor: Actor) -> None:
    if scenario.key == DEFAULT_SCENARIO:
        raise ScenarioEditError(
            _("Le scénario « standard » ne peut pas être supprimé : il sert à tous les "
              "clients qui n'en ont pas d'autre.")
        )  # fmt: skip
    if scenario.key in core.PRESETS:
        raise ScenarioEditError(
            _("« %(name)s » est un scénario livré avec relance : il serait recréé au prochain "
              "passage. Modifiez ses étapes, ou ne l'attribuez à aucun segment.")
            % {"name": scenario.name}
        )  # fmt: skip
    usage = scenario_usage(scenario)
    if usage.segments:
        raise ScenarioEditError(
            _("Ce scénario est utilisé par le(s) segment(s) %(names)s : choisissez-leur "
              "un autre scénario d'abord.") % {"names": ", ".join(usage.segments)}
        )  # fmt: skip
    if usage.customers:
        raise ScenarioEditError(
            _("Ce scénario est attribué à %(n)s client(s) : changez leur scénario d'abord.")
            % {"n": usage.customers}
        )
    before = scenario_data(scenario)
    _audit(scenario, "scenario_delete", actor, before, None)
    scenario.delete()


# ------------------------------------------------------------------------------- steps


def _find(rows: list[ScenarioStep], key: str) -> int:
    for index, row in enumerate(rows):
        if row.key == key:
            return index
    raise ScenarioEditError(_("Étape « %(key)s » introuvable.") % {"key": key})


@transaction.atomic
def scenario_step_add(*, scenario: Scenario, step: core.Step, actor: Actor) -> None:
    """Add a step; it takes its place in the order of the offsets."""
    _check_step(step)
    rows = _locked(scenario)
    before = scenario_data(scenario)
    entries: list[tuple[ScenarioStep | None, core.Step]] = [
        *((row, core_step(row)) for row in rows),
        (None, step),
    ]
    entries.sort(key=lambda entry: entry[1].offset_days)
    steps = [entry[1] for entry in entries]
    _check_sequence(scenario, steps, step)
    _write(scenario, steps, {i: row for i, (row, _) in enumerate(entries) if row is not None})
    _audit(scenario, "scenario_step_add", actor, before, scenario_data(scenario))


@transaction.atomic
def scenario_step_update(*, scenario: Scenario, key: str, step: core.Step, actor: Actor) -> None:
    """Change the step ``key`` (its key too); it moves to its place if its offset changed."""
    _check_step(step)
    rows = _locked(scenario)
    index = _find(rows, key)
    before = scenario_data(scenario)
    current = [core_step(row) for row in rows]
    current[index] = step
    order = sorted(range(len(rows)), key=lambda i: current[i].offset_days)
    steps = [current[i] for i in order]
    _check_sequence(scenario, steps, step)
    _write(scenario, steps, {new: rows[old] for new, old in enumerate(order)})
    _audit(scenario, "scenario_step_update", actor, before, scenario_data(scenario))


@transaction.atomic
def scenario_step_delete(*, scenario: Scenario, key: str, actor: Actor) -> None:
    rows = _locked(scenario)
    index = _find(rows, key)
    if len(rows) == 1:
        raise ScenarioEditError(
            _("Un scénario garde au moins une étape : supprimez plutôt le scénario.")
        )
    before = scenario_data(scenario)
    remaining = [row for i, row in enumerate(rows) if i != index]
    _write(scenario, [core_step(r) for r in remaining], dict(enumerate(remaining)))
    _audit(scenario, "scenario_step_delete", actor, before, scenario_data(scenario))


@transaction.atomic
def scenario_step_move(*, scenario: Scenario, key: str, direction: int, actor: Actor) -> None:
    """Swap the step with the previous (``-1``) or next (``+1``) one; the offsets stay in
    their slots, so the step now happens at its neighbour's date and vice versa."""
    if direction not in (-1, 1):
        raise ScenarioEditError(_("Sens de déplacement inconnu."))
    rows = _locked(scenario)
    index = _find(rows, key)
    other = index + direction
    if not 0 <= other < len(rows):
        raise ScenarioEditError(
            _("Cette étape est déjà la première.") if direction < 0
            else _("Cette étape est déjà la dernière.")
        )  # fmt: skip
    before = scenario_data(scenario)
    steps = [core_step(row) for row in rows]
    first, second = steps[index], steps[other]
    steps[index] = core.Step(**{**_fields(second), "offset_days": first.offset_days})
    steps[other] = core.Step(**{**_fields(first), "offset_days": second.offset_days})
    _check_sequence(scenario, steps, steps[other])
    keep = dict(enumerate(rows))
    keep[index], keep[other] = rows[other], rows[index]
    _write(scenario, steps, keep)
    _audit(scenario, "scenario_step_move", actor, before, scenario_data(scenario))


def _fields(step: core.Step) -> dict[str, Any]:
    return {name: getattr(step, name) for name in STEP_FIELDS}
