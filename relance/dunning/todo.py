"""The collector's to-do: what the daily run left for a person, and what they do with it.

A reminder is on the to-do while its status is ``todo`` (manual steps, messages held back by
the content check, customers without an address, uncertain deliveries) or ``failed`` (a
delivery that bounced or was refused for good), or while its message is failing (the SMTP
server refused it or could not be reached; a retry is planned, and the collector sees why),
from its ``run_date`` on — nothing drops off
because a day passed — unless a collector postponed it to a later day.

Here are the dunning-side actions: skip (with a reason), postpone, the draft a collector edits
(subject, text, which invoices are listed, penalties, people in copy) and the files attached
to it. Composing and sending the message is the channels' job (``relance.channels.manual``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_lazy

from relance.accounts.audit import Actor, audit_record, audit_record_many
from relance.accounts.models import Organisation
from relance.core.scenario import PENALTIES
from relance.dunning.completion import (
    reminders_cancel,
    reminders_complete,
    reminders_covered,
    reminders_skip,
)
from relance.dunning.models import (
    Reminder,
    ReminderAttachment,
    ReminderDraft,
    ReminderItem,
    ReminderStatus,
    StatementItems,
)
from relance.dunning.services import DunningError
from relance.dunning.still_due import REASONS, still_due_reasons

TODO_STATUSES = (ReminderStatus.TODO.value, ReminderStatus.FAILED.value)
# Outbox statuses (channels.OutboxStatus) that mean "did not reach the debtor": failing (a
# retry is planned), failed for good, or perhaps gone (a person decides).
FAILED_DELIVERY = ("failed", "dead", "uncertain")
RETRYING = "failed"
FAILED = "failed"
KINDS: dict[str, str | Promise] = {
    "email": gettext_lazy("E-mail"),
    "sms": gettext_lazy("SMS"),
    "letter": gettext_lazy("Lettre"),
    "formal_notice": gettext_lazy("Mise en demeure"),
    "call": gettext_lazy("Appel"),
    "legal": gettext_lazy("Contentieux"),
    FAILED: gettext_lazy("Échec d'envoi"),
}
MAX_POSTPONE_DAYS = 366
MAX_COPY = 10
SKIP_REASON_MIN = 3

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_BYTES = 15 * 1024 * 1024  # all of a message's own files together
MAX_ATTACHMENTS = 10
# Extension -> (content type, what the file must start with; b"" = anything).
ATTACHMENT_TYPES: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".txt": ("text/plain", b""),
    ".csv": ("text/csv", b""),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", b"PK\x03\x04"),
}


# --- reading the to-do ------------------------------------------------------------------------


def open_todo(organisation: Organisation, *, today: date) -> QuerySet[Reminder]:
    """The organisation's open to-do on ``today``, each row annotated with its ``kind``."""
    # Undelivered messages are few and found by their status's index: asked as a list, not
    # joined to every reminder up to today (the join cost 5 times as much at 100,000 customers).
    undelivered = Reminder.objects.filter(message__status__in=FAILED_DELIVERY).values("pk")
    return (
        Reminder.objects.filter(organisation=organisation, run_date__lte=today)
        .filter(Q(status__in=TODO_STATUSES) | Q(status=ReminderStatus.READY, pk__in=undelivered))
        .filter(Q(postponed_until=None) | Q(postponed_until__lte=today))
        .annotate(
            kind=Case(
                When(
                    Q(status=ReminderStatus.FAILED) | Q(message__status__in=FAILED_DELIVERY),
                    then=Value(FAILED),
                ),
                default=F("channel"),
                output_field=CharField(),
            )
        )
    )


