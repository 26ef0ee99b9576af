"""Undoing the deletion of a scenario step: the page after a deletion carries the step it
removed, signed (so that nobody can forge a step through it) and short-lived; sending it back
puts the step in its place again, through the same rule as adding one."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing

from relance.core import scenario as core
from relance.dunning.models import Scenario
from relance.dunning.scenarios import STEP_FIELDS

SALT = "relance.scenario-step-undo"
UNDO_SECONDS = 15 * 60


def undo_token(scenario: Scenario, step: core.Step) -> str:
    fields = {name: getattr(step, name) for name in STEP_FIELDS}
    fields["min_amount"] = str(fields["min_amount"])
    return signing.dumps({"scenario": str(scenario.uuid), "step": fields}, salt=SALT,
                         compress=True)  # fmt: skip


def undone_step(scenario: Scenario, token: str) -> core.Step | None:
    """The step a token of this scenario stands for; None when forged, stale or another's."""
    if not token:
        return None
    try:
        data: Any = signing.loads(token, salt=SALT, max_age=UNDO_SECONDS)
        if data["scenario"] != str(scenario.uuid):
            return None
        fields = {name: data["step"][name] for name in STEP_FIELDS}
        fields["min_amount"] = Decimal(str(fields["min_amount"]))
        return core.Step(**fields)
    except (signing.BadSignature, KeyError, TypeError, InvalidOperation, ValueError):
        return None
