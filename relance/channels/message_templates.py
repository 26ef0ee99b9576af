"""An organisation's own wording of its messages, used instead of the shipped defaults.

A ``MessageTemplate`` holds every part of one named template in one language (subject, text,
HTML, as its kind has them); without one, the shipped default of that name is used. A step
names its template (``ScenarioStep.template``); composition asks ``render_message``, which
finds it by that name (``template_sources``, the one place) and renders it in the sandbox.
A template is only stored once it compiles and renders, in the sandbox, for two sample
debtors (one with penalties and a deadline, one without): a mistake is caught when saving,
not at 7 a.m.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

import css_inline
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation
from relance.channels.models import MessageTemplate
from relance.channels.templating import Limits
from relance.channels.templating import context as tpl
from relance.channels.templating.default_templates import (
    PARTS_BY_KIND,
    PARTS_BY_STEP,
    RenderedMessage,
    UnknownDefault,
    default_source,
    render_parts,
    template_kind,
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
Overrides = dict[tuple[str, str], Sources]  # (template name, language) -> the organisation's parts
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


class MissingTemplate(UnknownDefault):
    """No template of this name in this language: neither the organisation's nor shipped."""

    def __init__(self, name: str, language: str, step: str = "") -> None:
        self.name, self.language, self.step = name, language, step
        where = f" pour l'étape « {step} »" if step else ""
        super().__init__(f"Pas de modèle « {name} »{where} ({language}).")


def organisation_templates(organisation_id: int) -> Overrides:
    """Every template of an organisation, read once for a batch of messages: the parts of
    its kind (``PARTS_BY_KIND``)."""
    return _overrides(MessageTemplate.objects.filter(organisation_id=organisation_id))


def _overrides(rows: QuerySet[MessageTemplate]) -> Overrides:
    found: Overrides = {}
    for key, language, kind, *parts in rows.values_list(
        "key", "language", "kind", "subject", "text", "html"
    ):
        sources = dict(zip(PARTS, parts, strict=True))
        found[(key, language)] = {p: sources[p] for p in PARTS_BY_KIND.get(kind, PARTS)}
    return found


def template_kind_of(organisation_id: int, name: str) -> str | None:
    """The kind of the template of this name: the organisation's own, else the shipped one's;
    None when there is none."""
    own = (
        MessageTemplate.objects.filter(organisation_id=organisation_id, key=name)
        .values_list("kind", flat=True)
        .first()
    )
    return own or template_kind(name)


def template_parts(organisation_id: int, name: str) -> tuple[str, ...] | None:
    """The parts of the template of this name (None when there is none)."""
    kind = template_kind_of(organisation_id, name)
    if kind is None:
        return None
    return PARTS_BY_STEP.get(name) or PARTS_BY_KIND[kind]


def template_sources(
    organisation_id: int, key: str, language: str, overrides: Overrides | None = None
) -> tuple[Sources, bool]:
    """The one place a template is found by name: the organisation's template of that name
    and language, else the shipped default of that name; and whether it is the organisation's
    own. ``MissingTemplate`` when there is neither."""
    if overrides is None:
        overrides = _overrides(
            MessageTemplate.objects.filter(
                organisation_id=organisation_id, key=key, language=language
            )
        )
    own = overrides.get((key, language))
    if own is not None:
        return dict(own), True
    parts = PARTS_BY_STEP.get(key)
    if parts is None or language not in tpl.LANGUAGES:
        raise MissingTemplate(key, language)
    return {part: default_source(key, language, part) for part in parts}, False


def render_message(
    context: tpl.MessageContext,
    *,
    organisation_id: int,
    template: str | None = None,
    overrides: Overrides | None = None,
) -> RenderedMessage:
    """The message of a step in the context's language, with the template named ``template``
    (default: the one named like the step). Raises ``MissingTemplate`` when there is no such
    template, saying for which step, and ``TemplateRejected`` when the organisation's template
    fails for this debtor."""
    name = template or context.step.key
    language = context.message_language
    try:
        sources, own = template_sources(organisation_id, name, language, overrides)
    except MissingTemplate:
        raise MissingTemplate(name, language, context.step.key) from None
    return render_parts(sources, context, shipped=not own, limits=template_limits())


def render_message_for_staff(
    context: tpl.MessageContext, *, organisation_id: int, template: str | None = None
) -> tuple[RenderedMessage, str]:
    """``render_message`` for a person to read or send from the to-do: when the
    organisation's template is refused for this debtor, the shipped wording, and the reason
    (else ""), so that the task opens and says what to fix instead of failing."""
    try:
        return render_message(context, organisation_id=organisation_id, template=template), ""
    except TemplateRejected as exc:
        shipped = render_message(context, organisation_id=organisation_id, template=template,
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
    """Each part given that does not compile or fails on a sample debtor, with the sandbox's
    reason (French, with the line). Empty when the template can be stored."""
    errors: dict[str, TemplateRejected] = {}
    limits = template_limits()
    for full in (True, False):
        for tone, penalties in (("neutral", "claimed"), ("courteous", "none")):
            context = sample_context(
                language, step=tpl.StepInfo(key=key, tone=tone, penalties=penalties), full=full
            )
            for part in PARTS:
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
    """Store the organisation's wording of a template in a language; refused
    (``TemplateEditError``) when a part is missing, does not compile or fails on a sample
    debtor. The template must exist (shipped, or the organisation's: see
    ``relance.channels.step_templates`` for creating one for a step)."""
    kind = template_kind_of(organisation.pk, key)
    parts = template_parts(organisation.pk, key)
    if kind is None or parts is None or language not in tpl.LANGUAGES:
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
    try:
        before, _own = template_sources(organisation.pk, key, language)
    except MissingTemplate:  # an own template not yet written in this language
        before = {}
    row = existing or MessageTemplate(organisation=organisation, key=key, language=language,
                                      kind=kind)  # fmt: skip
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
    """Go back to the shipped default; False when the organisation had no template of its own
    or when no shipped default has this name (the template would be gone)."""
    if key not in PARTS_BY_STEP:
        return False
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