@transaction.atomic
def todo_withdraw_settled(
    *,
    organisation: Organisation,
    today: date,
    actor: Actor,
    reminders: Sequence[Reminder] | None = None,
) -> dict[int, str]:
    """Take off the to-do the tasks that are no longer due (paid, disputed, promised, in a
    payment plan, customer paused): the same question every exit asks. ``reminders``: only
    these (a task being opened); else every open task. Returns reminder id -> reason code."""
    if reminders is None:
        ids = list(open_todo(organisation, today=today).values_list("id", flat=True))
    else:
        ids = [reminder.pk for reminder in reminders if reminder.status in TODO_STATUSES]
    reasons = still_due_reasons(organisation, reminders_covered(ids), today=today)
    reminders_cancel(organisation=organisation, reasons=reasons, actor=actor)
    return reasons


def no_longer_due(reason: str) -> str:
    """The staff sentence for a reason code of the "still due?" check."""
    return str(REASONS.get(reason, reason))


def todo_filter(
    rows: QuerySet[Reminder], *, collector: str = "", kind: str = ""
) -> QuerySet[Reminder]:
    """``collector``: a user id, or ``"none"`` for customers nobody is assigned to."""
    if collector == "none":
        rows = rows.filter(customer__collector=None)
    elif collector.isdigit():
        rows = rows.filter(customer__collector_id=int(collector))
    if kind in KINDS:
        rows = rows.filter(kind=kind)  # type: ignore[misc]  # an annotation
    return rows


def todo_rows(rows: QuerySet[Reminder]) -> QuerySet[Reminder]:
    """What the list shows, in one query: largest amount at stake first."""
    oldest = (
        ReminderItem.objects.filter(reminder=OuterRef("pk"))
        .order_by("instalment__due_date")
        .values("instalment__due_date")[:1]
    )
    return (
        rows.select_related("customer", "customer__collector", "message")
        .annotate(oldest_due=Subquery(oldest))
        .order_by("-amount_due", "run_date", "id")
    )


def todo_counts(rows: QuerySet[Reminder]) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    by_kind = rows.order_by().values_list("kind").annotate(n=Count("id"))  # type: ignore[misc]
    for kind, count in by_kind:
        counts[kind] = count
    return counts


def why(reminder: Reminder) -> str:
    """Why a reminder is on the to-do, in a sentence."""
    message = getattr(reminder, "message", None)
    if message is not None and message.status in FAILED_DELIVERY and message.last_error:
        if message.status == RETRYING:
            when = date_format(localtime(message.next_attempt_at), "DATETIME_FORMAT")
            return gettext("%(error)s (nouvel essai automatique le %(when)s)") % {
                "error": message.last_error,
                "when": when,
            }
        return str(message.last_error)
    notes = [str(note) for note in reminder.notes or [] if note]
    # A manual step needs no sentence of its own: the customer's row says why (days late,
    # step reached, last contact, broken promise; ``relance.dunning.todo_board``).
    return notes[-1] if notes else ""


# --- acting on it -----------------------------------------------------------------------------


def _locked(reminder: Reminder) -> Reminder:
    """The reminder, row-locked for this transaction and checked to be still open."""
    fresh = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if fresh.status not in TODO_STATUSES:
        raise DunningError(gettext("Cette tâche a déjà été traitée."))
    return fresh


@transaction.atomic
def reminder_skip(*, reminder: Reminder, reason: str, today: date, actor: Actor) -> Reminder:
    """Leave the message unsent, for a reason that stays in the audit trail."""
    reason = " ".join(reason.split())
    if len(reason) < SKIP_REASON_MIN:
        raise DunningError(gettext("Indiquez pourquoi cette relance est écartée."))
    fresh = _locked(reminder)
    notes = [*fresh.notes, f"Écartée : {reason}"]
    # Not a contact: the items move past the step, the customer's last contact stays.
    reminders_skip(reminder_ids=[fresh.pk], on=today)
    Reminder.objects.filter(pk=fresh.pk).update(notes=notes)
    audit_record(
        organisation=reminder.organisation, actor=actor, action="reminder_skip",
        entity_type="reminder", entity_id=str(reminder.uuid),
        before={"status": fresh.status}, after={"status": "skipped", "reason": reason},
    )  # fmt: skip
    fresh.status, fresh.notes = ReminderStatus.SKIPPED, notes
    return fresh


