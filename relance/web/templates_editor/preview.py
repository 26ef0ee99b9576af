"""The live preview of a template being edited: rendered in the sandbox for a real customer
(or a made-up one), with the content check's score, and every refusal shown with its line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation
from relance.channels.compose import message_context
from relance.channels.message_templates import (
    inline_css,
    sample_context,
    template_kind_of,
    template_limits,
)
from relance.channels.templating import context as tpl
from relance.channels.templating.content import ContentReport, check_content
from relance.channels.templating.default_templates import tidy_text
from relance.channels.templating.sandbox import TemplateRejected, render
from relance.dunning.models import Reminder
from relance.ledger.models import Customer

PART_LABELS = {"subject": _("Objet"), "text": _("Texte"), "html": _("HTML")}
# The channel a template of each kind is previewed on (a letter: the formal notice's deadline).
CHANNEL_OF_KIND = {"email": "email", "letter": "formal_notice", "sms": "sms", "call": "call",
                   "legal": "legal"}  # fmt: skip


@dataclass(frozen=True)
class PartError:
    part: str
    label: str
    message: str
    line: int | None
    excerpt: str  # the offending line of the source, when known


@dataclass
class Preview:
    customer: Customer | None
    errors: list[PartError] = field(default_factory=list)
    subject: str = ""
    text: str = ""
    html: str = ""
    report: ContentReport | None = None


def _context(
    organisation: Organisation, key: str, language: str, customer: Customer | None,
    tone: str, penalties: str, today: date,
) -> tpl.MessageContext:  # fmt: skip
    if customer is None:
        return sample_context(
            language, step=tpl.StepInfo(key=key, tone=tone, penalties=penalties),
            organisation_name=organisation.legal_name, today=today,
        )  # fmt: skip
    # A reminder that is never saved, as ``relance preview`` does: the preview changes nothing.
    kind = template_kind_of(organisation.pk, key) or "email"
    draft = Reminder(
        organisation=organisation, customer=customer, step=key, template=key,
        channel=CHANNEL_OF_KIND.get(kind, "email"), mode="manual",
        currency=organisation.default_currency, penalties=penalties, tone=tone,
    )  # fmt: skip
    return message_context(draft, today=today, language=language)


def build_preview(
    *,
    organisation: Organisation,
    key: str,
    language: str,
    sources: Mapping[str, str],
    customer: Customer | None,
    tone: str,
    penalties: str,
    today: date,
) -> Preview:
    preview = Preview(customer=customer)
    context = _context(organisation, key, language, customer, tone, penalties, today)
    rendered: dict[str, str] = {}
    limits = template_limits()
    for part in PART_LABELS:
        source = sources.get(part, "")
        if not source:
            continue
        try:
            rendered[part] = render(source, context, html=part == "html", limits=limits)
        except TemplateRejected as exc:
            lines = source.splitlines()
            excerpt = lines[exc.line - 1] if exc.line and exc.line <= len(lines) else ""
            label = str(PART_LABELS[part])
            preview.errors.append(PartError(part=part, label=label, message=str(exc),
                                            line=exc.line, excerpt=excerpt))  # fmt: skip
    if preview.errors:
        return preview
    preview.subject = " ".join(rendered.get("subject", "").split())
    preview.text = tidy_text(rendered.get("text", ""))
    html = rendered.get("html", "")
    try:
        preview.html = inline_css(html) if html else ""
    except TemplateRejected as exc:
        preview.errors.append(PartError(part="html", label=str(PART_LABELS["html"]),
                                        message=str(exc), line=None, excerpt=""))  # fmt: skip
        return preview
    preview.report = check_content(
        preview.subject, preview.text, preview.html or None, language=language
    )
    return preview
