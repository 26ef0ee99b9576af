"""Sending by hand from the collector's to-do.

A to-do message is composed by the same code as the morning's automatic ones
(``relance.channels.compose``), with what the collector changed on top (``ReminderDraft``:
subject, text, which invoices are listed, penalties, people in copy, files). The preview and
the send share one function. What the collector types (subject, text) is sent exactly as typed,
saved with the send itself, even when the preview had not caught up yet. Everything else
(who it goes to, from whom, the template's text for the invoices listed, the files) is
fingerprinted by the preview: a send whose fingerprint no longer matches the one the collector
last saw (a payment, a contact or a template changed meanwhile) is refused and shown again.
It then goes through the outbox like any other message — stored exactly, claimed once,
re-checked for payments, disputes and promises just before leaving — and, in the embedded
mode, is handed to the SMTP server right after commit with the ``send-outbox`` code; in the
distributed mode, to the Celery task.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import logging
import os
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record, audit_record_many
from relance.accounts.models import Organisation, User
from relance.channels.compose import (
    ComposedEmail,
    Prefetched,
    compose_email,
    compose_sms_for_staff,
    portal_for,
    prefetch,
)
from relance.channels.letter.compose import LetterRefused, compose_letter, letter_problem
from relance.channels.letter.pdf import letters_pdf
from relance.channels.letter.service import letters_print
from relance.channels.models import OutboundMessage, OutboxStatus
from relance.channels.outbox import outbox_enqueue, send_messages
from relance.channels.sms.segments import SmsLength, segment_count
from relance.channels.templating import LANGUAGES, TemplateRejected, check_content
from relance.channels.templating.default_templates import UnknownDefault
from relance.dunning.models import (
    Reminder,
    ReminderAttachment,
    ReminderDraft,
    ReminderStatus,
    StatementItems,
)
from relance.dunning.replies import EMAIL, debtor_replies_answered
from relance.dunning.todo import TODO_STATUSES, no_longer_due, open_todo, todo_withdraw_settled
from relance.ledger.models import Contact, Invoice
from relance.ledger.portal_links import (
    PortalAddress,
    portal_example,
    portal_link_issue,
    portal_links_issue,
)
from relance.ledger.services import LedgerError, contact_update

logger = logging.getLogger(__name__)

# Shown in place of the address when a customer has none: the content can still be previewed.
NO_ADDRESS = "destinataire@adresse-manquante.invalid"
# A step with no template of its own is written with the first reminder's.
FALLBACK_TEMPLATE = "reminder_1"
BUSY = (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.FAILED)


class SendRefused(ValueError):
    """The message cannot leave as it is; the message says why, for the collector."""


class ContentChanged(SendRefused):
    """What would leave is no longer what the collector previewed."""


@dataclass(frozen=True)
class Draft:
    """A collector's changes; empty subject/body = the template's own text."""

    subject: str = ""
    body: str = ""
    statement: str = StatementItems.ALL.value
    penalties: str = ""  # "" = the reminder's
    copy_to: tuple[str, ...] = ()
    phone: str = ""

    @classmethod
    def of(cls, reminder: Reminder, stored: ReminderDraft | None = None) -> Draft:
        if stored is None:
            stored = ReminderDraft.objects.filter(reminder_id=reminder.pk).first()
        if stored is None:
            return cls(penalties=reminder.penalties)
        return cls(subject=stored.subject, body=stored.body, statement=stored.statement,
                   penalties=reminder.penalties, copy_to=tuple(stored.copy_to),
                   phone=stored.phone)  # fmt: skip


@dataclass(frozen=True)
class EmailPreview:
    composed: ComposedEmail | None
    default_subject: str  # the template's, for the options chosen
    default_body: str
    fingerprint: str  # of what would leave, but the subject and text the collector typed
    problem: str = ""  # why it cannot leave ("" when it can)
    notices: tuple[str, ...] = ()
    own_template_refused: bool = False  # the shipped wording stands in for the organisation's


@dataclass(frozen=True)
class SmsPreview:
    sender: str
    phone: str
    phones: tuple[str, ...]
    text: str
    default_text: str
    length: SmsLength
    fingerprint: str
    problem: str = ""
    notices: tuple[str, ...] = ()


@dataclass
class BulkResult:
    sent: list[str] = field(default_factory=list)  # reminder uuids
    refused: dict[str, str] = field(default_factory=dict)  # reminder uuid -> why


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _link_masked(text: str, link: PortalAddress) -> str:
    """The text as the fingerprint sees it: a preview shows the customer's current link or an
    example, the send carries the link it issues, and that difference is no change."""
    for address in (link.url, link.short_url):
        if address:
            text = text.replace(address, "\x00portal\x00")
    return text


def _real_link(text: str, link: PortalAddress) -> str:
    """A text the collector edited from a preview keeps the preview's example link: it shows,
    and leaves with, the message's own link instead."""
    example = portal_example()
    if not text or link == example:
        return text
    return text.replace(example.url, link.url).replace(example.short_url, link.short_url)