class NoLongerDue(DunningError):
    """The task was withdrawn from the to-do: what it is about is no longer due."""

    def __init__(self, reason: str) -> None:
        super().__init__(gettext("Tâche retirée du « à faire » : %(reason)s")
                         % {"reason": no_longer_due(reason)})  # fmt: skip
        self.reason = reason


def refuse_if_settled(reminder: Reminder, *, today: date, actor: Actor) -> None:
    """Withdraw the task (committed) and raise ``NoLongerDue`` when it is no longer due; to be
    called before the service's own transaction, so that the withdrawal stays."""
    reasons = todo_withdraw_settled(organisation=reminder.organisation, today=today,
                                    actor=actor, reminders=[reminder])  # fmt: skip
    if reminder.pk in reasons:
        raise NoLongerDue(reasons[reminder.pk])


@transaction.atomic
def reminder_postpone(
    *, reminder: Reminder, until: date, today: date, actor: Actor, reason: str = ""
) -> Reminder:
    """Take the task off the to-do until ``until``; it comes back that day, not before."""
    postpone_check(until, today=today)
    fresh = _locked(reminder)
    reason = " ".join(reason.split())
    note = f"Reportée au {until:%d/%m/%Y}" + (f" : {reason}" if reason else "")
    notes = [*fresh.notes, note]
    Reminder.objects.filter(pk=fresh.pk).update(postponed_until=until, notes=notes)
    audit_record(
        organisation=reminder.organisation, actor=actor, action="reminder_postpone",
        entity_type="reminder", entity_id=str(reminder.uuid),
        before={"postponed_until": fresh.postponed_until.isoformat()
                if fresh.postponed_until else None},
        after={"postponed_until": until.isoformat(), "reason": reason},
    )  # fmt: skip
    fresh.postponed_until, fresh.notes = until, notes
    return fresh


def postpone_check(until: date, *, today: date) -> None:
    if until <= today:
        raise DunningError(gettext("Choisissez une date à venir."))
    if until > today + timedelta(days=MAX_POSTPONE_DAYS):
        raise DunningError(gettext("Un report ne dépasse pas un an."))


@transaction.atomic
def reminders_postpone(
    *, organisation: Organisation, uuids: Sequence[str], until: date, today: date, actor: Actor
) -> list[str]:
    """Put off several open tasks of the list to ``until`` in one write, one audit batch;
    returns the uuids put off (one already done, or another organisation's, is left out)."""
    postpone_check(until, today=today)
    rows = list(
        open_todo(organisation, today=today).filter(uuid__in=list(uuids))
        .select_for_update(of=("self",)).values_list("pk", "uuid", "postponed_until", "notes")
    )  # fmt: skip
    note = f"Reportée au {until:%d/%m/%Y}"
    changed = [
        Reminder(pk=pk, postponed_until=until, notes=[*(notes or []), note])
        for pk, _, _, notes in rows
    ]
    Reminder.objects.bulk_update(changed, ["postponed_until", "notes"], batch_size=500)
    audit_record_many(
        organisation=organisation, actor=actor, action="reminder_postpone",
        entity_type="reminder",
        changes=((str(uuid), {"postponed_until": before.isoformat() if before else None},
                  {"postponed_until": until.isoformat(), "bulk": True})
                 for _, uuid, before, _ in rows),
    )  # fmt: skip
    return [str(uuid) for _, uuid, _, _ in rows]


def reminder_done(*, reminder: Reminder, today: date, actor: Actor, note: str = "") -> Reminder:
    """A task done outside relance (a file handed to the lawyer...): it leaves the to-do, and
    its step counts from ``today``. A task no longer due cannot be done: it is withdrawn
    (``NoLongerDue``)."""
    refuse_if_settled(reminder, today=today, actor=actor)
    return _reminder_done(reminder=reminder, today=today, actor=actor, note=note)


