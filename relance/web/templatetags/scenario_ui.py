"""Labels of the scenario, segment and template editors."""

from __future__ import annotations

from django import template

from relance.dunning.models import CallOutcomeKind
from relance.dunning.todo import KINDS
from relance.web.scenarios.labels import (
    CHANNEL_LABELS,
    MODE_LABELS,
    PENALTY_LABELS,
    TONE_LABELS,
    offset_label,
)
from relance.web.scenarios.labels import step_label as labels_step_label

register = template.Library()


@register.filter
def channel_label(value: str) -> str:
    return str(CHANNEL_LABELS.get(value, value))


@register.filter
def mode_label(value: str) -> str:
    return str(MODE_LABELS.get(value, value))


@register.filter
def tone_label(value: str) -> str:
    return str(TONE_LABELS.get(value, value))


@register.filter
def penalties_label(value: str) -> str:
    return str(PENALTY_LABELS.get(value, value))


@register.filter
def offset(value: int) -> str:
    return offset_label(int(value))


@register.filter
def step_label(value: str, channel: str = "") -> str:
    """A step's name, never its key: ``{{ task.step|step_label:task.channel }}``."""
    return labels_step_label(value, channel)


@register.filter
def call_outcome_label(value: str) -> str:
    return str(dict(CallOutcomeKind.choices).get(value, ""))


@register.filter
def todo_kind_label(value: str) -> str:
    """A to-do task's kind (``relance.dunning.todo.KINDS``): e-mail, call... or failed send."""
    return str(KINDS.get(value, CHANNEL_LABELS.get(value, "")))
