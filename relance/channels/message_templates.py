"""An organisation's own wording of its messages, used instead of the shipped defaults.

A ``MessageTemplate`` holds every part of one step in one language (subject, text, HTML, as
``PARTS_BY_STEP`` says); without one, the default of the step is used. Composition asks
``render_message``, which renders whichever applies in the same sandbox. A template is only
stored once it compiles and renders, in the sandbox, for two sample debtors (one with
penalties and a deadline, one without): a mistake is caught when saving, not at 7 a.m.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

import css_inline
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation
from relance.channels.models import MessageTemplate
from relance.channels.templating import Limits
from relance.channels.templating import context as tpl
from relance.channels.templating.default_templates import (
    PARTS_BY_STEP,
    RenderedMessage,
    UnknownDefault,
    default_source,
    render_parts,
)
from relance.channels.templating.sandbox import TemplateRejected, render
from relance.core.penalties import (
    DueItem,
    InvoicePenalties,
    ItemPenalties,
    PenaltyResult,
    Period,
    debtor_lines,
    round_cents,
    simple_interest,
)
from relance.ledger.portal_links import portal_example

Sources = dict[str, str]  # part ("subject", "text", "html") -> template source
Overrides = dict[tuple[str, str], Sources]  # (step key, language) -> the organisation's parts
PARTS = ("subject", "text", "html")


# Stylesheets named by a template are never fetched: a template is typed by a user, and the
# server must not request addresses of their choosing.
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False)


def template_limits() -> Limits:
    """The caps of this installation (settings) on a template's source and on what it prints."""
    return Limits(
        source=settings.RELANCE_TEMPLATE_MAX_BYTES, output=settings.RELANCE_MESSAGE_MAX_BYTES
    )


# The inliner copies a <style> block's rules into every tag they select, and cannot be stopped
# once started: 25 KB of rules over 20,000 tags wrote 750 MB in minutes. What the copies could
# weigh at most (every rule on every tag) is bounded before it starts, at this many times the
# message cap (5 MB by default, a second of work); the result must then fit the cap itself.
INLINE_WORST_FACTOR = 25


def _style_bytes(html: str) -> int:
    """The size of the ``<style>`` blocks' contents (found with ``find``: linear time)."""
    lowered = html.lower()
    total, position = 0, 0
    while (start := lowered.find("<style", position)) >= 0:
        opened = lowered.find(">", start)
        if opened < 0:
            break
        end = lowered.find("</style", opened)
        end = len(lowered) if end < 0 else end
        total += end - opened - 1
        position = end + 1
    return total


