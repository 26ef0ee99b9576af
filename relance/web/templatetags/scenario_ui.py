"""Labels of the scenario, segment and template editors."""

from __future__ import annotations

from django import template

from relance.web.scenarios.labels import (
    CHANNEL_LABELS,
    MODE_LABELS,
    PENALTY_LABELS,
    TONE_LABELS,
    offset_label,
    step_label,
)

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


@register.filter(name="step_label")
def step_label_filter(value: str) -> str:
    return step_label(value)