def _with_penalties(reminder: Reminder, penalties: str) -> Reminder:
    """The reminder as the draft would have it, never saved (the preview changes nothing)."""
    if not penalties or penalties == reminder.penalties:
        return reminder
    twin = copy.copy(reminder)
    twin.penalties = penalties
    return twin


def own_attachments(reminder: Reminder) -> list[dict[str, object]]:
    return [_attachment_entry(a) for a in ReminderAttachment.objects.filter(reminder=reminder)]


def _attachment_entry(attachment: ReminderAttachment) -> dict[str, object]:
    return {"name": attachment.name, "path": attachment.file.name, "sha256": attachment.sha256,
            "size": attachment.size, "content_type": attachment.content_type}  # fmt: skip


_LIST_ITEM = re.compile(r"^\s*[-•*]\s+")


def text_to_html(text: str, language: str) -> str:
    """A collector's own text as the HTML part: paragraphs, line breaks and dashed lists,
    escaped, in the same plain layout as the shipped templates."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        if all(_LIST_ITEM.match(line) for line in lines):
            items = "".join(f"<li>{escape(_LIST_ITEM.sub('', line))}</li>" for line in lines)
            blocks.append(f'<ul style="margin:0 0 12px;padding-left:20px">{items}</ul>')
        else:
            joined = "<br>\n".join(escape(line) for line in lines)
            blocks.append(f'<p style="margin:0 0 12px">{joined}</p>')
    body = "\n".join(blocks)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>\n'
        '<body style="margin:0;padding:0;background:#ffffff">\n<div style="max-width:680px;'
        "margin:0 auto;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;"
        f'line-height:1.5;color:#222222">\n{body}\n</div>\n</body>\n</html>\n'
    )


# --- e-mail -----------------------------------------------------------------------------------


def preview_email(
    reminder: Reminder,
    draft: Draft,
    *,
    today: date,
    prefetched: Prefetched | None = None,
    attachments: list[dict[str, object]] | None = None,
    attach_pdfs: bool = True,
    portal: PortalAddress | None = None,
) -> EmailPreview:
    """The e-mail exactly as it would leave with this draft; nothing is written. ``portal``:
    the link a send issued; without it (and without a batch's), the customer's current link
    or an example, as a preview shows it."""
    twin = _with_penalties(reminder, draft.penalties)
    notices: list[str] = []
    link = portal_for(reminder.customer, prefetched, portal)
    options = {"today": today, "prefetched": prefetched, "attach_pdfs": attach_pdfs,
               "overdue_only": draft.statement == StatementItems.OVERDUE,
               "portal": link}  # fmt: skip
    try:
        base = compose_email(twin, extra_copy=draft.copy_to, **options)  # type: ignore[arg-type]
    except UnknownDefault as exc:
        twin = copy.copy(twin)
        twin.template = FALLBACK_TEMPLATE
        notices.append(f"{exc} Texte du premier rappel.")
        base = compose_email(twin, extra_copy=draft.copy_to, **options)  # type: ignore[arg-type]
    except TemplateRejected as exc:
        # The morning run sent the reminder here for this reason: the collector gets a message
        # to send, in the shipped wording, and the reason to fix the template.
        notices.append(refused_notice(str(exc)))
        options["own_templates"] = False
        base = compose_email(twin, extra_copy=draft.copy_to, **options)  # type: ignore[arg-type]
    problem = ""
    if base is None:
        problem = ("Aucune adresse e-mail pour ce client : ajoutez une personne en copie (elle "
                   "recevra le message) ou un contact e-mail au client.")  # fmt: skip
        base = compose_email(twin, extra_copy=(NO_ADDRESS,), **options)  # type: ignore[arg-type]
        assert base is not None
        base = dataclasses.replace(base, recipients=[], copy_to=[])
    language = reminder.customer.language if reminder.customer.language in LANGUAGES else "fr"
    subject = _real_link(draft.subject, link) or base.subject
    text, html = base.text, base.html
    if draft.body:
        body = _real_link(draft.body, link)
        text = body.rstrip("\n") + "\n"
        html = text_to_html(body, language)
    files = [*base.attachments,
             *(own_attachments(reminder) if attachments is None else attachments)]  # fmt: skip
    sizes = [(str(a["name"]), int(str(a["size"]))) for a in files]
    report = check_content(subject, text, html or None, language=language, attachments=sizes)
    composed = dataclasses.replace(base, subject=subject, text=text, html=html,
                                   attachments=files, report=report)  # fmt: skip
    if not subject.strip():
        problem = problem or "L'objet est vide."
    fingerprint = _fingerprint(
        composed.sender, composed.reply_to, *composed.recipients, "|", *composed.copy_to, "|",
        *(_link_masked(part, link) for part in (base.subject, base.text, base.html)),
        *(str(a["sha256"]) for a in files),
    )  # fmt: skip
    return EmailPreview(composed=composed, default_subject=base.subject,
                        default_body=base.text.rstrip("\n"), fingerprint=fingerprint,
                        problem=problem, notices=tuple(notices),
                        own_template_refused=not options.get("own_templates", True))  # fmt: skip


def _lock_open(reminder: Reminder) -> Reminder:
    fresh = (
        Reminder.objects.select_for_update(of=("self",))
        .select_related("customer", "organisation", "customer__collector")
        .get(pk=reminder.pk)
    )
    if fresh.status not in TODO_STATUSES:
        raise SendRefused(gettext("Cette tâche a déjà été traitée."))
    return fresh


def _detach_previous(reminder: Reminder) -> OutboundMessage | None:
    """A failed delivery being sent again: the old message is kept, no longer the reminder's."""
    previous = OutboundMessage.objects.filter(reminder=reminder).first()
    if previous is None:
        return None
    if previous.status in BUSY:
        raise SendRefused(gettext("Un envoi de cette relance est déjà en cours."))
    OutboundMessage.objects.filter(pk=previous.pk).update(reminder=None)
    return previous


@transaction.atomic
def todo_send_email(
    *, reminder: Reminder, today: date, actor: Actor, fingerprint: str | None
) -> OutboundMessage:
    """Send a to-do e-mail with its draft: the subject and text exactly as saved, the rest as
    previewed (``fingerprint``; None: no check)."""
    fresh = _lock_open(reminder)
    if fresh.channel != "email":
        raise SendRefused(gettext("Ce n'est pas un e-mail."))
    portal = portal_link_issue(customer=fresh.customer, actor=actor)
    preview = preview_email(fresh, Draft.of(fresh), today=today, portal=portal)
    if preview.problem:
        raise SendRefused(preview.problem)
    if fingerprint is not None and fingerprint != preview.fingerprint:
        raise ContentChanged(
            gettext(
                "Le message a changé depuis votre aperçu : vérifiez-le, puis envoyez à nouveau."
            )
        )
    composed = preview.composed
    assert composed is not None
    previous = _detach_previous(fresh)
    message = outbox_enqueue(
        reminder=fresh, sender=composed.sender, recipients=composed.recipients,
        copy_to=composed.copy_to, blind_copy=composed.blind_copy, reply_to=composed.reply_to,
        subject=composed.subject,
        body_text=composed.text, body_html=composed.html, attachments=composed.attachments,
    )  # fmt: skip
    Reminder.objects.filter(pk=fresh.pk).update(status=ReminderStatus.READY, postponed_until=None)
    audit_record(
        organisation=fresh.organisation, actor=actor, action="reminder_send",
        entity_type="reminder", entity_id=str(fresh.uuid),
        before={"status": fresh.status,
                "replaces": str(previous.uuid) if previous is not None else None},
        after=_sent_facts(message, edited=bool(reminder_has_edits(fresh))),
    )  # fmt: skip
    # A person wrote to the customer: their replies waiting for an answer are answered.
    debtor_replies_answered(customer_id=fresh.customer_id, how=EMAIL, actor=actor)
    deliver_after_commit([message.pk], channel="email")
    return message


@transaction.atomic
def bounce_fix_send(
    *, reminder: Reminder, contact: Contact, email: str, today: date, actor: Actor
) -> OutboundMessage:
    """One step for a bounced e-mail: send it again to ``contact`` (another of the customer's
    contacts, or the one that bounced), first correcting its address to ``email`` when given.
    The contact becomes the customer's main one, so that the next reminders go there too.
    Then the message goes through the outbox and the send loop as any to-do e-mail."""
    fresh = _lock_open(reminder)
    if fresh.channel != "email":
        raise SendRefused(gettext("Ce n'est pas un e-mail."))
    if contact.customer_id != fresh.customer_id:
        raise SendRefused(gettext("Ce contact n'est pas celui de ce client."))
    address = email.strip() or contact.email
    if not address:
        raise SendRefused("Donnez l'adresse e-mail de ce contact.")
    try:
        contact_update(contact=contact, actor=actor, name=contact.name, email=address,
                       phone=contact.phone, role=contact.role, is_primary=True,
                       in_copy=False)  # fmt: skip
    except LedgerError as error:
        raise SendRefused(str(error)) from error
    return todo_send_email(reminder=fresh, today=today, actor=actor, fingerprint=None)


def reminder_has_edits(reminder: Reminder) -> bool:
    return ReminderDraft.objects.filter(reminder=reminder).exclude(subject="", body="").exists()


def _sent_facts(message: OutboundMessage, *, edited: bool) -> dict[str, object]:
    return {"message": str(message.uuid), "channel": message.channel, "subject": message.subject,
            "recipients": list(message.recipients), "copy_to": list(message.copy_to),
            "attachments": [a["name"] for a in message.attachments],
            "content_sha256": message.content_sha256, "edited": edited}  # fmt: skip


@transaction.atomic
def todo_send_bulk(
    *, organisation: Organisation, uuids: Sequence[str], today: date, actor: Actor
) -> BulkResult:
    """Validate a batch of routine e-mails from the list: one transaction, one audit batch.

    Only e-mails still on the to-do are taken (not failed deliveries, calls, letters or formal
    notices); one the content check holds back must be opened and sent on its own.
    """
    result = BulkResult()
    wanted: set[str] = set()
    for value in uuids:
        try:
            wanted.add(str(UUID(str(value))))
        except ValueError:
            result.refused[str(value)] = "identifiant inconnu"
    eligible = list(
        open_todo(organisation, today=today)
        .filter(uuid__in=wanted, kind="email", status=ReminderStatus.TODO, message=None)  # type: ignore[misc]
        .values_list("pk", flat=True)
    )
    reminders = list(
        Reminder.objects.select_for_update(of=("self",))
        .filter(pk__in=eligible, status=ReminderStatus.TODO)
        .select_related("customer", "organisation", "customer__collector")
        .order_by("id")
    )
    for missing in wanted - {str(r.uuid) for r in reminders}:
        result.refused[missing] = "pas un e-mail à faire (déjà traité, échec d'envoi ou autre)"
    prefetched = prefetch(organisation, reminders)
    drafts = {d.reminder_id: d for d in ReminderDraft.objects.filter(reminder__in=reminders)}
    files: dict[int, list[dict[str, object]]] = {}
    for attachment in ReminderAttachment.objects.filter(reminder__in=reminders):
        files.setdefault(attachment.reminder_id, []).append(_attachment_entry(attachment))
    with_pdfs = Invoice.objects.filter(organisation=organisation).exclude(pdf="").exists()
    sent: list[tuple[Reminder, OutboundMessage]] = []
    for reminder in reminders:
        preview = preview_email(reminder, Draft.of(reminder, drafts.get(reminder.pk)),
                                today=today, prefetched=prefetched, attach_pdfs=with_pdfs,
                                attachments=files.get(reminder.pk, []))  # fmt: skip
        composed = preview.composed
        if preview.problem or composed is None:
            result.refused[str(reminder.uuid)] = preview.problem
            continue
        if composed.report.hold:
            result.refused[str(reminder.uuid)] = "retenu par le contrôle de contenu : à ouvrir"
            continue
        if preview.own_template_refused:
            result.refused[str(reminder.uuid)] = "modèle de l'organisation refusé : à ouvrir"
            continue
        message = outbox_enqueue(
            reminder=reminder, sender=composed.sender, recipients=composed.recipients,
            copy_to=composed.copy_to, blind_copy=composed.blind_copy,
            reply_to=composed.reply_to, subject=composed.subject,
            body_text=composed.text, body_html=composed.html,
            attachments=composed.attachments, items=prefetched.items.get(reminder.pk, []),
        )  # fmt: skip
        sent.append((reminder, message))
    Reminder.objects.filter(pk__in=[r.pk for r, _ in sent]).update(
        status=ReminderStatus.READY, postponed_until=None
    )
    audit_record_many(
        organisation=organisation, actor=actor, action="reminder_send", entity_type="reminder",
        changes=((str(r.uuid), {"status": r.status, "bulk": True},
                  _sent_facts(m, edited=bool(drafts.get(r.pk) and (drafts[r.pk].subject
                                                                   or drafts[r.pk].body))))
                 for r, m in sent),
    )  # fmt: skip
    result.sent = [str(r.uuid) for r, _ in sent]
    deliver_after_commit([m.pk for _, m in sent], channel="email")
    return result


# --- SMS --------------------------------------------------------------------------------------


def sms_phones(reminder: Reminder) -> list[str]:
    return list(
        Contact.objects.filter(customer_id=reminder.customer_id).exclude(phone="")
        .order_by("-is_primary", "id").values_list("phone", flat=True).distinct()
    )  # fmt: skip


def refused_notice(reason: str) -> str:
    """What the to-do says when the organisation's template is set aside for this customer."""
    return (f"Le modèle de l'organisation est refusé pour ce client ({reason}) : "
            "texte du modèle par défaut.")  # fmt: skip


def preview_sms(
    reminder: Reminder, draft: Draft, *, today: date, portal: PortalAddress | None = None
) -> SmsPreview:
    """The SMS as it would leave; nothing is written. ``portal`` as in ``preview_email``."""
    from relance.channels.sms.service import MAX_SEGMENTS, default_sms_sender, sms_opted_out

    organisation = reminder.organisation
    link = portal_for(reminder.customer, None, portal)
    default, refused = compose_sms_for_staff(_with_penalties(reminder, draft.penalties),
                                             today=today, portal=link)  # fmt: skip
    text = _real_link(draft.body, link) or default
    phones = tuple(sms_phones(reminder))
    phone = draft.phone or (phones[0] if phones else "")
    sender = default_sms_sender(organisation.sender_name or organisation.legal_name)
    length = segment_count(text)
    problem = ""
    if not phone:
        problem = "Aucun numéro de téléphone pour ce client."
    elif sms_opted_out(organisation_id=organisation.pk, phone=phone):
        problem = "Ce numéro a demandé à ne plus recevoir de SMS (STOP)."
    elif length.segments > MAX_SEGMENTS:
        problem = f"SMS trop long : {length.segments} SMS, {MAX_SEGMENTS} au plus."
    return SmsPreview(sender=sender, phone=phone, phones=phones, text=text,
                      default_text=default, length=length, problem=problem,
                      fingerprint=_fingerprint(sender, phone, _link_masked(default, link)),
                      notices=(refused_notice(refused),) if refused else ())  # fmt: skip


@transaction.atomic
def todo_send_sms(
    *, reminder: Reminder, today: date, actor: Actor, fingerprint: str | None
) -> OutboundMessage:
    from relance.channels.sms.service import SmsRefused, sms_enqueue

    fresh = _lock_open(reminder)
    if fresh.channel != "sms":
        raise SendRefused(gettext("Ce n'est pas un SMS."))
    portal = portal_link_issue(customer=fresh.customer, actor=actor)
    preview = preview_sms(fresh, Draft.of(fresh), today=today, portal=portal)
    if preview.problem:
        raise SendRefused(preview.problem)
    if fingerprint is not None and fingerprint != preview.fingerprint:
        raise ContentChanged(
            gettext("Le SMS a changé depuis votre aperçu : vérifiez-le, puis envoyez à nouveau.")
        )
    previous = _detach_previous(fresh)
    try:
        message = sms_enqueue(reminder=fresh, sender=preview.sender, to=preview.phone,
                              text=preview.text)  # fmt: skip
    except SmsRefused as exc:
        raise SendRefused(str(exc)) from exc
    Reminder.objects.filter(pk=fresh.pk).update(status=ReminderStatus.READY, postponed_until=None)
    audit_record(
        organisation=fresh.organisation, actor=actor, action="reminder_send",
        entity_type="reminder", entity_id=str(fresh.uuid),
        before={"status": fresh.status,
                "replaces": str(previous.uuid) if previous is not None else None},
        after=_sent_facts(message, edited=bool(reminder_has_edits(fresh))),
    )  # fmt: skip
    deliver_after_commit([message.pk], channel="sms")
    return message


# --- delivery ---------------------------------------------------------------------------------


def _worker() -> str:
    return f"web:{socket.gethostname()}:{os.getpid()}"


def deliver_after_commit(ids: Sequence[int], *, channel: str) -> None:
    """Once the transaction commits: hand the messages over now (embedded mode, with the
    ``send-outbox`` code) or to the Celery task (distributed mode). A failure here leaves them
    in the outbox, where the next ``send-outbox`` run or worker takes them."""
    ids = list(ids)
    if not ids:
        return

    def deliver() -> None:
        try:
            if settings.RELANCE_EXECUTION == "celery":
                from relance.channels.tasks import send_outbox, send_sms

                (send_sms if channel == "sms" else send_outbox).delay()
            elif channel == "sms":
                from relance.channels.sms.backends import backend_from_url
                from relance.channels.sms.service import send_sms_messages

                send_sms_messages(ids, worker=_worker(),
                                  backend=backend_from_url(settings.SMS_URL))  # fmt: skip
            else:
                send_messages(ids, worker=_worker())
        except Exception as exc:  # the outbox keeps them; a later run sends them
            logger.exception("immediate delivery of messages %s failed", ids)
            # Said on the messages still waiting, so the collector is told why, not "sent".
            OutboundMessage.objects.filter(pk__in=ids, status=OutboxStatus.QUEUED).update(
                last_error=f"envoi immédiat impossible : {exc}"[:1000]
            )

    transaction.on_commit(deliver)


# --- letters ----------------------------------------------------------------------------------


def letter_pdf(reminder: Reminder, *, today: date, printed_by: User | None = None) -> bytes:
    """The letter or formal notice of a reminder as it would print today (nothing recorded)."""
    return letters_pdf([compose_letter(reminder, today=today, printed_by=printed_by)])


def todo_print_letters(*, reminders: Sequence[Reminder], today: date, actor: Actor) -> bytes:
    """Print these letters as one PDF, each keeping the hash of what was printed. A letter
    whose items are no longer due is withdrawn from the to-do, never printed."""
    withdrawn: dict[int, str] = {}
    if reminders:
        withdrawn = todo_withdraw_settled(organisation=reminders[0].organisation, today=today,
                                          actor=actor, reminders=list(reminders))  # fmt: skip
    kept = [reminder for reminder in reminders if reminder.pk not in withdrawn]
    if not kept:
        if withdrawn:
            raise SendRefused(no_longer_due(next(iter(withdrawn.values()))))
        raise SendRefused(gettext("Aucune lettre à imprimer."))
    for reminder in kept:  # no letter without a complete postal address
        if problem := letter_problem(reminder):
            raise SendRefused(f"{reminder.customer.name} : {problem}")
    with transaction.atomic():  # a letter refused below leaves no link issued for the batch
        customer_ids = [reminder.customer_id for reminder in kept]
        links = portal_links_issue(organisation=kept[0].organisation, customer_ids=customer_ids,
                                   actor=actor)  # fmt: skip
        batch = []
        for reminder in kept:
            try:
                letter = compose_letter(reminder, today=today, printed_by=actor.user,
                                        portal=links[reminder.customer_id])  # fmt: skip
            except LetterRefused as exc:
                raise SendRefused(f"{reminder.customer.name} : {exc}") from exc
            batch.append((reminder, letter))
        return letters_print(batch=batch, day=today, actor=actor)
