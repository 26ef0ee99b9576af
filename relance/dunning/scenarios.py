"""Scenarios of an organisation: the shipped presets, materialised once, then edited freely."""

from __future__ import annotations

import yaml
from django.db import transaction

from relance.accounts.audit import Actor, audit_record_many
from relance.accounts.models import Organisation
from relance.core import scenario as core
from relance.core.text import gettext_noop, sentence
from relance.dunning.models import DunningSettings, Scenario, ScenarioStep

DEFAULT_SCENARIO = "standard"
# A step's fields as stored, the same names in the engine's ``Step`` and in ``ScenarioStep``.
STEP_FIELDS = ("key", "offset_days", "channel", "mode", "template", "tone", "penalties",
               "min_amount", *core.OPTION_DEFAULTS)  # fmt: skip


def core_step(row: ScenarioStep) -> core.Step:
    return core.Step(**{name: getattr(row, name) for name in STEP_FIELDS})


def step_row(scenario: Scenario, position: int, step: core.Step) -> ScenarioStep:
    return ScenarioStep(scenario=scenario, position=position,
                        **{name: getattr(step, name) for name in STEP_FIELDS})  # fmt: skip


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
            step_row(stored, position, step) for position, step in enumerate(preset.steps)
        )


def scenarios_of(organisation: Organisation) -> dict[int, core.Scenario]:
    """The organisation's scenarios as the engine sees them, by database id."""
    steps: dict[int, list[core.Step]] = {}
    for row in ScenarioStep.objects.filter(scenario__organisation=organisation).order_by(
        "scenario_id", "position"
    ):
        steps.setdefault(row.scenario_id, []).append(core_step(row))
    return {
        pk: core.Scenario(key=key, name=name, steps=tuple(steps.get(pk, ())))
        for pk, key, name in Scenario.objects.filter(organisation=organisation).values_list(
            "id", "key", "name"
        )
        if steps.get(pk)
    }


MAX_YAML_BYTES = 1_000_000
YAML_HEADER = """\
# relance scenarios. Each step: key, offset (days from the due date, negative = before),
# channel (email, sms, letter, formal_notice, call, legal), mode (auto = sent by the daily
# run, manual = put on the to-do), template, tone (courteous, neutral, firm, formal),
# penalties (none, mentioned, claimed) and min_amount (the step is skipped below it).
# Options, written only when set: repeat_every (days) and repeat_times (0 = until paid),
# pay_within (days given to pay, shown as a date), copy_collector (cc or bcc),
# attach_invoices (true/false), fallback (no e-mail address: a letter; no phone: an e-mail),
# suspension (the message announces a suspension of service; manual steps only).
"""


def scenarios_export(organisation: Organisation) -> str:
    scenarios_ensure_presets(organisation)
    data = {
        "scenarios": [
            core.scenario_to_data(scenario)
            for scenario in sorted(scenarios_of(organisation).values(), key=lambda s: s.key)
        ]
    }
    return YAML_HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def scenarios_parse(text: str | bytes) -> list[core.Scenario]:
    """Read a scenarios YAML file; every problem raises ``ScenarioError``, nothing is written."""
    if len(text) > MAX_YAML_BYTES:
        raise core.ScenarioError(
            gettext_noop("fichier trop volumineux pour des scénarios (1 Mo au plus)")
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise core.ScenarioError(
            gettext_noop("YAML illisible : %(error)s"), error=str(exc)
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        raise core.ScenarioError(gettext_noop("le fichier doit contenir une liste « scenarios »"))
    parsed = [
        core.scenario_from_data(raw, sentence(gettext_noop("scénario n° %(n)s"), n=n))
        for n, raw in enumerate(data["scenarios"], 1)
    ]
    keys = [scenario.key for scenario in parsed]
    if len(set(keys)) != len(keys):
        raise core.ScenarioError(gettext_noop("deux scénarios portent la même clé"))
    return parsed


@transaction.atomic
def scenarios_import(*, organisation: Organisation, text: str | bytes, actor: Actor) -> list[str]:
    """Create or replace the scenarios of a YAML file, all or nothing; returns their keys."""
    parsed = scenarios_parse(text)
    scenarios_ensure_presets(organisation)
    before = {s.key: core.scenario_to_data(s) for s in scenarios_of(organisation).values()}
    for scenario in parsed:
        stored, _ = Scenario.objects.update_or_create(
            organisation=organisation, key=scenario.key, defaults={"name": scenario.name}
        )
        ScenarioStep.objects.filter(scenario=stored).delete()
        ScenarioStep.objects.bulk_create(
            step_row(stored, position, step) for position, step in enumerate(scenario.steps)
        )
    audit_record_many(
        organisation=organisation,
        actor=actor,
        action="scenario_import",
        entity_type="scenario",
        changes=(
            (s.key, before.get(s.key), core.scenario_to_data(s))
            for s in parsed
            if before.get(s.key) != core.scenario_to_data(s)
        ),
    )
    return [scenario.key for scenario in parsed]
