"""Recording what a phone call gave, and letting it change the plan."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record
from relance.dunning.completion import reminders_complete
from relance.dunning.models import (
    CallOutcome,
    CallOutcomeKind,
    Reminder,
    ReminderStatus,
)
from relance.dunning.replies import CALL, debtor_replies_answered
from relance.dunning.services import DunningError, dispute_open, promise_record
from relance.ledger.models import Invoice
from relance.ledger.selectors import open_instalments

# Calls that did not reach the debtor: a reply waiting for an answer stays waiting.
NOT_REACHED = (CallOutcomeKind.NO_ANSWER, CallOutcomeKind.VOICEMAIL, CallOutcomeKind.WRONG_NUMBER)
# "Says it is paid": reminders wait this long for the payment to show on the bank statement.
ALREADY_PAID_WAIT_DAYS = 7


@transaction.atomic
def call_outcome_record(
    *,
    reminder: Reminder,
    outcome: str,
    day: date,
    actor: Actor,
    notes: str = "",
    promised_on: date | None = None,
    promised_amount: Decimal | None = None,
    dispute_reason: str = "",
    call_back_on: date | None = None,
) -> CallOutcome:
    if reminder.channel != "call":
        raise DunningError(gettext("Ce n'est pas un appel."))
    if outcome not in CallOutcomeKind.values:
        raise DunningError(
            gettext("Résultat d'appel « %(outcome)s » inconnu.") % {"outcome": outcome}
        )
    invoices = list(
        Invoice.objects.filter(instalments__reminder_items__reminder=reminder).distinct()
    )
    result = CallOutcome(organisation_id=reminder.organisation_id, reminder=reminder,
                         outcome=outcome, called_on=day, notes=notes)  # fmt: skip
    if outcome == CallOutcomeKind.PROMISE:
        if promised_on is None or promised_amount is None:
            raise DunningError(gettext("Une promesse a une date et un montant."))
        result.promise = promise_record(customer=reminder.customer, invoices=invoices,
                                        promised_on=promised_on, amount=promised_amount,
                                        day=day, actor=actor)  # fmt: skip
    elif outcome == CallOutcomeKind.ALREADY_PAID:
        # Treated as a short promise: if nothing arrives, reminders resume by themselves.
        owed = sum(
            open_instalments(reminder.organisation)
            .filter(invoice__in=invoices)
            .values_list("outstanding", flat=True),  # type: ignore[misc]
            Decimal("0.00"),
        )
        result.promise = promise_record(
            customer=reminder.customer, invoices=invoices, actor=actor, day=day,
            promised_on=day + timedelta(days=ALREADY_PAID_WAIT_DAYS), amount=owed,
        )  # fmt: skip
    elif outcome == CallOutcomeKind.DISPUTE:
        if not dispute_reason.strip():
            raise DunningError(gettext("Donnez le motif de la contestation."))
        for invoice in invoices:
            result.dispute = dispute_open(invoice=invoice, reason=dispute_reason, day=day,
                                          actor=actor)  # fmt: skip
    elif outcome == CallOutcomeKind.CALL_BACK:
        if call_back_on is None or call_back_on <= day:
            raise DunningError(gettext("Indiquez quand rappeler (une date à venir)."))
        result.call_back_on = call_back_on
        Reminder.objects.get_or_create(
            customer=reminder.customer, run_date=call_back_on, channel="call",
            currency=reminder.currency,
            defaults={"organisation_id": reminder.organisation_id, "step": reminder.step,
                      "mode": "manual", "amount_due": reminder.amount_due,
                      "penalties": reminder.penalties, "status": ReminderStatus.TODO,
                      "notes": [f"Rappel demandé le {day:%d/%m/%Y}"]},
        )  # fmt: skip
    result.save()
    # A logged call is the step done: the items reach it and the customer was contacted.
    reminders_complete(reminder_ids=[reminder.pk], on=day)
    if outcome not in NOT_REACHED:
        debtor_replies_answered(customer_id=reminder.customer_id, how=CALL, actor=actor)
    audit_record(
        organisation=reminder.organisation, actor=actor, action="call_outcome",
        entity_type="customer", entity_id=str(reminder.customer.uuid),
        after={"outcome": outcome, "day": day.isoformat(), "notes": notes,
               "call_back_on": call_back_on.isoformat() if call_back_on else None},
    )  # fmt: skip
    return result
