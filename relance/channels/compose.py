"""From a reminder recorded by the daily run to the exact e-mail that will leave.

The daily run decides who gets which step; here the message is written: the account
statement of the customer's open items, the structured payment reference, the penalties the
step mentions or claims, the template of the step in the debtor's language (the organisation's
own, else the default: see ``message_templates``), and the content check that holds back an
automatic send that looks like spam.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from relance.accounts.audit import Actor, audit_record_many
from relance.accounts.models import Membership, Organisation, Role, User
from relance.channels.enqueue import Draft, outbox_enqueue_many
from relance.channels.message_templates import (
    MissingTemplate,
    Overrides,
    inline_css,
    organisation_templates,
    render_message,
    render_message_for_staff,
)
from relance.channels.rate_gaps import (
    Payments,
    due_items,
    instalment_payments,
    rate_gap_notes,
    rate_gaps_and_indemnity,
)
from relance.channels.sms.segments import plain_spaces
from relance.channels.step_templates import default_for_step
from relance.channels.templating import context as tpl
from relance.channels.templating.content import ContentReport, check_content
from relance.channels.templating.default_templates import (
    CALL_STEPS,
    SMS_STEPS,
    RenderedMessage,
)
from relance.channels.templating.sandbox import TemplateRejected
from relance.core import scenario as core
from relance.core.calendar import for_customer
from relance.core.penalties import debtor_lines, invoice_penalties, regime_for
from relance.core.planner import FORMAL_NOTICE_DAYS
from relance.core.rates import RateNotFoundError, RateTables
from relance.dunning.models import Reminder, ReminderItem, ReminderStatus
from relance.ledger.models import Contact, Customer, Invoice
from relance.ledger.portal_links import (
    NO_LINK,
    PortalAddress,
    portal_link_shown,
    portal_links_issue,
)
from relance.ledger.selectors import customer_payment_reference, open_instalments
from relance.lib.forked import map_forked
from relance.rates.tables import rate_tables

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ComposedEmail:
    sender: str
    reply_to: str
    recipients: list[str]
    copy_to: list[str]
    subject: str
    text: str
    html: str
    report: ContentReport
    attachments: list[dict[str, object]]
    interest_missing: bool = False  # claimed penalties without their interest (no rate)
    blind_copy: list[str] = field(default_factory=list)


def _collector_copy(
    how: str, collector: str, main: list[str], copy: list[str]
) -> tuple[list[str], list[str]]:
    """The copies once the step's copy to the collector is added (``how``: "", "cc" or
    "bcc"); never a copy to someone the message already goes to."""
    if not how or not collector or collector in main or collector in copy:
        return copy, []
    if how == "cc":
        return sorted([*copy, collector]), []
    return copy, [collector]


def invoice_pdfs(reminder: Reminder) -> list[dict[str, object]]:
    """The PDFs of the invoices a reminder is about, as the outbox stores them."""
    found: list[dict[str, object]] = []
    invoices = (
        Invoice.objects.filter(instalments__reminder_items__reminder=reminder)
        .exclude(pdf="").distinct().order_by("number")
    )  # fmt: skip
    for invoice in invoices:
        with invoice.pdf.open("rb") as handle:
            data = handle.read()
        found.append({"name": f"{invoice.number}.pdf", "path": invoice.pdf.name,
                      "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})  # fmt: skip
    return found


def reminder_template(reminder: Reminder) -> str:
    """The name of the template a reminder is written with: the one its step named when the
    run planned it. A reminder planned before steps named their template (none recorded) gets
    the one its channel used then: the SMS template, the legal note, its step's call script
    or the first one, else the template of its step's key."""
    if reminder.template:
        return reminder.template
    if reminder.channel == "sms":
        return reminder.step if reminder.step in SMS_STEPS else "sms"
    if reminder.channel == "legal":
        return "legal"
    if reminder.channel == "call":
        return reminder.step if reminder.step in CALL_STEPS else CALL_STEPS[0]
    return reminder.step


