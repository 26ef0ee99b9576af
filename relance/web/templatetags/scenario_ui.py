"""Labels of steps, scenarios, segments, channels and the editors' choices (one home:
``relance.dunning.labels``). Scenario and segment names come from the page's ``labels``
(``relance.web.context``), read once per page."""

from __future__ import annotations

from django import template

from relance.dunning import labels as words
from relance.dunning.models import CallOutcomeKind, ScenarioStep
from relance.dunning.todo import KINDS

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
def step_options(step: ScenarioStep) -> str:
    return words.step_options_label(step)


@register.filter
def offset(value: int) -> str:
    return words.offset_label(int(value))


@register.filter
def step_label(value: str, channel: str = "") -> str:
    """A step's name, never its key: ``{{ task.step|step_label }}`` (``channel`` is accepted
    for templates that pass it; the name does not depend on it)."""
    return words.step_label(value or "")


@register.filter
def scenario_label(value: str, labels: words.Labels | None) -> str:
    return (labels or words.Labels()).scenario(value or "")


@register.filter
def segment_label(value: str, labels: words.Labels | None) -> str:
    return (labels or words.Labels()).segment(value or "")


@register.filter
def call_outcome_label(value: str) -> str:
    return str(dict(CallOutcomeKind.choices).get(value, ""))


@register.filter
def todo_kind_label(value: str) -> str:
    """A to-do task's kind (``relance.dunning.todo.KINDS``): e-mail, call... or failed send."""
    return str(KINDS.get(value) or words.channel_label(value))
