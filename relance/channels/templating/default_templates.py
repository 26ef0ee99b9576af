"""The shipped templates: one per preset step key, part and language.

Files live in ``defaults/<language>/``: ``<step>.subject.txt``, ``<step>.txt`` (plain text)
and ``<step>.html`` for e-mails and the formal notice letter; ``call_*.txt`` are call scripts
and ``legal.txt`` an internal hand-off note. Pieces shared by several steps (greeting,
account statement, penalties, how to pay, contact, signature, HTML layout) are in
``defaults/<language>/parts/`` and are pasted where a step file says ``{#@ name @#}`` (a Jinja
comment), so ``default_source`` returns a complete template: the copy a credit controller
edits has no include (user templates cannot include anything). In a plain-text part the pasted
piece stays framed by two comments (``{# part:statement #}`` … ``{# /part +#}``, which print
nothing) so that ``html_from_text`` can put the HTML version of the same piece in its place.

A template is named: a step names the template it uses (``ScenarioStep.template``), and the
shipped ones are named after the preset step they were written for. Each has a kind, the
channel family that can carry it (``template_kind``): adding a shipped default is adding its
files and its ``PARTS_BY_STEP`` entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from django.utils.translation import gettext as _

from relance.channels.templating.context import LANGUAGES, MessageContext
from relance.channels.templating.guards import DEFAULT_LIMITS, Limits
from relance.channels.templating.sandbox import render as render_sandboxed
from relance.channels.templating.trusted import render_trusted

EMAIL_STEPS = ("preventive", "reminder_1", "reminder_2", "last_warning", "last_reminder")
# The steps of the ready sequences (relance.core.scenario.PRESETS): e-mails, and the simple
# letter and the suspension notice, which have the parts of an e-mail.
SEQUENCE_STEPS = (
    "preventive_invoice", "friendly_open_question", "arrangement_offer", "firm_reminder",
    "amicable_escalation_letter", "suspension_notice",
    "courteous_reminder", "collection_warning", "final_reminder_before_notice",
)  # fmt: skip
CALL_STEPS = ("call_1", "call_2", "amicable_escalation_call")
SMS_STEPS = ("sms", "amicable_escalation_sms")
PARTS_BY_STEP: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(EMAIL_STEPS, ("subject", "text", "html")),
    **dict.fromkeys(SEQUENCE_STEPS, ("subject", "text", "html")),
    "formal_notice": ("subject", "text", "html"),
    **dict.fromkeys(CALL_STEPS, ("text",)),
    "legal": ("subject", "text"),
    # "sms" serves any SMS step: a short statement, the payment reference, STOP
    **dict.fromkeys(SMS_STEPS, ("text",)),
}
STEP_KEYS = tuple(PARTS_BY_STEP)

# What carries a template: an e-mail, a letter (formal notice), an SMS, a call script, the
# legal hand-off note; and which kinds each step channel can send. A letter prints an e-mail's
# subject, text and HTML as well as a formal notice's.
KINDS = ("email", "letter", "sms", "call", "legal")
PARTS_BY_KIND: dict[str, tuple[str, ...]] = {
    "email": ("subject", "text", "html"),
    "letter": ("subject", "text", "html"),
    "sms": ("text",),
    "call": ("text",),
    "legal": ("subject", "text"),
}
KINDS_BY_CHANNEL: dict[str, tuple[str, ...]] = {
    "email": ("email",),
    "letter": ("email", "letter"),
    "formal_notice": ("letter", "email"),
    "sms": ("sms",),
    "call": ("call",),
    "legal": ("legal",),
}
_KIND_PREFIXES = (("formal_notice", "letter"), ("letter", "letter"), ("sms", "sms"),
                  ("call", "call"), ("legal", "legal"))  # fmt: skip
_SUFFIXES = {"subject": ".subject.txt", "text": ".txt", "html": ".html"}
_INSERT = re.compile(r"\{#@ (\w+) @#\}")


class UnknownDefault(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    subject: str  # one line ("" for a call script)
    text: str
    html: str | None  # None for call scripts and the legal note


def template_kind(name: str) -> str | None:
    """The kind of a shipped template (None when none has this name): by the start or the end
    of its name (``sms``, ``call``, ``legal``, ``formal_notice``, ``letter``: ``call_2``,
    ``amicable_escalation_sms``), else an e-mail when it has the three parts, a call script
    when it has only a text."""
    parts = PARTS_BY_STEP.get(name)
    if parts is None:
        return None
    for prefix, kind in _KIND_PREFIXES:
        if name.startswith(prefix) or name.endswith("_" + prefix):
            return kind
    if parts == ("text",):
        return "call"
    return "legal" if "html" not in parts else "email"


def _read(language: str, *path: str) -> str:
    resource = files("relance.channels.templating").joinpath("defaults", language, *path)
    return resource.read_text(encoding="utf-8")


@cache
def default_source(step_key: str, language: str, part: str) -> str:
    """The complete default template source for a step, a language and a part."""
    if language not in LANGUAGES:
        raise UnknownDefault(
            _("langue « %(language)s » non prise en charge") % {"language": language}
        )
    if part not in PARTS_BY_STEP.get(step_key, ()):
        raise UnknownDefault(
            _("pas de modèle par défaut « %(part)s » pour l'étape « %(step_key)s »")
            % {"part": part, "step_key": step_key}
        )
    source = _read(language, step_key + _SUFFIXES[part])
    if part == "html":
        return _INSERT.sub(lambda match: _read(language, "parts", match.group(1) + ".html"), source)
    return _INSERT.sub(lambda match: framed_part(match.group(1), language), source)


def framed_part(name: str, language: str) -> str:
    """A shared piece's plain text between the comments that name it (see the module)."""
    # "+#}": the newline after the closing comment is the template's, not to be trimmed.
    return f"{{# part:{name} #}}{_read(language, 'parts', name + '.txt')}{{# /part +#}}"