@transaction.atomic
def _reminder_done(*, reminder: Reminder, today: date, actor: Actor, note: str) -> Reminder:
    fresh = _locked(reminder)
    note = " ".join(note.split())
    notes = [*fresh.notes, f"Fait : {note}" if note else "Fait"]
    reminders_complete(reminder_ids=[fresh.pk], on=today)
    Reminder.objects.filter(pk=fresh.pk).update(notes=notes)
    audit_record(
        organisation=reminder.organisation, actor=actor, action="reminder_done",
        entity_type="reminder", entity_id=str(reminder.uuid),
        before={"status": fresh.status}, after={"status": "sent", "note": note},
    )  # fmt: skip
    fresh.status, fresh.notes = ReminderStatus.SENT, notes
    return fresh


def parse_addresses(text: str | Sequence[str]) -> list[str]:
    """E-mail addresses separated by commas, semicolons, spaces or lines; each one checked."""
    raw = re.split(r"[\s,;]+", text) if isinstance(text, str) else list(text)
    found: list[str] = []
    wrong: list[str] = []
    for value in raw:
        address = value.strip().strip("<>").lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            wrong.append(value.strip())
            continue
        if address not in found:
            found.append(address)
    if wrong:
        raise DunningError("Adresse(s) e-mail invalide(s) : " + ", ".join(wrong) + ".")
    if len(found) > MAX_COPY:
        raise DunningError(gettext("Au plus %(max)s personnes en copie.") % {"max": MAX_COPY})
    return found