def _address(*lines: str) -> str:
    return "\n".join(line for line in lines if line.strip())


# (organisation id, collector user id) -> who signs; one per batch, since a day's batch asks
# the same question thousands of times.
Collectors = dict[tuple[int, int | None], tpl.Collector]


# id, number, issued, due, amount, outstanding, then the invoice's order, quote and contract
# references (``STATEMENT_REFERENCES``).
StatementRow = tuple[int, str, date, date, Decimal, Decimal, str, str, str]
STATEMENT_REFERENCES = (
    "invoice__order_reference", "invoice__quote_reference", "invoice__contract_reference",
)  # fmt: skip


@dataclass
class Prefetched:
    """What writing a day's messages needs, read in a few queries for the whole batch."""

    statements: dict[tuple[int, str], list[StatementRow]]  # (customer, currency) -> open items
    emails: dict[int, list[tuple[str, bool, bool]]]  # customer -> (e-mail, primary, in copy)
    contact_names: dict[int, str]  # customer -> the name of the person written to
    items: dict[int, list[list[object]]]  # reminder -> [instalment id, outstanding]
    collectors: Collectors
    templates: Overrides | None = None  # the organisation's own templates
    payments: Payments | None = None  # of the open items, for the penalties
    tables: RateTables | None = None  # the rate tables, read once for the batch
    portal_urls: dict[int, PortalAddress] | None = None  # customer -> its portal link


def prefetch(organisation: Organisation, reminders: Sequence[Reminder]) -> Prefetched:
    customer_ids = sorted({reminder.customer_id for reminder in reminders})
    statements: dict[tuple[int, str], list[StatementRow]] = {}
    emails: dict[int, list[tuple[str, bool, bool]]] = {}
    names: dict[int, str] = {}
    for start in range(0, len(customer_ids), 500):
        chunk = customer_ids[start : start + 500]
        for customer_id, currency, *row in (
            open_instalments(organisation).filter(customer_id__in=chunk)
            .values_list("customer_id", "invoice__currency", "id", "invoice__number",
                         "invoice__issue_date", "due_date", "amount", "outstanding",
                         *STATEMENT_REFERENCES)
            .order_by("due_date", "id")
        ):  # fmt: skip
            statements.setdefault((customer_id, currency), []).append(tuple(row))
        for customer_id, email, primary, copy in (
            Contact.objects.filter(customer_id__in=chunk).exclude(email="")
            .order_by("id").values_list("customer_id", "email", "is_primary", "in_copy")
        ):  # fmt: skip
            emails.setdefault(customer_id, []).append((email, primary, copy))
        names.update(_contact_names(chunk))
    items: dict[int, list[list[object]]] = {}
    reminder_ids = [reminder.pk for reminder in reminders]
    for start in range(0, len(reminder_ids), 500):
        for reminder_id, instalment_id, outstanding in ReminderItem.objects.filter(
            reminder_id__in=reminder_ids[start : start + 500]
        ).values_list("reminder_id", "instalment_id", "outstanding"):
            items.setdefault(reminder_id, []).append([instalment_id, str(outstanding)])
    open_ids = [row[0] for rows in statements.values() for row in rows]
    return Prefetched(statements=statements, emails=emails, contact_names=names,
                      items=items, collectors={},
                      templates=organisation_templates(organisation.pk),
                      payments=instalment_payments(open_ids), tables=rate_tables(),
                      portal_urls=portal_links_issue(organisation=organisation,
                                                     customer_ids=customer_ids,
                                                     actor=PORTAL_ACTOR))  # fmt: skip


PORTAL_ACTOR = Actor.system("relances")


def _contact_names(customer_ids: Sequence[int]) -> dict[int, str]:
    """Each customer's person to greet: the primary contact's name, else the first named."""
    found: dict[int, str] = {}
    for customer_id, name in (
        Contact.objects.filter(customer_id__in=list(customer_ids)).exclude(name="")
        .order_by("customer_id", "-is_primary", "id").values_list("customer_id", "name")
    ):  # fmt: skip
        found.setdefault(customer_id, name.strip())
    return found


