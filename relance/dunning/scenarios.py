"""Scenarios of an organisation: the shipped presets, materialised once, then edited freely."""

from __future__ import annotations

from django.db import transaction

from relance.accounts.models import Organisation
from relance.core import scenario as core
from relance.dunning.models import DunningSettings, Scenario, ScenarioStep

DEFAULT_SCENARIO = "standard"


@transaction.atomic
def scenarios_ensure_presets(organisation: Organisation) -> None:
    """Give the organisation the preset scenarios it does not have yet, and its settings."""
    DunningSettings.objects.get_or_create(organisation=organisation)
    existing = set(Scenario.objects.filter(organisation=organisation).values_list("key", flat=True))
    for preset in core.PRESETS.values():
        if preset.key in existing:
            continue
        stored = Scenario.objects.create(organisation=organisation, key=preset.key,
                                         name=preset.name)  # fmt: skip
        ScenarioStep.objects.bulk_create(
            ScenarioStep(
                scenario=stored, position=position, key=step.key, offset_days=step.offset_days,
                channel=step.channel, mode=step.mode, template=step.template, tone=step.tone,
                penalties=step.penalties, min_amount=step.min_amount,
            )
            for position, step in enumerate(preset.steps)
        )  # fmt: skip


def scenarios_of(organisation: Organisation) -> dict[int, core.Scenario]:
    """The organisation's scenarios as the engine sees them, by database id."""
    steps: dict[int, list[core.Step]] = {}
    for row in ScenarioStep.objects.filter(scenario__organisation=organisation).order_by(
        "scenario_id", "position"
    ):
        steps.setdefault(row.scenario_id, []).append(
            core.Step(key=row.key, offset_days=row.offset_days, channel=row.channel,
                      mode=row.mode, template=row.template, tone=row.tone,
                      penalties=row.penalties, min_amount=row.min_amount)
        )  # fmt: skip
    return {
        pk: core.Scenario(key=key, name=name, steps=tuple(steps.get(pk, ())))
        for pk, key, name in Scenario.objects.filter(organisation=organisation).values_list(
            "id", "key", "name"
        )
        if steps.get(pk)
    }
