"""The organisation's business rules of reminding, changed through their service."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

import pytest

from relance.accounts.models import AuditEvent
from relance.dunning.models import DunningSettings
from relance.dunning.services import DunningError, dunning_settings_update

RULES: dict[str, Any] = {"min_gap_days": 7, "min_amount": Decimal("0"), "promise_grace_days": 3,
         "window_start": time(8, 30), "window_end": time(18, 0), "track_opens": False}  # fmt: skip


def test_only_changes_are_saved_and_audited(organisation, actor):
    DunningSettings.objects.filter(organisation=organisation).delete()  # the defaults
    dunning_settings_update(organisation=organisation, actor=actor, **RULES)
    assert not AuditEvent.objects.filter(action="dunning_settings_update").exists()
    rules = dunning_settings_update(organisation=organisation, actor=actor, **{
        **RULES, "min_amount": Decimal("15"), "window_end": time(19, 0)
    })  # fmt: skip
    assert DunningSettings.objects.get(organisation=organisation).min_amount == Decimal("15.00")
    assert rules.window_end == time(19, 0)
    event = AuditEvent.objects.get(action="dunning_settings_update")
    assert event.before == {"min_amount": "0.00", "window_end": "18:00:00"}
    assert event.after == {"min_amount": "15.00", "window_end": "19:00:00"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"window_end": time(8, 30)}, "après son début"),
        ({"min_amount": Decimal("-0.01")}, "négatif"),
        ({"min_gap_days": 91}, "entre 0 et 90"),
        ({"promise_grace_days": -1}, "entre 0 et 60"),
    ],
)
def test_meaningless_rules_are_refused(organisation, actor, changes, message):
    with pytest.raises(DunningError, match=message):
        dunning_settings_update(organisation=organisation, actor=actor, **{**RULES, **changes})
    assert not AuditEvent.objects.filter(action="dunning_settings_update").exists()