def portal_for(
    customer: Customer, prefetched: Prefetched | None, given: PortalAddress | None
) -> PortalAddress:
    """The link a message carries: the one a sending path issued (``given``, or for its whole
    batch in ``prefetched``). Without one this is a preview, a read: it shows the customer's
    current link, else an example, and never creates a link."""
    if given is not None:
        return given
    if prefetched is not None and prefetched.portal_urls is not None:
        return prefetched.portal_urls.get(customer.pk, NO_LINK)
    return portal_link_shown(customer)


def signer(organisation: Organisation, user: User | None) -> tpl.Collector:
    """Who signs: the person's name, title and phone (their profile); the organisation's name
    when the person has no name — never an e-mail address in place of a name."""
    fallback = organisation.sender_name or organisation.legal_name
    if user is None:
        return tpl.Collector(name=fallback)
    return tpl.Collector(name=user.get_full_name() or fallback, email=user.email,
                         phone=user.phone, title=user.title)  # fmt: skip


def _collector(reminder: Reminder, known: Collectors | None = None) -> tpl.Collector:
    organisation = reminder.organisation
    key = (organisation.pk, reminder.customer.collector_id)
    if known is not None and key in known:
        return known[key]
    user = reminder.customer.collector
    if user is None:
        membership = (
            Membership.objects.filter(organisation=organisation,
                                      role__in=[Role.COLLECTOR, Role.ADMIN])
            .select_related("user").order_by("role", "id").first()
        )  # fmt: skip
        user = membership.user if membership else None
    found = signer(organisation, user)
    if known is not None:
        known[key] = found
    return found


def message_context(
    reminder: Reminder,
    *,
    today: date,
    prefetched: Prefetched | None = None,
    overdue_only: bool = False,
    language: str = "",
    portal: PortalAddress | None = None,
) -> tpl.MessageContext:
    """``overdue_only``: the statement lists the overdue items only (a collector's choice);
    ``language``: write the message in this language rather than the customer's;
    ``portal``: the link a sending path issued (see ``portal_for``)."""
    customer: Customer = reminder.customer
    link = portal_for(customer, prefetched, portal)
    organisation: Organisation = reminder.organisation
    if prefetched is not None:
        rows = prefetched.statements.get((customer.pk, reminder.currency), [])
    else:
        rows = list(
            open_instalments(organisation)
            .filter(customer=customer, invoice__currency=reminder.currency)
            .values_list("id", "invoice__number", "invoice__issue_date", "due_date", "amount",
                         "outstanding", *STATEMENT_REFERENCES)
        )  # fmt: skip
    if overdue_only:
        rows = [row for row in rows if row[3] < today]
    items = tuple(
        tpl.OpenItem(number=number, issue_date=issued, due_date=due,
                     days_late=(today - due).days, amount=Decimal(amount).quantize(ZERO),
                     outstanding=Decimal(owed).quantize(ZERO), currency=reminder.currency,
                     order_reference=order, quote_reference=quote, contract_reference=contract)
        for _, number, issued, due, amount, owed, order, quote, contract in rows
    )  # fmt: skip
    penalties = None
    if reminder.penalties != "none":
        penalties = debtor_penalties(
            customer, [row for row in rows if row[3] < today], today, reminder.currency,
            language, prefetched,
        )  # fmt: skip
    return tpl.MessageContext(
        organisation=tpl.Organisation(
            name=organisation.legal_name,
            address=_address(organisation.address_line1,
                             f"{organisation.postal_code} {organisation.city}"),
            sender_name=organisation.sender_name or organisation.legal_name,
            iban=organisation.iban, bic=organisation.bic, email=organisation.sender_email,
            registration=organisation.siren or organisation.enterprise_number,
        ),
        customer=tpl.Customer(
            name=customer.name, reference=customer.external_ref, kind=customer.kind,
            country=customer.country, language=customer.language,
            address=_address(customer.address_line1, customer.address_line2,
                             f"{customer.postal_code} {customer.city}"),
            contact_name=prefetched.contact_names.get(customer.pk, "") if prefetched
            else _contact_names([customer.pk]).get(customer.pk, ""),
        ),
        collector=_collector(reminder, prefetched.collectors if prefetched else None),
        step=tpl.StepInfo(key=reminder.step, tone=reminder.tone, penalties=reminder.penalties),
        items=items,
        total_due=sum((item.outstanding for item in items), ZERO),
        total_overdue=sum((item.outstanding for item in items if item.days_late > 0), ZERO),
        today=today,
        currency=reminder.currency,
        payment_reference=customer_payment_reference(customer),
        portal_url=link.url,
        portal_short_url=link.short_url,
        penalties=penalties,
        deadline=pay_by(reminder, customer, today),
        language=language,
    )  # fmt: skip


