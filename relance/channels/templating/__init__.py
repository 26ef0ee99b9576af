"""Reminder templates: context, sandboxed rendering, shipped defaults, content check.

Pure Jinja2 + standard library (no Django), so the channels, the back-office editor and the
tests share one implementation. See ``docs/templates.md``.
"""

from relance.channels.templating.content import (
    HOLD_THRESHOLD,
    ContentReport,
    Reason,
    check_content,
)
from relance.channels.templating.context import (
    LANGUAGES,
    TEMPLATE_VARIABLES,
    Collector,
    Customer,
    MessageContext,
    OpenItem,
    Organisation,
    Penalties,
    StepInfo,
)
from relance.channels.templating.default_templates import (
    PARTS_BY_STEP,
    RenderedMessage,
    UnknownDefault,
    default_source,
    render_default,
)
from relance.channels.templating.guards import Limits
from relance.channels.templating.sandbox import TemplateRejected, check_template, render

__all__ = [
    "HOLD_THRESHOLD",
    "LANGUAGES",
    "PARTS_BY_STEP",
    "TEMPLATE_VARIABLES",
    "Collector",
    "ContentReport",
    "Customer",
    "Limits",
    "MessageContext",
    "OpenItem",
    "Organisation",
    "Penalties",
    "Reason",
    "RenderedMessage",
    "StepInfo",
    "TemplateRejected",
    "UnknownDefault",
    "check_content",
    "check_template",
    "default_source",
    "render",
    "render_default",
]
