"""One history of everything that happened with a customer, newest first.

Each kind of event is read with one query limited to the ``limit`` most recent rows (an
extra query at most for what hangs off them, such as delivery events), then the kinds are
merged in Python: the first ``limit`` events of the merge are exactly the ``limit`` most
recent overall, so "show more" only raises the limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from relance.accounts.audit import debtor_link_reference
from relance.accounts.audit_labels import action_label
from relance.accounts.models import AuditEvent
from relance.channels.models import (
    DeliveryEvent,
    DeliveryEventKind,
    OutboxStatus,
    PostalDispatch,
)
from relance.dunning.labels import Labels, channel_label, labels_of, step_label
from relance.dunning.models import (
    CallOutcome,
    DebtorRequestStatus,
    Dispute,
    DisputeCategory,
    PaymentPlan,
    PaymentPlanStatus,
    Promise,
    Reminder,
    ReminderStatus,
)
from relance.dunning.segment_choice import SEGMENT_AUTOMATIC, SEGMENT_MANUAL
from relance.ledger.models import CreditNote, Customer, Invoice, Note, Payment
from relance.ledger.selectors import open_instalments

MAX_LIMIT = 2000
# Badge classes of the statuses (good, bad, warn, info; none: neutral).
REMINDER_CSS: dict[str, str] = {
    ReminderStatus.SENT: "good", ReminderStatus.FAILED: "bad",
    ReminderStatus.TODO: "warn", ReminderStatus.READY: "info",
}  # fmt: skip
MESSAGE_CSS: dict[str, str] = {
    OutboxStatus.SENT: "good", OutboxStatus.DEAD: "bad", OutboxStatus.FAILED: "warn",
    OutboxStatus.UNCERTAIN: "warn", OutboxStatus.QUEUED: "info", OutboxStatus.SENDING: "info",
}  # fmt: skip
PLAN_CSS: dict[str, str] = {
    PaymentPlanStatus.ACTIVE: "info", PaymentPlanStatus.COMPLETED: "good",
    PaymentPlanStatus.DEFAULTED: "bad",
}  # fmt: skip
# Payments made online from the portal (relance.payments), each step of them; their titles
# are the audit trail's words for the same codes.
ONLINE_PAYMENT_STEPS = ("online_payment_started", "online_payment_processing",
                        "online_payment_paid", "online_payment_failed", "online_payment_reversed",
                        "online_payment_given_back", "online_payment_error",
                        "online_payment_refused")  # fmt: skip
ONLINE_METHODS = {"card": gettext_lazy("par carte"),
                  "sepa_debit": gettext_lazy("par prélèvement SEPA")}  # fmt: skip
REVERSALS = {"refunded": gettext_lazy("remboursement"),
             "charged back": gettext_lazy("contestation par la banque du payeur"),
             "failed": gettext_lazy("prélèvement rejeté")}  # fmt: skip


def _online_payment(action: str, after: dict[str, object]) -> tuple[str, str]:
    """The title and detail of a step of an online payment."""
    title = action_label(action)
    method = ONLINE_METHODS.get(str(after.get("method") or ""))
    if action == "online_payment_paid" and method:
        title = f"{title} {method}"
    invoices = after.get("invoices")
    details = [", ".join(str(number) for number in invoices) if isinstance(invoices, list) else ""]
    if after.get("expected"):
        details.append(_("montant attendu %(expected)s") % {"expected": after["expected"]})
    reason = str(after.get("reason") or after.get("error") or "")
    details.append(str(REVERSALS.get(reason, reason)))
    return title, " — ".join(part for part in details if part)


# Manual changes to a customer recorded in the audit trail, shown in its history.
CHANGES = ("customer_pause", "customer_resume", "customer_scenario", "customer_collector",
           "customer_segment", "customer_address", "portal_viewed", "portal_link_issued",
           "portal_link_revoked", "debtor_request", "debtor_request_resolved",
           SEGMENT_MANUAL, SEGMENT_AUTOMATIC, *ONLINE_PAYMENT_STEPS)  # fmt: skip
PORTAL_STEPS = ("portal_viewed", "portal_link_issued", "portal_link_revoked")


def _portal_page(page: str) -> str:
    """What the debtor opened: the statement, its PDF or an invoice's PDF."""
    kind, _sep, number = str(page).partition(":")
    if kind == "statement":
        return str(_("relevé de compte"))
    if kind == "statement_pdf":
        return str(_("relevé de compte en PDF"))
    if kind == "invoice_pdf":
        return str(_("facture %(number)s en PDF") % {"number": number})
    return ""