def pay_by(reminder: Reminder, customer: Customer, today: date) -> date | None:
    """The date the message asks to be paid by: the step's days to pay, moved to the next
    business day of the customer's country (as the planner moves steps); a formal notice
    without them gives its usual days; else none."""
    days = reminder.option("pay_within")
    if days:
        calendar = for_customer(customer.country, customer.postal_code)
        return calendar.next_business_day(today + timedelta(days=days))
    if reminder.channel == "formal_notice":
        return today + timedelta(days=FORMAL_NOTICE_DAYS)
    return None


def debtor_penalties(
    customer: Customer,
    overdue: list[tuple[Any, ...]],
    today: date,
    currency: str,
    language: str = "",
    prefetched: Prefetched | None = None,
) -> tpl.Penalties | None:
    """The penalties of the overdue rows, worded for the debtor in ``language`` (default: the
    customer's), with no source or staff note: ``relance.core.penalties`` computes, this reads
    the payments."""
    regime = regime_for(customer.country, customer.kind)
    if regime is None or not overdue:
        return None
    items = due_items(overdue, prefetched.payments if prefetched else None)
    tables = prefetched.tables if prefetched and prefetched.tables else rate_tables()
    computed = invoice_penalties(items, regime=regime, until=today, tables=tables,
                                 currency=currency)  # fmt: skip
    language = language or customer.language
    if any(isinstance(error, RateNotFoundError) for error in computed.errors):
        # No published rate for some days: never guess one, and never drop the penalties
        # silently either; the message says the interest is not computed.
        return rate_gaps_and_indemnity(items, regime=regime, today=today, currency=currency,
                                       tables=tables, language=language)[0]  # fmt: skip
    if computed.errors:
        return None
    return tpl.Penalties(interest=computed.interest, indemnity=computed.indemnity,
                         total=computed.total, lines=debtor_lines(computed, language))  # fmt: skip


