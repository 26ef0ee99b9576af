"""What the scenario pages show, read in a few queries whatever the number of scenarios."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count

from relance.accounts.models import Organisation
from relance.channels.step_templates import step_template_warnings
from relance.core import scenario as core
from relance.core.calendar import for_customer
from relance.core.scenario_review import CalendarEntry, calendar_preview, step_warnings
from relance.dunning.models import CustomerDunning, Scenario, ScenarioStep, Segment
from relance.dunning.run import dunning_rules
from relance.dunning.scenarios import STEP_FIELDS


@dataclass
class ScenarioRow:
    scenario: Scenario
    steps: list[ScenarioStep]
    segments: list[str] = field(default_factory=list)
    customers: int = 0


def scenario_rows(organisation: Organisation) -> list[ScenarioRow]:
    """Every scenario with its steps, the segments using it and the customers given it."""
    rows = {
        scenario.pk: ScenarioRow(scenario=scenario, steps=list(scenario.steps.all()))
        for scenario in Scenario.objects.filter(organisation=organisation)
        .order_by("name", "key")
        .prefetch_related("steps")
    }
    by_key = {row.scenario.key: row for row in rows.values()}
    for name, key, scenario_id in (
        Segment.objects.filter(organisation=organisation)
        .order_by("position")
        .values_list("name", "key", "scenario_id")
    ):
        # A segment without an explicit scenario chases with the scenario of its own key.
        row = rows.get(scenario_id) if scenario_id else by_key.get(key)
        if row is not None:
            row.segments.append(name)
    for scenario_id, n in (
        CustomerDunning.objects.filter(customer__organisation=organisation, scenario__isnull=False)
        .values("scenario_id")
        .annotate(n=Count("customer_id"))
        .order_by()
        .values_list("scenario_id", "n")
    ):
        if scenario_id in rows:
            rows[scenario_id].customers = n
    return list(rows.values())


def engine_scenario(scenario: Scenario, steps: list[ScenarioStep]) -> core.Scenario | None:
    """The scenario as the daily run sees it; None while it has no step."""
    if not steps:
        return None
    return core.Scenario(
        key=scenario.key,
        name=scenario.name,
        steps=tuple(
            core.Step(**{name: getattr(row, name) for name in STEP_FIELDS}) for row in steps
        ),
    )


def scenario_warnings(organisation: Organisation, engine: core.Scenario | None) -> list[str]:
    if engine is None:
        return []
    return [*step_warnings(engine.steps), *step_template_warnings(organisation.pk, engine.steps)]


def scenario_calendar(
    organisation: Organisation,
    engine: core.Scenario,
    *,
    issue_date: date,
    due_date: date,
    country: str,
    postal_code: str,
    kind: str,
    amount: Decimal,
    language: str,
) -> list[CalendarEntry]:
    return calendar_preview(
        engine,
        issue_date=issue_date,
        due_date=due_date,
        calendar=for_customer(country, postal_code),
        rules=dunning_rules(organisation),
        country=country,
        kind=kind,
        amount=amount,
        language=language,
    )