def _debtor_request(after: dict[str, object], before: dict[str, object]) -> tuple[str, str]:
    """Title and detail of what a debtor did or asked from the portal."""
    kind = after.get("kind")
    numbers = ", ".join(str(number) for number in after.get("invoices") or [])  # type: ignore[attr-defined]
    if kind == "dispute":
        category = str(after.get("category") or "")
        label = DisputeCategory(category).label if category in DisputeCategory.values else ""
        title = _("Contestation de %(numbers)s depuis le portail") % {"numbers": numbers}
        return str(title), str(label)
    if kind == "promise":
        day = date.fromisoformat(str(after.get("promised_on"))).strftime("%d/%m/%Y")
        title = _("Promesse de paiement de %(amount)s pour le %(day)s depuis le portail") % {
            "amount": after.get("amount"), "day": day,
        }  # fmt: skip
        return str(title), numbers
    if kind == "reply":
        title = _("Réponse du débiteur par e-mail : à traiter sous 24 h")
        return str(title), str(after.get("subject") or "")
    if kind == "plan":
        title = _("Échéancier demandé depuis le portail (%(count)s échéances)")
        return str(title % {"count": after.get("count")}), numbers
    old, new = before.get("contact"), after.get("contact")
    old, new = (old if isinstance(old, dict) else {}), (new if isinstance(new, dict) else {})
    changes = [
        f"{old.get(name) or '—'} → {new.get(name) or '—'}"
        for name in ("name", "email", "phone")
        if old.get(name) != new.get(name)
    ]
    return str(_("Coordonnées de facturation changées depuis le portail")), "; ".join(changes)


def _debtor_answer(after: dict[str, object]) -> tuple[str, str]:
    if after.get("kind") == "reply":
        if after.get("outcome") == "email":
            return str(_("Réponse du débiteur traitée : répondu par e-mail")), ""
        if after.get("outcome") == "call":
            return str(_("Réponse du débiteur traitée : répondu par téléphone")), ""
        return str(_("Réponse du débiteur classée")), str(after.get("note") or "")
    status = str(after.get("status") or "")
    label = DebtorRequestStatus(status).label if status in DebtorRequestStatus.values else status
    return str(_("Demande du débiteur : %(status)s") % {"status": label}), str(
        after.get("note") or ""
    )


@dataclass(frozen=True)
class Event:
    day: date
    kind: str
    title: str
    detail: str = ""
    badges: tuple[tuple[str, str], ...] = ()  # (label, css class: good, bad, warn, info)
    url: str = ""
    amount: Decimal | None = None
    currency: str = ""
    at: datetime | None = None  # when known, orders the events of one day
    row: int = 0  # the row's id: the last word between events of the same moment

    @property
    def sort_key(self) -> tuple[date, int, float, str, int]:
        """Day, then the moment when known (events known by their day alone come first), then
        the row: events of one day always come out in the same order."""
        moment = self.at.timestamp() if self.at else 0.0
        return (self.day, 1 if self.at else 0, moment, self.kind, self.row)


@dataclass(frozen=True)
class Timeline:
    events: list[Event]
    has_more: bool
    limit: int


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _invoice_url(org: str, invoice: Invoice) -> str:
    return reverse("invoice", kwargs={"org": org, "invoice": invoice.uuid})


def _ledger(customer: Customer, org: str, limit: int) -> Iterable[Event]:
    for invoice in Invoice.objects.filter(customer=customer).order_by("-issue_date", "-id")[:limit]:
        yield Event(
            invoice.issue_date, "invoice",
            _("Facture %(number)s émise") % {"number": invoice.number},
            url=_invoice_url(org, invoice), amount=invoice.amount_incl_tax,
            currency=invoice.currency, row=invoice.pk,
        )  # fmt: skip
    for payment in Payment.objects.filter(customer=customer).order_by("-date", "-id")[:limit]:
        yield Event(
            payment.date, "payment", _("Paiement reçu (réf. %(ref)s)") % {"ref": payment.reference},
            detail=payment.method, amount=payment.amount, currency=payment.currency,
            row=payment.pk,
        )  # fmt: skip
        if payment.reversed_on is not None:
            yield Event(
                payment.reversed_on, "payment",
                _("Paiement annulé (réf. %(ref)s)") % {"ref": payment.reference},
                detail=payment.reversal_reason, amount=-payment.amount,
                currency=payment.currency,
            )  # fmt: skip
    for note in (
        CreditNote.objects.filter(customer=customer)
        .select_related("invoice")
        .order_by("-issue_date", "-id")[:limit]
    ):
        yield Event(
            note.issue_date, "credit_note", _("Avoir %(number)s") % {"number": note.number},
            detail=note.invoice.number if note.invoice else "",
            url=_invoice_url(org, note.invoice) if note.invoice else "",
            amount=note.amount, currency=note.currency, row=note.pk,
        )  # fmt: skip