def compose_email(
    reminder: Reminder,
    *,
    today: date,
    attach_pdfs: bool = True,
    prefetched: Prefetched | None = None,
    overdue_only: bool = False,
    extra_copy: Sequence[str] = (),
    own_templates: bool = True,
    portal: PortalAddress | None = None,
    attachments: list[dict[str, object]] | None = None,
) -> ComposedEmail | None:
    """The e-mail of a reminder, or None when the customer has no e-mail address.

    ``extra_copy``: people a collector adds in copy (the first one is the recipient when the
    customer has no address of its own); ``overdue_only`` as in ``message_context``;
    ``own_templates=False``: the shipped wording even where the organisation has its own;
    ``portal`` as in ``message_context``; ``attachments``: the files it carries, when the
    caller read them already (else the invoices' PDFs, if ``attach_pdfs`` and the step asks).
    """
    if prefetched is not None:
        contacts = prefetched.emails.get(reminder.customer_id, [])
    else:
        contacts = list(
            Contact.objects.filter(customer=reminder.customer).exclude(email="")
            .order_by("id").values_list("email", "is_primary", "in_copy")
        )  # fmt: skip
    main = (
        [email for email, primary, _ in contacts if primary]
        or [email for email, _, copy in contacts if not copy][:1]
        or list(extra_copy[:1])
    )
    if not main:
        return None
    copy = sorted(({email for email, _, in_copy in contacts if in_copy} | set(extra_copy))
                  - set(main))  # fmt: skip
    context = message_context(reminder, today=today, prefetched=prefetched,
                              overdue_only=overdue_only, portal=portal)  # fmt: skip
    copy, blind = _collector_copy(reminder.option("copy_collector"), context.collector.email,
                                  main, copy)  # fmt: skip
    if attachments is None:
        with_pdfs = attach_pdfs and reminder.option("attach_invoices")
        attachments = invoice_pdfs(reminder) if with_pdfs else []
    context = replace(context, invoices_attached=bool(attachments))
    overrides = prefetched.templates if prefetched else None
    rendered = render_message(context, organisation_id=reminder.organisation_id,
                              template=reminder_template(reminder),
                              overrides=overrides if own_templates else {})  # fmt: skip
    html = inline_css(rendered.html) if rendered.html else ""
    organisation = reminder.organisation
    sender_address = organisation.sender_email or settings.DEFAULT_FROM_EMAIL
    return ComposedEmail(
        sender=f"{organisation.sender_name or organisation.legal_name} <{sender_address}>",
        reply_to=context.collector.email,
        recipients=main,
        copy_to=copy,
        blind_copy=blind,
        subject=rendered.subject,
        text=rendered.text,
        html=html,
        report=check_content(
            rendered.subject, rendered.text, html or None, language=context.message_language,
            attachments=[(str(a["name"]), int(str(a["size"]))) for a in attachments],
        ),
        attachments=attachments,
        interest_missing=bool(context.penalties and context.penalties.interest_missing
                              and reminder.penalties == "claimed"),
    )  # fmt: skip


@transaction.atomic
def outbox_fill(*, organisation: Organisation, day: date, actor: Actor) -> dict[str, int]:
    """Write the e-mails of the day's automatic reminders into the outbox.

    A reminder without an e-mail address, without the template its step names, or whose
    message the content check holds back, goes to the to-do with the reason instead.
    """
    counts = {"queued": 0, "no_address": 0, "no_template": 0, "held": 0, "sms": 0,
              "fallback": 0}  # fmt: skip
    counts["fallback"] += sms_fallbacks(organisation=organisation, day=day)
    with_pdfs = Invoice.objects.filter(organisation=organisation).exclude(pdf="").exists()
    reminders = list(
        Reminder.objects.filter(organisation=organisation, run_date=day, channel="email",
                                mode="auto", status=ReminderStatus.READY, message=None)
        .select_related("customer", "organisation", "customer__collector")
    )  # fmt: skip
    prefetched = prefetch(organisation, reminders)
    held: list[tuple[str, dict[str, object] | None, dict[str, object] | None]] = []
    drafts: list[Draft] = []
    written = _compose_day(reminders, day=day, with_pdfs=with_pdfs, prefetched=prefetched)
    for reminder, composed in zip(reminders, written, strict=True):
        if isinstance(composed, NotWritten):
            _to_todo(reminder, composed.note)
            counts[composed.count] += 1
            continue
        if composed is None and reminder.option("fallback") and _fall_back(reminder, "letter"):
            counts["fallback"] += 1
            continue
        if composed is None:
            _to_todo(reminder, "Aucune adresse e-mail pour ce client.")
            counts["no_address"] += 1
            continue
        if composed.report.hold:
            reasons = [reason.message_fr for reason in composed.report.reasons]
            _to_todo(reminder, "Message retenu par le contrôle de contenu : " + "; ".join(reasons))
            held.append((str(reminder.uuid), None, {"score": composed.report.score}))
            counts["held"] += 1
            continue
        if composed.interest_missing:
            _note(reminder, rate_gap_notes(reminder, today=day))
        drafts.append(Draft(reminder=reminder, sender=composed.sender,
                            recipients=composed.recipients, copy_to=composed.copy_to,
                            blind_copy=composed.blind_copy,
                            reply_to=composed.reply_to, subject=composed.subject,
                            body_text=composed.text, body_html=composed.html,
                            attachments=composed.attachments,
                            items=prefetched.items.get(reminder.pk, [])))  # fmt: skip
    counts["queued"] = len(outbox_enqueue_many(drafts))
    counts["sms"] = _fill_sms(organisation, day)
    audit_record_many(organisation=organisation, actor=actor, action="message_held",
                      entity_type="reminder", changes=held)  # fmt: skip
    return counts


