"""Printing letters and recording their posting (registered mail number, acknowledgement)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record
from relance.accounts.clock import local_day
from relance.channels.letter.archive import dispatch_store
from relance.channels.letter.pdf import Letter, letters_pdfs
from relance.channels.models import PostalDispatch
from relance.dunning.completion import reminders_complete
from relance.dunning.models import Reminder
from relance.dunning.todo import refuse_if_settled

REGISTERED_NUMBER = re.compile(r"^[0-9A-Z]{2}[0-9A-Z ]{6,30}$")


class LetterError(ValueError):
    pass


@transaction.atomic
def letters_print(*, batch: Sequence[tuple[Reminder, Letter]], day: date, actor: Actor) -> bytes:
    """The day's letters as one PDF; each reminder keeps its own letter's exact PDF and hash."""
    pdf, singles = letters_pdfs([letter for _, letter in batch])
    for (reminder, _), single in zip(batch, singles, strict=True):
        dispatch_store(reminder=reminder, pdf=single, day=day)
    if batch:
        audit_record(
            organisation=batch[0][0].organisation, actor=actor, action="letters_print",
            entity_type="print_batch", entity_id=day.isoformat(),
            after={"reminders": [str(reminder.uuid) for reminder, _ in batch],
                   "sha256": hashlib.sha256(pdf).hexdigest()},
        )  # fmt: skip
    return pdf


def letter_mark_posted(
    *, reminder: Reminder, posted_on: date, actor: Actor, registered_number: str = ""
) -> PostalDispatch:
    """Record that the letter went to the post; its step counts from ``posted_on``. A letter
    whose items are no longer due (paid since it was printed...) is withdrawn instead and
    ``NoLongerDue`` says why: do not post it."""
    refuse_if_settled(reminder, today=posted_on, actor=actor)
    return _mark_posted(reminder=reminder, posted_on=posted_on, actor=actor,
                        registered_number=registered_number)  # fmt: skip


@transaction.atomic
def _mark_posted(
    *, reminder: Reminder, posted_on: date, actor: Actor, registered_number: str
) -> PostalDispatch:
    dispatch = PostalDispatch.objects.filter(reminder=reminder).first()
    if dispatch is None:
        raise LetterError(gettext("Imprimez la lettre avant de la déclarer postée."))
    number = registered_number.strip().upper()
    if number and not REGISTERED_NUMBER.match(number):
        raise LetterError(
            gettext("N° de recommandé invalide « %(registered_number)s ».")
            % {"registered_number": registered_number}
        )
    if reminder.channel == "formal_notice" and not number:
        raise LetterError(gettext("Une mise en demeure part en recommandé : indiquez son numéro."))
    dispatch.posted_on, dispatch.registered_number = posted_on, number
    dispatch.save(update_fields=["posted_on", "registered_number"])
    reminders_complete(reminder_ids=[reminder.pk], on=posted_on)
    audit_record(
        organisation=reminder.organisation, actor=actor, action="letter_posted",
        entity_type="reminder", entity_id=str(reminder.uuid),
        after={"posted_on": posted_on.isoformat(), "registered_number": number},
    )  # fmt: skip
    return dispatch


@transaction.atomic
def letter_acknowledged(
    *,
    reminder: Reminder,
    acknowledged_on: date,
    actor: Actor,
    today: date | None = None,
    registered_number: str = "",
) -> PostalDispatch:
    """Record the date on the acknowledgement of receipt (and the registered-mail number, when
    the posting did not give one). ``today``: the organisation's day, by default."""
    dispatch = PostalDispatch.objects.select_for_update().filter(reminder=reminder).first()
    if dispatch is None or dispatch.posted_on is None:
        raise LetterError(gettext("Cette lettre n'a pas été déclarée postée."))
    if acknowledged_on < dispatch.posted_on:
        raise LetterError(
            gettext("L'accusé de réception ne peut précéder l'envoi (postée le %(posted_on)s).")
            % {"posted_on": f"{dispatch.posted_on:%d/%m/%Y}"}
        )
    if acknowledged_on > (today or local_day(reminder.organisation)):
        raise LetterError(gettext("La date de l'accusé de réception ne peut être dans le futur."))
    number = registered_number.strip().upper()
    if number and not REGISTERED_NUMBER.match(number):
        raise LetterError(
            gettext("N° de recommandé invalide « %(registered_number)s ».")
            % {"registered_number": registered_number}
        )
    if number and dispatch.registered_number and number != dispatch.registered_number:
        raise LetterError(gettext("Cette lettre a déjà un n° de recommandé."))
    before = {"acknowledged_on": dispatch.acknowledged_on.isoformat()
              if dispatch.acknowledged_on else None}  # fmt: skip
    after: dict[str, object] = {"acknowledged_on": acknowledged_on.isoformat()}
    dispatch.acknowledged_on = acknowledged_on
    fields = ["acknowledged_on"]
    if number and not dispatch.registered_number:
        dispatch.registered_number, after["registered_number"] = number, number
        fields.append("registered_number")
    dispatch.save(update_fields=fields)
    audit_record(
        organisation=reminder.organisation, actor=actor, action="letter_acknowledged",
        entity_type="reminder", entity_id=str(reminder.uuid), before=before, after=after,
    )  # fmt: skip
    return dispatch