def delivery_badges(reminder: Reminder, kinds: set[str]) -> tuple[tuple[str, str], ...]:
    message = getattr(reminder, "message", None)
    badges: list[tuple[str, str]] = []
    if message is None:
        badges.append((reminder.get_status_display(), REMINDER_CSS.get(reminder.status, "")))
    else:
        badges.append((message.get_status_display(), MESSAGE_CSS.get(message.status, "")))
    if DeliveryEventKind.OPENED in kinds:
        badges.append((_("Ouvert"), "good"))
    if DeliveryEventKind.BOUNCED in kinds:
        badges.append((_("Rejeté"), "bad"))
    if DeliveryEventKind.REPLIED in kinds:
        badges.append((_("Réponse reçue"), "info"))
    return tuple(badges)


def delivery_kinds(reminders: Iterable[Reminder]) -> dict[int, set[str]]:
    """What happened to each reminder's message after it left (opened, bounced, replied),
    by reminder id, in one query."""
    by_message = {
        reminder.message.pk: reminder.pk
        for reminder in reminders
        if getattr(reminder, "message", None) is not None
    }
    kinds: dict[int, set[str]] = {}
    for message_id, kind in DeliveryEvent.objects.filter(
        message_id__in=list(by_message)
    ).values_list("message_id", "kind"):
        kinds.setdefault(by_message[message_id], set()).add(kind)
    return kinds


def _messages(customer: Customer, limit: int) -> Iterable[Event]:
    reminders = list(
        Reminder.objects.filter(customer=customer)
        .select_related("message")
        .order_by("-run_date", "-id")[:limit]
    )
    kinds = delivery_kinds(reminders)
    for reminder in reminders:
        message = getattr(reminder, "message", None)
        yield Event(
            reminder.run_date, "reminder",
            _("Relance %(channel)s, étape « %(step)s »") % {
                "channel": channel_label(reminder.channel), "step": step_label(reminder.step)},
            row=reminder.pk,
            detail=message.subject if message is not None else "",
            badges=delivery_badges(reminder, kinds.get(reminder.pk, set())),
            amount=reminder.amount_due, currency=reminder.currency,
        )  # fmt: skip
    replies = (
        DeliveryEvent.objects.filter(message__customer=customer, kind=DeliveryEventKind.REPLIED)
        .select_related("message")
        .order_by("-at", "-id")[:limit]
    )
    for reply in replies:
        detail = reply.detail or {}
        yield Event(
            _local_day(reply.at), "reply",
            _("Réponse de %(sender)s") % {"sender": detail.get("from") or _("du client")},
            detail=str(detail.get("subject") or reply.message.subject), at=reply.at,
            row=reply.pk,
        )  # fmt: skip


def _letters(customer: Customer, limit: int) -> Iterable[Event]:
    """Letters posted and their acknowledgements of receipt."""
    dispatches = (
        PostalDispatch.objects.filter(reminder__customer=customer, posted_on__isnull=False)
        .select_related("reminder")
        .order_by("-posted_on", "-reminder_id")[:limit]
    )
    for dispatch in dispatches:
        channel = {"channel": channel_label(dispatch.reminder.channel)}
        number = dispatch.registered_number
        detail = _("Recommandé n° %(number)s") % {"number": number} if number else ""
        assert dispatch.posted_on is not None
        yield Event(dispatch.posted_on, "letter_posted", _("%(channel)s postée") % channel,
                    detail=detail, row=dispatch.reminder_id)  # fmt: skip
        if dispatch.acknowledged_on:
            yield Event(
                dispatch.acknowledged_on, "letter_acknowledged",
                _("Accusé de réception signé : %(channel)s") % channel, detail=detail,
                badges=((_("AR reçu"), "good"),), row=dispatch.reminder_id,
            )  # fmt: skip


