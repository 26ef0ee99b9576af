"""Scenario edits as services, and the calendar a typical invoice follows."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from relance.core.calendar import for_customer
from relance.core.planner import Rules
from relance.core.scenario import PRESETS, Scenario, Step
from relance.core.scenario_review import calendar_preview, step_warnings
from relance.dunning.models import Scenario as StoredScenario
from relance.dunning.scenario_edit import (
    ScenarioEditError,
    scenario_step_add,
    scenario_step_delete,
    scenario_step_move,
    scenario_step_update,
)
from relance.dunning.scenarios import scenarios_ensure_presets, scenarios_of


@pytest.fixture
def standard(organisation) -> StoredScenario:
    scenarios_ensure_presets(organisation)
    return StoredScenario.objects.get(organisation=organisation, key="standard")


def rows(scenario: StoredScenario) -> list[tuple[int, str, int]]:
    return list(scenario.steps.order_by("position").values_list("position", "key", "offset_days"))


def test_any_sequence_of_edits_keeps_positions_unique_and_offsets_increasing(
    organisation, standard, actor
):
    chance = random.Random(7)
    added = Step(key="reminder_3", offset_days=35, channel="email", mode="auto")
    scenario_step_add(scenario=standard, step=added, actor=actor)
    for _ in range(40):
        keys = [key for _, key, _ in rows(standard)]
        key = chance.choice(keys)
        try:
            scenario_step_move(scenario=standard, key=key, direction=chance.choice((-1, 1)),
                               actor=actor)  # fmt: skip
        except ScenarioEditError:
            assert key in (keys[0], keys[-1])
        current = rows(standard)
        assert [position for position, _, _ in current] == list(range(len(keys)))
        offsets = [offset for _, _, offset in current]
        assert offsets == sorted(offsets) == [-3, 5, 15, 20, 30, 35, 40, 54]
        assert scenarios_of(organisation)  # the engine accepts it after every move


def test_an_edit_that_would_break_the_scenario_changes_nothing(standard, actor):
    before = rows(standard)
    with pytest.raises(ScenarioEditError) as refused:
        scenario_step_update(scenario=standard, key="call_1", actor=actor,
                             step=Step(key="reminder_2", offset_days=20, channel="call",
                                       mode="manual"))  # fmt: skip
    assert refused.value.field == "key"
    with pytest.raises(ScenarioEditError) as refused:
        scenario_step_update(scenario=standard, key="call_1", actor=actor,
                             step=Step(key="call_1", offset_days=-400, channel="call",
                                       mode="manual"))  # fmt: skip
    assert refused.value.field == "offset_days"
    with pytest.raises(ScenarioEditError):
        scenario_step_delete(scenario=standard, key="nope", actor=actor)
    assert rows(standard) == before


def test_renaming_a_step_key_keeps_its_place(standard, actor):
    scenario_step_update(scenario=standard, key="call_1", actor=actor,
                         step=Step(key="appel_1", offset_days=21, channel="call",
                                   mode="manual"))  # fmt: skip
    assert rows(standard)[3] == (3, "appel_1", 21)


def entries(scenario: Scenario, due: date, *, country="FR", postal="", kind="B2B", rules=None,
            amount=Decimal("1000.00")):  # fmt: skip
    found = calendar_preview(
        scenario, issue_date=date(due.year, 1, 1) if due.month > 1 else due, due_date=due,
        calendar=for_customer(country, postal), rules=rules or Rules(), country=country,
        kind=kind, amount=amount,
    )  # fmt: skip
    return {entry.step.key: entry for entry in found}


def test_calendar_uses_business_days_of_the_customers_country():
    # J+5 of an invoice due on 20/12/2026 is Friday 25 December: Christmas, then a weekend.
    found = entries(PRESETS["standard"], date(2026, 12, 20))
    assert found["reminder_1"].day == date(2026, 12, 28)
    assert found["reminder_1"].moved_because[0].startswith("25/12/2026 : jour férié")
    # Belgium's national day (21 July 2026, a Tuesday) moves J+5 of an invoice due on 16 July.
    assert entries(PRESETS["standard"], date(2026, 7, 16), country="BE")["reminder_1"].day == (
        date(2026, 7, 22)
    )
    assert entries(PRESETS["standard"], date(2026, 7, 16))["reminder_1"].day == date(2026, 7, 21)


def test_calendar_respects_the_minimum_gap_and_the_latest_step_only():
    crowded = Scenario(key="serre", name="Serré", steps=(
        Step(key="reminder_1", offset_days=5, channel="email", mode="auto"),
        Step(key="reminder_2", offset_days=8, channel="email", mode="auto"),
        Step(key="call_1", offset_days=9, channel="call", mode="manual"),
        Step(key="last_warning", offset_days=30, channel="email", mode="manual"),
    ))  # fmt: skip
    found = entries(crowded, date(2026, 3, 2))  # a Monday
    assert found["reminder_1"].day == date(2026, 3, 9)
    # 7 days after reminder_1, reminder_2 and call_1 are both due: only the latest is done.
    assert found["call_1"].day == date(2026, 3, 16)
    assert "écart minimum de 7 jours" in found["call_1"].moved_because[-1]
    assert found["reminder_2"].day is None and "remplacée" in found["reminder_2"].skipped_because
    assert found["last_warning"].day == date(2026, 4, 1)


def test_calendar_for_a_belgian_consumer_mentions_instead_of_claiming():
    firm = Scenario(key="ferme", name="Ferme", steps=(
        Step(key="reminder_1", offset_days=3, channel="email", mode="auto", penalties="none"),
        Step(key="reminder_2", offset_days=13, channel="email", mode="auto", penalties="claimed"),
        Step(key="last_warning", offset_days=20, channel="email", mode="manual",
             penalties="claimed"),
    ))  # fmt: skip
    found = entries(firm, date(2026, 3, 2), country="BE", kind="B2C")
    assert found["reminder_1"].day == date(2026, 3, 5)  # the free first reminder
    assert found["reminder_2"].penalties == "mentioned"  # 11 days later: too early for costs
    assert found["last_warning"].penalties == "claimed"  # 18 days later: costs may be claimed
    assert entries(firm, date(2026, 3, 2), country="BE")["reminder_2"].penalties == "claimed"
    assert found["reminder_2"].notes and "Consommateur belge" in found["reminder_2"].notes[0]


def test_calendar_skips_steps_under_the_minimum_amount():
    steps = tuple(
        Step(key=s.key, offset_days=s.offset_days, channel=s.channel, mode=s.mode,
             min_amount=Decimal("500.00") if s.key == "formal_notice" else Decimal(0))
        for s in PRESETS["standard"].steps
    )  # fmt: skip
    found = entries(Scenario(key="s", name="S", steps=steps), date(2026, 3, 2),
                    amount=Decimal("200.00"))  # fmt: skip
    assert found["formal_notice"].day is None
    assert "minimum" in found["formal_notice"].skipped_because
    assert found["legal"].day is not None


def test_warnings_do_not_fire_on_the_shipped_presets_but_on_odd_choices():
    assert all(not step_warnings(preset.steps) for preset in PRESETS.values())
    odd = (
        Step(key="preventive", offset_days=-3, channel="email", mode="auto", tone="firm"),
        Step(key="formal_notice", offset_days=5, channel="formal_notice", mode="auto",
             penalties="claimed"),
    )  # fmt: skip
    text = " ".join(step_warnings(odd))
    assert "avant tout rappel écrit" in text
    assert "réclame déjà les pénalités" in text
    assert "part avant l'échéance avec un ton ferme" in text
    assert "est automatique" in text
