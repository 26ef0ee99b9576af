from __future__ import annotations

import pytest
import yaml
from django.core.management import CommandError, call_command

from relance.accounts.models import AuditEvent
from relance.core.scenario import ScenarioError
from relance.dunning.models import Scenario, ScenarioStep
from relance.dunning.scenarios import scenarios_export, scenarios_import, scenarios_of


def test_export_then_import_round_trips_and_changes_nothing(organisation, actor):
    text = scenarios_export(organisation)
    data = yaml.safe_load(text)
    assert [s["key"] for s in data["scenarios"]] == [
        "bad_payer", "six_stages", "standard", "three_emails_call", "vip",
    ]  # fmt: skip
    standard = next(s for s in data["scenarios"] if s["key"] == "standard")
    assert standard["steps"][0] == {
        "key": "preventive", "offset": -3, "channel": "email", "mode": "auto",
        "template": "preventive", "tone": "courteous", "penalties": "none", "min_amount": "0.00",
    }  # fmt: skip
    before = AuditEvent.objects.count()
    assert scenarios_import(organisation=organisation, text=text, actor=actor) == [
        "bad_payer", "six_stages", "standard", "three_emails_call", "vip",
    ]  # fmt: skip
    assert AuditEvent.objects.count() == before  # nothing changed, nothing audited


def test_import_edits_a_scenario_and_adds_one(organisation, actor, tmp_path):
    data = yaml.safe_load(scenarios_export(organisation))
    standard = next(s for s in data["scenarios"] if s["key"] == "standard")
    standard["steps"][1]["offset"] = 7
    data["scenarios"].append({"key": "public", "name": "Secteur public", "steps": [
        {"key": "reminder_1", "offset": 15, "channel": "email", "mode": "manual"},
        {"key": "call_1", "offset": 30, "channel": "call", "mode": "manual"},
    ]})  # fmt: skip
    path = tmp_path / "scenarios.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    call_command("scenarios", "import", str(path))
    scenarios = {s.key: s for s in scenarios_of(organisation).values()}
    assert scenarios["standard"].steps[1].offset_days == 7
    assert [s.key for s in scenarios["public"].steps] == ["reminder_1", "call_1"]
    event = AuditEvent.objects.get(action="scenario_import", entity_id="standard")
    assert event.before["steps"][1]["offset"] == 5 and event.after["steps"][1]["offset"] == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenarios: [", "YAML illisible"),
        ("- a\n- b\n", "liste « scenarios »"),
        ("scenarios:\n  - key: x\n    steps: []\n", "liste non vide"),
        (
            "scenarios:\n  - key: x\n    steps:\n      - {key: a, offset: 5, channel: fax, "
            "mode: auto}\n",
            "canal « fax »",
        ),
        (
            "scenarios:\n  - key: x\n    steps:\n      - {key: a, offset: 9, channel: email, "
            "mode: auto}\n      - {key: b, offset: 3, channel: email, mode: auto}\n",
            "délais croissants",
        ),
        (
            "scenarios:\n  - key: x\n    steps:\n      - {key: a, offset: '5', channel: email, "
            "mode: auto}\n",
            "offset",
        ),
        (
            "scenarios:\n  - key: x\n    steps:\n      - {key: a, offset: 5, channel: email, "
            "mode: auto, min_amount: NaN}\n",
            "min_amount",
        ),
        (
            "scenarios:\n  - key: x\n    steps:\n      - {key: a, offset: 5, channel: email, "
            "mode: auto, script: rm}\n",
            "champ(s) inconnu(s) script",
        ),
        ("scenarios: !!python/object/apply:os.system ['echo pwned']\n", "YAML illisible"),
    ],
)
def test_bad_files_are_refused_whole(organisation, actor, text, message):
    scenarios_of(organisation)
    scenarios_export(organisation)  # presets exist
    before = list(ScenarioStep.objects.values_list("id", "key", "offset_days"))
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scenarios_import(organisation=organisation, text=text, actor=actor)
    assert list(ScenarioStep.objects.values_list("id", "key", "offset_days")) == before
    assert not Scenario.objects.filter(key="x").exists()


def test_command_reports_a_clear_error(organisation, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("scenarios:\n  - key: x\n    steps: []\n")
    with pytest.raises(CommandError, match="rien n'a changé"):
        call_command("scenarios", "import", str(path))
