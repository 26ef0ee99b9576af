"""The exact PDF of every printed letter, kept to be shown again as it was posted.

Each letter of a print batch is written on its own when printed; its bytes are stored with
the dispatch and its SHA-256 recorded. Reading it back checks the hash: a file that no longer
matches is never handed out as the letter that was sent.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relance.channels.models import PostalDispatch
from relance.dunning.models import Reminder
from relance.ledger.models import Customer


class ArchiveUnavailable(LookupError):
    """No kept PDF for this letter (printed before letters were kept), or a damaged one."""


def dispatch_store(*, reminder: Reminder, pdf: bytes, day: date) -> PostalDispatch:
    """Record that the reminder's letter was printed on ``day``, keeping its exact PDF (a
    reprint replaces the earlier one, which was never posted)."""
    digest = hashlib.sha256(pdf).hexdigest()
    dispatch = PostalDispatch.objects.filter(reminder=reminder).first()
    if dispatch is None:
        dispatch = PostalDispatch(reminder=reminder)
    previous = dispatch.pdf.name or ""
    dispatch.pdf_sha256, dispatch.printed_on = digest, day
    name = f"{reminder.organisation.uuid}/{reminder.uuid}-{digest[:16]}.pdf"
    dispatch.pdf.save(name, ContentFile(pdf), save=False)
    dispatch.save()
    if previous and previous != dispatch.pdf.name:
        storage = dispatch.pdf.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return dispatch


def dispatch_pdf(dispatch: PostalDispatch) -> bytes:
    """The PDF as printed, after checking it against the recorded hash."""
    if not dispatch.pdf:
        raise ArchiveUnavailable(_("Cette lettre a été imprimée avant l'archivage des PDF."))
    try:
        with dispatch.pdf.open("rb") as handle:
            data = bytes(handle.read())
    except OSError as exc:
        raise ArchiveUnavailable(_("Le PDF archivé de cette lettre est introuvable.")) from exc
    if hashlib.sha256(data).hexdigest() != dispatch.pdf_sha256:
        raise ArchiveUnavailable(_("Le PDF archivé ne correspond plus à l'empreinte enregistrée."))
    return data


def customer_dispatches(customer: Customer) -> QuerySet[PostalDispatch]:
    """The customer's printed letters and formal notices, newest first."""
    return (
        PostalDispatch.objects.filter(reminder__customer=customer)
        .select_related("reminder")
        .order_by("-printed_on", "-reminder_id")
    )