def normalise_text(text: str) -> str:
    """As a browser posts a textarea (CRLF) or as typed: LF line ends, no trailing spaces."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def _draft_state(draft: ReminderDraft | None, penalties: str) -> dict[str, Any]:
    if draft is None:
        return {"subject": "", "body": "", "statement": StatementItems.ALL.value,
                "copy_to": [], "phone": "", "penalties": penalties}  # fmt: skip
    return {"subject": draft.subject, "body": draft.body, "statement": draft.statement,
            "copy_to": list(draft.copy_to), "phone": draft.phone,
            "penalties": penalties}  # fmt: skip


def draft_body_check(body: str) -> None:
    """A draft's text is rendered and checked at every preview: over the installation's cap
    (``RELANCE_DRAFT_MAX_CHARS``) it is refused before either."""
    limit = settings.RELANCE_DRAFT_MAX_CHARS
    if len(body) > limit:
        raise DunningError(
            gettext(
                "Le texte compte %(size)s caractères, %(limit)s au plus : raccourcissez-le, "
                "ou joignez le détail en pièce jointe."
            )
            % {"size": len(body), "limit": limit}
        )


@transaction.atomic
def reminder_draft_save(
    *,
    reminder: Reminder,
    actor: Actor,
    subject: str = "",
    body: str = "",
    statement: str = StatementItems.ALL.value,
    penalties: str | None = None,
    copy_to: Sequence[str] = (),
    phone: str = "",
) -> ReminderDraft:
    """Keep what the collector changed; empty subject/body mean "the template's text"."""
    subject = " ".join(subject.split())
    body = normalise_text(body)
    if len(subject) > 300:
        raise DunningError(gettext("L'objet dépasse 300 caractères."))
    draft_body_check(body)
    if statement not in StatementItems.values:
        raise DunningError(gettext("Choix des factures inconnu."))
    penalties = penalties or reminder.penalties
    if penalties not in PENALTIES:
        raise DunningError(
            gettext("Pénalités « %(penalties)s » inconnues.") % {"penalties": penalties}
        )
    copy = parse_addresses(copy_to)
    fresh = _locked(reminder)
    draft = ReminderDraft.objects.filter(reminder=fresh).first()
    before = _draft_state(draft, fresh.penalties)
    draft = draft or ReminderDraft(reminder=fresh)
    draft.subject, draft.body, draft.statement = subject, body, statement
    draft.copy_to, draft.phone = copy, phone.strip()
    draft.updated_by = actor.user
    after = _draft_state(draft, penalties)
    if before != after or draft._state.adding:
        draft.save()
    if penalties != fresh.penalties:
        Reminder.objects.filter(pk=fresh.pk).update(penalties=penalties)
        reminder.penalties = penalties
    if before != after:
        audit_record(
            organisation=reminder.organisation, actor=actor, action="reminder_draft",
            entity_type="reminder", entity_id=str(reminder.uuid), before=before, after=after,
        )  # fmt: skip
    return draft


# --- attachments ------------------------------------------------------------------------------


def attachment_size_check(size: int) -> None:
    """Before reading an upload: refuse empty and oversized files."""
    if size <= 0:
        raise DunningError(gettext("Le fichier est vide."))
    if size > MAX_ATTACHMENT_BYTES:
        raise DunningError(
            gettext("Fichier trop volumineux : %(megabytes)s Mo au plus.")
            % {"megabytes": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        )


def safe_file_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^\w.\- ()]", "_", base).strip(" .")
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = stem[:100] or "piece-jointe"
    return f"{stem}.{extension.lower()}" if extension else stem


@transaction.atomic
def attachment_add(
    *, reminder: Reminder, name: str, data: bytes, actor: Actor
) -> ReminderAttachment:
    """Store a file to send with the message; its hash is checked again when it leaves."""
    attachment_size_check(len(data))
    safe = safe_file_name(name)
    extension = PurePath(safe).suffix.lower()
    if extension not in ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(ATTACHMENT_TYPES))
        raise DunningError(
            gettext("Type de fichier non accepté (%(allowed)s).") % {"allowed": allowed}
        )
    content_type, magic = ATTACHMENT_TYPES[extension]
    if magic and not data.startswith(magic):
        raise DunningError(
            gettext("Le fichier « %(name)s » n'est pas un vrai fichier %(extension)s.")
            % {"name": safe, "extension": extension}
        )
    fresh = _locked(reminder)
    if fresh.channel != "email":
        raise DunningError(gettext("Seul un e-mail peut porter des pièces jointes."))
    existing = list(ReminderAttachment.objects.filter(reminder=fresh).values_list("sha256", "size"))
    sha256 = hashlib.sha256(data).hexdigest()
    if any(known == sha256 for known, _ in existing):
        raise DunningError(gettext("« %(name)s » est déjà joint.") % {"name": safe})
    if len(existing) >= MAX_ATTACHMENTS:
        raise DunningError(gettext("Au plus %(max)s pièces jointes.") % {"max": MAX_ATTACHMENTS})
    if sum(size for _, size in existing) + len(data) > MAX_ATTACHMENTS_BYTES:
        raise DunningError(
            gettext("Pièces jointes trop lourdes : %(megabytes)s Mo au plus en tout.")
            % {"megabytes": MAX_ATTACHMENTS_BYTES // (1024 * 1024)}
        )
    attachment = ReminderAttachment(reminder=fresh, name=safe, content_type=content_type,
                                    size=len(data), sha256=sha256,
                                    uploaded_by=actor.user)  # fmt: skip
    attachment.file.save(safe, ContentFile(data), save=False)
    attachment.save()
    audit_record(
        organisation=reminder.organisation, actor=actor, action="reminder_attachment_add",
        entity_type="reminder", entity_id=str(reminder.uuid),
        after={"name": safe, "size": len(data), "sha256": sha256},
    )  # fmt: skip
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: ReminderAttachment, actor: Actor) -> None:
    reminder = attachment.reminder
    _locked(reminder)
    path = attachment.file.name
    storage = attachment.file.storage
    state = {"name": attachment.name, "sha256": attachment.sha256}
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path) if path else None)
    audit_record(
        organisation=reminder.organisation, actor=actor, action="reminder_attachment_remove",
        entity_type="reminder", entity_id=str(reminder.uuid), before=state,
    )  # fmt: skip