def inline_css(html: str) -> str:
    """The HTML with its ``<style>`` rules moved into ``style`` attributes (for mail clients).

    ``TemplateRejected`` when the copies would make it bigger than the message cap
    (``RELANCE_MESSAGE_MAX_BYTES``).
    """
    limit = settings.RELANCE_MESSAGE_MAX_BYTES
    styles = _style_bytes(html)
    tags = html.count("<")
    if styles and len(html) + tags * styles > INLINE_WORST_FACTOR * limit:
        raise TemplateRejected(
            _(
                "styles trop lourds : les %(size)s Ko de la balise <style> seraient recopiés "
                "dans chacune des %(tags)s balises ; allégez-les ou écrivez-les dans les balises "
                'concernées (style="…")'
            )
            % {"size": styles // 1000, "tags": tags}
        )
    try:
        inlined = _INLINER.inline(html)
    except css_inline.InlineError:
        return html  # CSS the inliner cannot read: the HTML as written
    size = len(inlined.encode("utf-8")) if styles else 0  # without styles, nothing was copied
    if size > limit:
        raise TemplateRejected(
            _(
                "le HTML, une fois les styles recopiés dans les balises, dépasse %(most)s Ko "
                "(%(size)s Ko) : allégez les styles de la balise <style>"
            )
            % {"most": limit // 1000, "size": size // 1000}
        )
    return inlined


def organisation_templates(organisation_id: int) -> Overrides:
    """Every template of an organisation, read once for a batch of messages."""
    return {
        (key, language): {"subject": subject, "text": text, "html": html}
        for key, language, subject, text, html in MessageTemplate.objects.filter(
            organisation_id=organisation_id
        ).values_list("key", "language", "subject", "text", "html")
    }


def template_sources(
    organisation_id: int, key: str, language: str, overrides: Overrides | None = None
) -> tuple[Sources, bool]:
    """The source of each part of a step: the organisation's own, else the default; and
    whether it is the organisation's own."""
    parts = PARTS_BY_STEP.get(key)
    if parts is None:
        raise UnknownDefault(_("pas de modèle pour l'étape « %(key)s »") % {"key": key})
    if overrides is None:
        row = (
            MessageTemplate.objects.filter(
                organisation_id=organisation_id, key=key, language=language
            )
            .values_list("subject", "text", "html")
            .first()
        )
        overrides = {} if row is None else {(key, language): dict(zip(PARTS, row, strict=True))}
    own = overrides.get((key, language))
    if own is not None:
        return {part: own.get(part, "") for part in parts}, True
    return {part: default_source(key, language, part) for part in parts}, False


def render_message(
    context: tpl.MessageContext,
    *,
    organisation_id: int,
    step_key: str | None = None,
    overrides: Overrides | None = None,
) -> RenderedMessage:
    """The message of a step in the context's language, in the organisation's wording when
    it has its own. Raises ``UnknownDefault`` for a step without template and
    ``TemplateRejected`` when the organisation's template fails for this debtor."""
    key = step_key or context.step.key
    sources, own = template_sources(organisation_id, key, context.message_language, overrides)
    return render_parts(sources, context, shipped=not own, limits=template_limits())


def render_message_for_staff(
    context: tpl.MessageContext, *, organisation_id: int, step_key: str | None = None
) -> tuple[RenderedMessage, str]:
    """``render_message`` for a person to read or send from the to-do: when the
    organisation's template is refused for this debtor, the shipped wording, and the reason
    (else ""), so that the task opens and says what to fix instead of failing."""
    try:
        return render_message(context, organisation_id=organisation_id, step_key=step_key), ""
    except TemplateRejected as exc:
        shipped = render_message(context, organisation_id=organisation_id, step_key=step_key,
                                 overrides={})  # fmt: skip
        return shipped, str(exc)


# ----------------------------------------------------------------------- sample debtors


def sample_context(
    language: str,
    *,
    step: tpl.StepInfo,
    organisation_name: str = "Atelier Exemple SAS",
    today: date | None = None,
    full: bool = True,
) -> tpl.MessageContext:
    """A made-up debtor to try a template on: two invoices, one overdue; with ``full``,
    penalties, a deadline and a portal link as well."""
    today = today or date(2026, 3, 20)
    items = (
        tpl.OpenItem(number="F-2026-0042", issue_date=today - timedelta(days=60),
                     due_date=today - timedelta(days=30), days_late=30,
                     amount=Decimal("1234.56"), outstanding=Decimal("1234.56")),
        tpl.OpenItem(number="F-2026-0057", issue_date=today - timedelta(days=20),
                     due_date=today + timedelta(days=10), days_late=-10,
                     amount=Decimal("480.00"), outstanding=Decimal("480.00")),
    )  # fmt: skip
    penalties = _sample_penalties(items[0], language)
    return tpl.MessageContext(
        organisation=tpl.Organisation(
            name=organisation_name, address="12 rue des Lilas\n75011 Paris",
            sender_name=organisation_name, iban="FR7630006000011234567890189",
            bic="AGRIFRPP", email="compta@exemple.fr", registration="123456789",
        ),
        customer=tpl.Customer(name="Boulangerie Exemple SARL", reference="C-0001",
                              language=language, address="3 place du Marché\n69002 Lyon"),
        collector=tpl.Collector(name="Camille Martin", email="camille@exemple.fr"),
        step=step,
        items=items if full else items[:1],
        total_due=sum((i.outstanding for i in (items if full else items[:1])), Decimal(0)),
        total_overdue=items[0].outstanding,
        today=today,
        payment_reference="RF18 5390 0754 7034",
        portal_url=portal_example().url if full else "",
        portal_short_url=portal_example().short_url if full else "",
        penalties=penalties if full else None,
        deadline=today + timedelta(days=8) if full else None,
        language=language,
    )  # fmt: skip


def _sample_penalties(item: tpl.OpenItem, language: str) -> tpl.Penalties:
    """Made-up penalties worded as a debtor reads them: 30 days at 12.15 % and 40 EUR (no
    rate table is read, so the sample works whatever the day)."""
    rate = Decimal("12.15")
    start = item.due_date + timedelta(days=1)
    interest = round_cents(simple_interest(item.outstanding, rate, 30, 365))
    period = Period(start=start, end=start + timedelta(days=29), days=30, annual_rate=rate,
                    base_amount=item.outstanding, interest=interest)  # fmt: skip
    indemnity = Decimal("40.00")
    result = PenaltyResult(regime="FR-B2B", interest=interest, indemnity=indemnity,
                           total=interest + indemnity, periods=[period], notes=[])  # fmt: skip
    due = DueItem(invoice=item.number, sequence=1, amount=item.amount, due_date=item.due_date)
    computed = InvoicePenalties(regime="FR-B2B", currency=item.currency, until=period.end,
                                items=(ItemPenalties(due, result),),
                                indemnities=((item.number, indemnity),))  # fmt: skip
    return tpl.Penalties(interest=computed.interest, indemnity=computed.indemnity,
                         total=computed.total, lines=debtor_lines(computed, language))  # fmt: skip


def check_sources(
    key: str, language: str, sources: Mapping[str, str]
) -> dict[str, TemplateRejected]:
    """Each part that does not compile or fails on a sample debtor, with the sandbox's
    reason (French, with the line). Empty when the template can be stored."""
    errors: dict[str, TemplateRejected] = {}
    limits = template_limits()
    for full in (True, False):
        for tone, penalties in (("neutral", "claimed"), ("courteous", "none")):
            context = sample_context(
                language, step=tpl.StepInfo(key=key, tone=tone, penalties=penalties), full=full
            )
            for part in PARTS_BY_STEP.get(key, ()):
                if part in errors or not sources.get(part):
                    continue
                try:
                    rendered = render(sources[part], context, html=part == "html", limits=limits)
                    if part == "html":
                        inline_css(rendered)  # as composing will: styles too heavy are refused
                except TemplateRejected as exc:
                    errors[part] = exc
    return errors


# ---------------------------------------------------------------------------- services


class TemplateEditError(ValueError):
    """A template refused: a message per part (French, with the line when known)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{part} : {message}" for part, message in errors.items()))
        self.errors = errors


@transaction.atomic
def message_template_save(
    *,
    organisation: Organisation,
    key: str,
    language: str,
    sources: Mapping[str, str],
    actor: Actor,
) -> MessageTemplate:
    """Store the organisation's wording of a step in a language; refused (``TemplateEditError``)
    when a part is missing, does not compile or fails on a sample debtor."""
    parts = PARTS_BY_STEP.get(key)
    if parts is None or language not in tpl.LANGUAGES:
        raise TemplateEditError({"": _("Modèle inconnu.")})
    clean = {part: sources.get(part, "").replace("\r\n", "\n") for part in parts}
    errors = {
        part: _("Ce champ est obligatoire.")
        for part in parts
        if part != "html" and not clean[part].strip()
    }
    errors.update({part: str(exc) for part, exc in check_sources(key, language, clean).items()})
    if errors:
        raise TemplateEditError(errors)
    existing = (
        MessageTemplate.objects.select_for_update()
        .filter(organisation=organisation, key=key, language=language)
        .first()
    )
    before, _own = template_sources(organisation.pk, key, language)
    row = existing or MessageTemplate(organisation=organisation, key=key, language=language)
    row.subject, row.text, row.html = clean.get("subject", ""), clean["text"], clean.get("html", "")
    row.updated_by = actor.user
    row.save()
    if existing is None or before != clean:
        audit_record(
            organisation=organisation, actor=actor, action="message_template_save",
            entity_type="message_template", entity_id=f"{key}/{language}",
            before=dict(before) if existing else None, after=dict(clean),
        )  # fmt: skip
    return row


@transaction.atomic
def message_template_reset(
    *, organisation: Organisation, key: str, language: str, actor: Actor
) -> bool:
    """Go back to the shipped default; False when the organisation had no template of its own."""
    existing = MessageTemplate.objects.filter(
        organisation=organisation, key=key, language=language
    ).first()
    if existing is None:
        return False
    before = {"subject": existing.subject, "text": existing.text, "html": existing.html}
    existing.delete()
    audit_record(
        organisation=organisation, actor=actor, action="message_template_reset",
        entity_type="message_template", entity_id=f"{key}/{language}",
        before=before, after=None,
    )  # fmt: skip
    return True
