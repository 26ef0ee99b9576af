"""Disputes as a collector handles them: opened on one or several of a customer's invoices
with a category, an owner, a date to settle them by and documents; resolved with an outcome.

Each invoice gets its own ``Dispute`` (the planner holds reminders invoice by invoice) through
``dispute_open``; the documents are checked by the portal's rule (``attachment_checked``: the
file's first bytes tell its type, a size cap) and stored once, kept with each dispute.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation, User
from relance.dunning.debtor_requests import Refused, Upload, attachment_checked
from relance.dunning.models import Dispute, DisputeAttachment
from relance.dunning.services import DunningError, dispute_open
from relance.ledger.models import Customer, Invoice
from relance.ledger.selectors import open_instalments

MAX_FILES = 5
REASON_MAX = 4000
# The portal's refusals of a file, worded for the staff.
FILE_REFUSALS = {
    "file_empty": "Le fichier « %(name)s » est vide.",
    "file_too_big": "Le fichier « %(name)s » dépasse %(mb)s Mo.",
    "file_type": "« %(name)s » n'est ni un PDF, ni une image PNG ou JPEG.",
}


def _checked(upload: Upload) -> tuple[str, str]:
    try:
        return attachment_checked(upload)
    except Refused as refused:
        text = FILE_REFUSALS.get(refused.code, "Fichier refusé : « %(name)s ».")
        raise DunningError(text % {"name": upload.name, **refused.params}) from refused


@transaction.atomic
def disputes_open(
    *,
    customer: Customer,
    invoices: Sequence[Invoice],
    category: str,
    reason: str,
    owner: User | None,
    due_on: date | None,
    uploads: Sequence[Upload] = (),
    day: date,
    actor: Actor,
) -> list[Dispute]:
    """Open a dispute on each of these invoices of the customer (all still owing something):
    their reminders stop until each is resolved."""
    if not invoices:
        raise DunningError(_("Choisissez au moins une facture contestée."))
    if any(invoice.customer_id != customer.pk for invoice in invoices):
        raise DunningError(_("Ces factures ne sont pas toutes à ce client."))
    if len(reason.strip()) > REASON_MAX:
        raise DunningError(_("Le motif fait au plus %(most)s caractères.") % {"most": REASON_MAX})
    if len(uploads) > MAX_FILES:
        raise DunningError(_("Au plus %(most)s pièces jointes.") % {"most": MAX_FILES})
    owing = set(
        open_instalments(customer.organisation)
        .filter(invoice__in=list(invoices))
        .values_list("invoice_id", flat=True)
    )
    settled = [invoice.number for invoice in invoices if invoice.pk not in owing]
    if settled:
        raise DunningError(
            _("Plus rien n'est dû sur %(invoices)s.") % {"invoices": ", ".join(sorted(settled))}
        )
    files = [(upload, *_checked(upload)) for upload in uploads]
    disputes = []
    for invoice in sorted(invoices, key=lambda invoice: invoice.number):
        disputes.append(dispute_open(invoice=invoice, reason=reason, day=day, actor=actor,
                                     category=category, owner=owner, due_on=due_on))  # fmt: skip
    for upload, name, content_type in files:
        _store(disputes, upload, name, content_type, actor)
    return disputes


def _store(
    disputes: Sequence[Dispute], upload: Upload, name: str, content_type: str, actor: Actor
) -> None:
    """The file written once, kept with each dispute (a second copy of the same file on a
    dispute is refused by its hash)."""
    sha256 = hashlib.sha256(upload.data).hexdigest()
    stored = ""
    for dispute in disputes:
        if DisputeAttachment.objects.filter(dispute=dispute, sha256=sha256).exists():
            raise DunningError(_("« %(name)s » est déjà joint à ce litige.") % {"name": name})
        attachment = DisputeAttachment(dispute=dispute, name=name, content_type=content_type,
                                       size=len(upload.data), sha256=sha256,
                                       uploaded_by=actor.user)  # fmt: skip
        if stored:
            attachment.file.name = stored
            attachment.save()
        else:
            attachment.file.save(name, ContentFile(upload.data), save=True)
            stored = attachment.file.name


@transaction.atomic
def dispute_attachment_add(*, dispute: Dispute, upload: Upload, actor: Actor) -> None:
    name, content_type = _checked(upload)
    if dispute.attachments.count() >= MAX_FILES:
        raise DunningError(_("Au plus %(most)s pièces jointes.") % {"most": MAX_FILES})
    _store([dispute], upload, name, content_type, actor)
    audit_record(
        organisation=dispute.invoice.organisation, actor=actor, action="dispute_attachment",
        entity_type="invoice", entity_id=str(dispute.invoice.uuid), after={"file": name},
    )  # fmt: skip


def open_disputes(customer: Customer) -> QuerySet[Dispute]:
    """The customer's disputes still open, the ones to settle first at the top."""
    return (
        Dispute.objects.filter(invoice__customer=customer, closed_on=None)
        .select_related("invoice", "owner")
        .prefetch_related("attachments")
        .order_by("due_on", "opened_on", "id")
    )


def overdue_disputes(
    organisation: Organisation, *, today: date, owner: str = ""
) -> QuerySet[Dispute]:
    """Open disputes whose settle-by date passed, oldest first (for their owners).

    ``owner``: a user id, or ``"none"`` for the disputes nobody owns (the same values as the
    to-do's collector filter: a late dispute is on its owner's to-do)."""
    rows = (
        Dispute.objects.filter(organisation=organisation, closed_on=None, due_on__lt=today)
        .select_related("invoice", "invoice__customer", "owner")
        .order_by("due_on", "id")
    )
    if owner == "none":
        rows = rows.filter(owner=None)
    elif owner.isdigit():
        rows = rows.filter(owner_id=int(owner))
    return rows