def _calls(customer: Customer, limit: int) -> Iterable[Event]:
    calls = CallOutcome.objects.filter(reminder__customer=customer).order_by("-called_on", "-id")[
        :limit
    ]
    for call in calls:
        detail = call.notes
        if call.call_back_on:
            detail = f"{detail} — " if detail else ""
            detail += _("à rappeler le %(day)s") % {"day": call.call_back_on.strftime("%d/%m/%Y")}
        same_day = _local_day(call.recorded_at) == call.called_on
        yield Event(
            call.called_on, "call",
            _("Appel : %(outcome)s") % {"outcome": call.get_outcome_display()},
            detail=detail, at=call.recorded_at if same_day else None, row=call.pk,
        )  # fmt: skip


def _agreements(customer: Customer, org: str, limit: int, today: date) -> Iterable[Event]:
    for dispute in (
        Dispute.objects.filter(invoice__customer=customer)
        .select_related("invoice", "owner")
        .order_by("-opened_on", "-id")[:limit]
    ):
        number = {"number": dispute.invoice.number}
        url = _invoice_url(org, dispute.invoice)
        badges: tuple[tuple[str, str], ...] = ((_("Litige"), "warn"),)
        if dispute.category:
            badges += ((str(dispute.get_category_display()), ""),)
        if dispute.owner is not None:
            who = dispute.owner.get_full_name() or dispute.owner.email
            badges += ((_("responsable : %(who)s") % {"who": who}, "info"),)
        yield Event(dispute.opened_on, "dispute", _("Litige ouvert sur %(number)s") % number,
                    detail=dispute.reason, url=url, badges=badges, row=dispute.pk)  # fmt: skip
        if dispute.closed_on:
            outcome = str(dispute.get_outcome_display()) if dispute.outcome else _("Clos")
            yield Event(dispute.closed_on, "dispute_closed",
                        _("Litige clos sur %(number)s") % number, url=url,
                        detail=dispute.resolution_note,
                        badges=((outcome, "good"),), row=dispute.pk)  # fmt: skip
    promises = list(
        Promise.objects.filter(customer=customer)
        .prefetch_related("invoices")
        .order_by("-recorded_on", "-id")[:limit]
    )
    open_ids = set(
        open_instalments(customer.organisation)
        .filter(customer=customer)
        .values_list("invoice_id", flat=True)
    )
    for promise in promises:
        numbers = ", ".join(invoice.number for invoice in promise.invoices.all())
        if promise.broken_on:
            badge = (_("Non tenue"), "bad")
        elif not open_ids & {invoice.pk for invoice in promise.invoices.all()}:
            badge = (_("Tenue"), "good")
        elif promise.promised_on < today:
            badge = (_("Date passée"), "warn")
        else:
            badge = (pgettext("promise", "En cours"), "info")
        promised = {"day": promise.promised_on.strftime("%d/%m/%Y")}
        yield Event(
            promise.recorded_on, "promise", _("Promesse de paiement pour le %(day)s") % promised,
            detail=numbers, badges=(badge,), amount=promise.amount,
            currency=_first_currency(promise.invoices.all()), row=promise.pk,
        )  # fmt: skip
        if promise.broken_on:
            yield Event(promise.broken_on, "promise_broken", _("Promesse non tenue"),
                        detail=numbers, badges=((_("Non tenue"), "bad"),),
                        row=promise.pk)  # fmt: skip
    for plan in (
        PaymentPlan.objects.filter(customer=customer)
        .prefetch_related("instalments", "invoices")
        .order_by("-agreed_on", "-id")[:limit]
    ):
        parts = list(plan.instalments.all())
        total = sum((part.amount for part in parts), Decimal("0.00"))
        numbers = ", ".join(invoice.number for invoice in plan.invoices.all())
        yield Event(
            plan.agreed_on, "plan",
            _("Échéancier accordé en %(count)d échéances") % {"count": len(parts)},
            detail=numbers, amount=total, currency=_first_currency(plan.invoices.all()),
            badges=((plan.get_status_display(), PLAN_CSS.get(plan.status, "")),), row=plan.pk,
        )  # fmt: skip
        if plan.ended_on:
            ended = {"status": plan.get_status_display()}
            yield Event(plan.ended_on, "plan_end", _("Échéancier terminé : %(status)s") % ended,
                        detail=numbers, row=plan.pk)  # fmt: skip


