"""Labels of steps, scenarios, segments, channels and the editors' choices (one home:
``relance.dunning.labels``). Scenario and segment names come from the page's ``labels``
(``relance.web.context``), read once per page."""

from __future__ import annotations

from django import template

from relance.dunning import labels as words

register = template.Library()


@register.filter
def channel_label(value: str) -> str:
    return words.channel_label(value)


@register.filter
def mode_label(value: str) -> str:
    return words.mode_label(value)


@register.filter
def tone_label(value: str) -> str:
    return words.tone_label(value)


@register.filter
def penalties_label(value: str) -> str:
    return words.penalties_label(value)


@register.filter
def offset(value: int) -> str:
    return words.offset_label(int(value))


@register.filter
def step_label(value: str) -> str:
    return words.step_label(value or "")


@register.filter
def scenario_label(value: str, labels: words.Labels | None) -> str:
    return (labels or words.Labels()).scenario(value or "")


@register.filter
def segment_label(value: str, labels: words.Labels | None) -> str:
    return (labels or words.Labels()).segment(value or "")