@dataclass(frozen=True, slots=True)
class NotWritten:
    """A reminder whose e-mail could not be written: the to-do note and the count it adds to."""

    note: str
    count: str


def _compose_day(
    reminders: Sequence[Reminder], *, day: date, with_pdfs: bool, prefetched: Prefetched
) -> list[ComposedEmail | NotWritten | None]:
    """The e-mails of the day's reminders, written in as many processes as the machine has
    cores to spare: everything they need is read here first (who signs, the invoices' PDFs),
    so that writing them runs no query."""
    for reminder in reminders:
        _collector(reminder, prefetched.collectors)
    pdfs = {reminder.pk: invoice_pdfs(reminder) for reminder in reminders
            if with_pdfs and reminder.option("attach_invoices")}  # fmt: skip

    def compose(reminder: Reminder) -> ComposedEmail | NotWritten | None:
        try:
            return compose_email(reminder, today=day, prefetched=prefetched,
                                 attachments=pdfs.get(reminder.pk, []))  # fmt: skip
        except MissingTemplate as exc:
            return NotWritten(str(exc), "no_template")
        except TemplateRejected as exc:
            return NotWritten(f"Modèle de l'organisation refusé pour ce client : {exc}", "held")

    return map_forked(compose, reminders)


def _fill_sms(organisation: Organisation, day: date) -> int:
    """The day's automatic SMS reminders, written into the outbox with the default SMS text."""
    from relance.channels.sms.service import SmsRefused, default_sms_sender, sms_enqueue

    queued = 0
    reminders = list(
        Reminder.objects.filter(
            organisation=organisation, run_date=day, channel="sms", mode="auto",
            status=ReminderStatus.READY, message=None,
        ).select_related("customer", "organisation", "customer__collector")
    )  # fmt: skip
    if not reminders:
        return 0
    sender = default_sms_sender(organisation.sender_name or organisation.legal_name)
    phones = _first_phones([reminder.customer_id for reminder in reminders])
    for reminder in reminders:
        if reminder.customer_id not in phones:
            _to_todo(reminder, "Aucun numéro de téléphone pour ce client.")
    reminders = [reminder for reminder in reminders if reminder.customer_id in phones]
    prefetched = prefetch(organisation, reminders)  # the links of the batch issued at once
    for reminder in reminders:
        phone = phones[reminder.customer_id]
        try:
            text = compose_sms_text(reminder, today=day, prefetched=prefetched)
            sms_enqueue(reminder=reminder, sender=sender, to=phone, text=text)
        except MissingTemplate as exc:
            _to_todo(reminder, str(exc))
            continue
        except TemplateRejected as exc:
            _to_todo(reminder, f"Modèle de l'organisation refusé pour ce client : {exc}")
            continue
        except SmsRefused as exc:
            _to_todo(reminder, f"SMS impossible : {exc}")
            continue
        queued += 1
    return queued


def _first_phones(customer_ids: Sequence[int]) -> dict[int, str]:
    """Each customer's number to text: the primary contact's, else the first one's."""
    found: dict[int, str] = {}
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), 500):
        for customer_id, phone in (
            Contact.objects.filter(customer_id__in=ids[start : start + 500]).exclude(phone="")
            .order_by("customer_id", "-is_primary", "id").values_list("customer_id", "phone")
        ):  # fmt: skip
            found.setdefault(customer_id, phone)
    return found