def _first_currency(invoices: Iterable[Invoice]) -> str:
    """Promises and plans never mix currencies: their first invoice's is theirs."""
    return next((invoice.currency for invoice in invoices), "")


def _notes(customer: Customer, org: str, limit: int) -> Iterable[Event]:
    for note in (
        Note.objects.filter(customer=customer)
        .select_related("author", "invoice")
        .order_by("-created_at", "-id")[:limit]
    ):
        author = (note.author.get_full_name() or note.author.email) if note.author else ""
        title = (
            _("Note sur la facture %(number)s") % {"number": note.invoice.number}
            if note.invoice
            else _("Note")
        )
        yield Event(
            _local_day(note.created_at), "note", title, detail=note.text, at=note.created_at,
            url=_invoice_url(org, note.invoice) if note.invoice else "",
            badges=((author, ""),) if author else (), row=note.pk,
        )  # fmt: skip


def _changes(customer: Customer, limit: int, names: Labels) -> Iterable[Event]:
    events = (
        AuditEvent.objects.filter(
            organisation_id=customer.organisation_id,
            entity_type="customer",
            entity_id=str(customer.uuid),
            action__in=CHANGES,
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    for event in events:
        after = event.after or {}
        before = event.before or {}
        amount, currency = None, ""
        who = (event.actor.get_full_name() or event.actor.email) if event.actor else ""
        link = debtor_link_reference(event.actor_label)
        if link:
            who = _("Débiteur, lien du portail %(link)s") % {"link": link}
        if event.action == "debtor_request":
            title, detail = _debtor_request(after, before)
        elif event.action == "debtor_request_resolved":
            title, detail = _debtor_answer(after)
        elif event.action == "customer_pause":
            title, detail = _("Relances suspendues"), str(after.get("reason", ""))
            if after.get("until"):
                day = date.fromisoformat(str(after["until"])).strftime("%d/%m/%Y")
                title = _("Relances suspendues jusqu'au %(day)s") % {"day": day}
        elif event.action == "customer_resume":
            title, detail = _("Relances reprises"), ""
            if after.get("automatic"):
                title = _("Relances reprises d'elles-mêmes : fin de la suspension")
        elif event.action == "customer_scenario":
            title = _("Scénario : %(scenario)s") % {
                "scenario": names.scenario(str(after.get("scenario") or ""))
                or _("celui du segment")
            }
            detail = ""
        elif event.action == "customer_collector":
            title = _("Chargé de recouvrement : %(who)s") % {
                "who": after.get("collector") or _("aucun")
            }
            detail = ""
        elif event.action == "customer_address":
            title = _("Adresse postale modifiée")
            detail = "; ".join(str(value) for value in after.values() if value)
        elif event.action in PORTAL_STEPS:
            title, detail = action_label(event.action), _portal_page(after.get("page", ""))
        elif event.action in ONLINE_PAYMENT_STEPS:
            title, detail = _online_payment(event.action, after)
            amount, currency = _money(after.get("amount")), str(after.get("currency") or "")
        else:
            title = _("Segment : %(before)s → %(after)s") % {
                "before": names.segment(str(before.get("segment") or "")) or "—",
                "after": names.segment(str(after.get("segment") or "")) or "—",
            }
            detail = "; ".join(str(reason) for reason in after.get("reasons", []))
            if event.action in (SEGMENT_MANUAL, SEGMENT_AUTOMATIC):
                detail = action_label(event.action)
        yield Event(_local_day(event.at), "change", title, detail=detail, at=event.at,
                    badges=((who, ""),) if who else (), amount=amount,
                    currency=currency, row=event.pk)  # fmt: skip


def _money(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except ArithmeticError:
        return None


def customer_timeline(customer: Customer, *, org: str, limit: int, today: date) -> Timeline:
    """The ``limit`` most recent events of the customer, newest first."""
    limit = max(1, min(limit, MAX_LIMIT))
    each = limit + 1  # one more than shown tells whether there is more
    events = [
        *_ledger(customer, org, each),
        *_messages(customer, each),
        *_calls(customer, each),
        *_letters(customer, each),
        *_agreements(customer, org, each, today),
        *_notes(customer, org, each),
        *_changes(customer, each, labels_of(customer.organisation_id)),
    ]
    events.sort(key=lambda event: event.sort_key, reverse=True)
    return Timeline(events=events[:limit], has_more=len(events) > limit, limit=limit)
