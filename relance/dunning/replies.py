"""A debtor's reply by e-mail makes work: a task "Répondre sous 24 h" on the to-do.

The inbound path (``relance.channels.email.tracking``) matches the reply to the message it
answers and calls ``debtor_reply_record``: the reply becomes a ``DebtorRequest`` of kind
``reply`` for that customer, so it sits on the customer's collector's to-do with the portal's
requests, first in the list (a debtor waiting for an answer), and in the customer's history.

It is closed when a person answers: an e-mail sent from the to-do for that customer, or a
call logged (``debtor_replies_answered``); routine e-mails validated in bulk from the list do
not count, nor does the morning run. A collector may also dismiss it (``debtor_request_resolve``
with ``acknowledge``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from relance.accounts.audit import Actor, audit_record
from relance.dunning.models import DebtorRequest, DebtorRequestKind, DebtorRequestStatus
from relance.ledger.models import Customer

ANSWER_WITHIN = timedelta(hours=24)
EMAIL, CALL = "email", "call"
ANSWERED_BY = {EMAIL: "Répondu par e-mail", CALL: "Répondu par téléphone"}


def debtor_reply_record(
    *, customer: Customer, sender: str, subject: str, text: str, received_at: datetime
) -> DebtorRequest:
    """The task for a reply just received (the caller holds the transaction)."""
    request = DebtorRequest.objects.create(
        organisation_id=customer.organisation_id, customer=customer,
        kind=DebtorRequestKind.REPLY, created_at=received_at,
        reply_from=sender[:300], reply_subject=subject[:300], message=text,
        answer_by=received_at + ANSWER_WITHIN,
    )  # fmt: skip
    audit_record(
        organisation=customer.organisation, actor=Actor.system("inbound-email"),
        action="debtor_request", entity_type="customer", entity_id=str(customer.uuid),
        after={"kind": DebtorRequestKind.REPLY, "request": str(request.uuid),
               "from": request.reply_from, "subject": request.reply_subject},
    )  # fmt: skip
    return request


def debtor_replies_answered(*, customer_id: int, how: str, actor: Actor) -> int:
    """Close the customer's reply tasks a person has just answered (``how``: ``email`` or
    ``call``); how many were closed."""
    pending = list(
        DebtorRequest.objects.select_for_update()
        .filter(customer_id=customer_id, kind=DebtorRequestKind.REPLY,
                status=DebtorRequestStatus.PENDING)
        .select_related("customer", "customer__organisation").order_by("id")
    )  # fmt: skip
    if not pending:
        return 0
    now = timezone.now()
    DebtorRequest.objects.filter(pk__in=[request.pk for request in pending]).update(
        status=DebtorRequestStatus.DONE, resolved_at=now, resolved_by=actor.user,
        resolution_note=ANSWERED_BY[how],
    )  # fmt: skip
    customer = pending[0].customer
    for request in pending:
        audit_record(
            organisation=customer.organisation, actor=actor, action="debtor_request_resolved",
            entity_type="customer", entity_id=str(customer.uuid),
            after={"kind": request.kind, "request": str(request.uuid), "outcome": how,
                   "status": DebtorRequestStatus.DONE, "note": ANSWERED_BY[how]},
        )  # fmt: skip
    return len(pending)