def compose_sms_text(
    reminder: Reminder, *, today: date, prefetched: Prefetched | None = None
) -> str:
    """The SMS of a reminder, in the organisation's wording when it has its own (the morning
    run's: a refused template sends the reminder to the to-do), with plain spaces
    (``plain_spaces``)."""
    context = message_context(reminder, today=today, prefetched=prefetched)
    rendered = render_message(context, organisation_id=reminder.organisation_id,
                              template=reminder_template(reminder),
                              overrides=prefetched.templates if prefetched else None)  # fmt: skip
    return plain_spaces(rendered.text.strip())


def compose_sms_for_staff(
    reminder: Reminder, *, today: date, portal: PortalAddress | None = None
) -> tuple[str, str]:
    """The to-do's SMS text, and why the organisation's template was set aside ("" if not);
    ``portal`` as in ``message_context`` (none: a preview)."""
    context = message_context(reminder, today=today, portal=portal)
    rendered, refused = render_message_for_staff(
        context, organisation_id=reminder.organisation_id, template=reminder_template(reminder)
    )
    return plain_spaces(rendered.text.strip()), refused


def compose_instructions(reminder: Reminder, *, today: date) -> tuple[RenderedMessage, str]:
    """What a person reads for a manual task: the call script or the hand-off note its step
    names; and why the organisation's template was set aside for the shipped one ("" when it
    was not)."""
    context = message_context(reminder, today=today)
    return render_message_for_staff(context, organisation_id=reminder.organisation_id,
                                    template=reminder_template(reminder))  # fmt: skip


FALLBACK_NOTES = {
    "letter": "Aucune adresse e-mail pour ce client : relance faite par courrier (canal de "
    "repli de l'étape), à imprimer et poster.",
    "email": "Aucun numéro de téléphone pour ce client : relance faite par e-mail (canal de "
    "repli de l'étape).",
}


def sms_fallbacks(*, organisation: Organisation, day: date) -> int:
    """The day's automatic SMS of steps with a fallback, to customers without a phone number,
    become e-mails (written with the e-mails of the day); returns how many."""
    reminders = list(
        Reminder.objects.filter(
            organisation=organisation, run_date=day, channel="sms", mode="auto",
            status=ReminderStatus.READY, message=None, options__fallback=True,
        ).select_related("customer")
    )  # fmt: skip
    phones = _first_phones([reminder.customer_id for reminder in reminders])
    return sum(
        _fall_back(reminder, "email")
        for reminder in reminders
        if reminder.customer_id not in phones
    )


def _fall_back(reminder: Reminder, channel: str) -> bool:
    """Move the reminder to ``channel`` and say why on it (its to-do and the customer's
    timeline read the notes); a letter goes on the to-do to be printed. False when the
    customer already has a reminder of the day on that channel (it then stays as it is)."""
    taken = Reminder.objects.filter(
        customer_id=reminder.customer_id, run_date=reminder.run_date, channel=channel,
        currency=reminder.currency,
    ).exclude(status__in=[ReminderStatus.CANCELLED, ReminderStatus.SKIPPED])  # fmt: skip
    if taken.exists():
        return False
    status = ReminderStatus.TODO if channel == "letter" else reminder.status
    template = reminder_template(reminder)  # a letter prints the e-mail's template
    if channel == "email":  # an SMS text is no e-mail: the shipped e-mail of the step's tone
        template = default_for_step(core.Step(
            key=reminder.step, offset_days=1, channel="email", mode=reminder.mode,
            tone=reminder.tone, penalties=reminder.penalties,
        ))  # fmt: skip
    reminder.notes = [*reminder.notes, FALLBACK_NOTES[channel]]
    Reminder.objects.filter(pk=reminder.pk).update(
        channel=channel, status=status, notes=reminder.notes, template=template
    )
    reminder.channel, reminder.status, reminder.template = channel, status, template
    return True


def _note(reminder: Reminder, notes: list[str]) -> None:
    reminder.notes = [*reminder.notes, *notes]
    Reminder.objects.filter(pk=reminder.pk).update(notes=reminder.notes)


def _to_todo(reminder: Reminder, note: str) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(
        status=ReminderStatus.TODO, notes=[*reminder.notes, note]
    )