def part_html(name: str, language: str) -> str | None:
    """The HTML version of a shared piece (None when there is no such piece)."""
    if not _INSERT.fullmatch(f"{{#@ {name} @#}}") or language not in LANGUAGES:
        return None
    try:
        return _read(language, "parts", name + ".html")
    except FileNotFoundError:
        return None


def render_default(context: MessageContext, step_key: str | None = None) -> RenderedMessage:
    """Render the default subject, text and HTML of a step in the context's language."""
    key = step_key or context.step.key
    parts = PARTS_BY_STEP.get(key)
    if parts is None:
        raise UnknownDefault(_("pas de modèle par défaut pour l'étape « %(key)s »") % {"key": key})
    language = context.message_language
    sources = {part: default_source(key, language, part) for part in parts}
    return render_parts(sources, context, shipped=True)


def render_parts(
    sources: Mapping[str, str],
    context: MessageContext,
    *,
    shipped: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> RenderedMessage:
    """Render a step's parts: a one-line subject, a tidy text, and no HTML part when the step
    has none or the HTML was left empty. ``shipped``: these are the defaults, which need not
    run under the limits put on the templates users write (``limits``)."""

    def render(source: str, context: MessageContext, *, html: bool) -> str:
        if shipped:
            return render_trusted(source, context, html=html)
        return render_sandboxed(source, context, html=html, limits=limits)

    subject = ""
    if sources.get("subject"):
        subject = " ".join(render(sources["subject"], context, html=False).split())
    text = tidy_text(render(sources.get("text", ""), context, html=False))
    html = render(sources["html"], context, html=True) if sources.get("html") else None
    return RenderedMessage(subject=subject, text=text, html=html)


def tidy_text(text: str) -> str:
    """At most one blank line in a row, no trailing spaces: conditional blocks leave gaps."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"
