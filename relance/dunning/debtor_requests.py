"""What a debtor does or asks from the portal: dispute an invoice, promise to pay, ask for a
payment plan, give new billing contact details.

Each goes through the existing rule of its kind (``dispute_open``, ``promise_record``,
``payment_plan_create``, ``contact_add``/``contact_update``) with the debtor as actor (the
portal link they used), within the organisation's portal rules (``DunningSettings``). Each
leaves a ``DebtorRequest`` on the collector's to-do, an event in the customer's history, and
an e-mail to the customer's collector (else the organisation's admins).

A refusal raises ``Refused`` with a code the portal words in the debtor's language (and
``params`` for the figures it quotes); nothing is written then.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record
from relance.accounts.mail import debtor_request_notice_send
from relance.accounts.models import Membership, Organisation, Role, User
from relance.core.schedule import monthly_schedule
from relance.dunning.models import (
    DebtorRequest,
    DebtorRequestKind,
    DebtorRequestStatus,
    DisputeCategory,
    DunningSettings,
    PaymentPlan,
    PaymentPlanStatus,
)
from relance.dunning.services import (
    DunningError,
    dispute_close,
    dispute_open,
    invoices_resume,
    payment_plan_create,
    promise_record,
)
from relance.dunning.todo import safe_file_name
from relance.ledger.models import Contact, ContactRole, Customer, Invoice, PortalCode, PortalLink
from relance.ledger.portal_codes import portal_code_check, portal_code_spend
from relance.ledger.portal_links import portal_actor
from relance.ledger.selectors import open_instalments
from relance.ledger.services import LedgerError, contact_add, contact_update

ZERO = Decimal("0.00")
MESSAGE_MAX = 4000
NAME_MAX = 200
# What a debtor may join to a dispute, told by the file's first bytes, never by its name.
FILE_TYPES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
# Actions that ask for the e-mailed code when the organisation wants one.
SENSITIVE = (DebtorRequestKind.DISPUTE, DebtorRequestKind.PLAN, DebtorRequestKind.CONTACT)


class Refused(DunningError):
    """Why a debtor's action was refused: ``code`` names the sentence the portal shows."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def portal_rules(organisation: Organisation) -> DunningSettings:
    """The organisation's rules, or the defaults while it has set none."""
    return DunningSettings.of(organisation)


def code_required(rules: DunningSettings, kind: str) -> bool:
    return rules.portal_code_required and kind in SENSITIVE


# --- reading --------------------------------------------------------------------------------


def _owed_by_invoice(customer: Customer, invoices: Sequence[Invoice]) -> dict[int, Decimal]:
    """What each of these invoices still owes, by invoice id (the settled ones are absent)."""
    return {
        row["invoice_id"]: Decimal(row["owed"])
        for row in open_instalments(customer.organisation).filter(customer=customer,
                                                                  invoice__in=list(invoices))
        .values("invoice_id").annotate(owed=Sum("outstanding")).order_by()
    }  # fmt: skip


def _owed(link: PortalLink, invoice_uuids: Sequence[UUID]) -> tuple[list[Invoice], Decimal]:
    """The link's customer's open invoices among these, and what they still owe together;
    refused when one is not theirs, or is not open, or they mix currencies."""
    wanted = set(invoice_uuids)
    if not wanted:
        raise Refused("no_invoice")
    invoices = list(Invoice.objects.filter(customer=link.customer, uuid__in=wanted))
    owed = _owed_by_invoice(link.customer, invoices)
    if len(invoices) != len(wanted) or any(invoice.pk not in owed for invoice in invoices):
        raise Refused("invoice_unknown")
    if len({invoice.currency for invoice in invoices}) != 1:
        raise Refused("one_currency")
    total = sum((Decimal(owed[invoice.pk]) for invoice in invoices), ZERO).quantize(ZERO)
    return sorted(invoices, key=lambda invoice: invoice.number), total


def pending_debtor_requests(
    organisation: Organisation, *, collector: str = ""
) -> QuerySet[DebtorRequest]:
    """What debtors did or asked that a collector has not handled yet, oldest first;
    ``collector`` as in ``relance.dunning.todo.todo_filter``."""
    rows = (
        DebtorRequest.objects.filter(organisation=organisation,
                                     status=DebtorRequestStatus.PENDING)
        .select_related("customer", "customer__collector").prefetch_related("invoices")
        .order_by("created_at", "id")
    )  # fmt: skip
    if collector == "none":
        rows = rows.filter(customer__collector=None)
    elif collector.isdigit():
        rows = rows.filter(customer__collector_id=int(collector))
    return rows


# --- the code ---------------------------------------------------------------------------------


def _code(link: PortalLink, rules: DunningSettings, kind: str, typed: str) -> PortalCode | None:
    """The e-mailed code, checked when the organisation asks for one (a wrong try counts even
    though the action is refused); spent by ``_spend`` within the action's transaction."""
    if not code_required(rules, kind):
        return None
    check = portal_code_check(link=link, typed=typed)
    if check.code is None:
        raise Refused(check.problem)
    return check.code


def _spend(code: PortalCode | None) -> None:
    if code is not None and not portal_code_spend(code):
        raise Refused("code_missing")


# --- recording --------------------------------------------------------------------------------


def _record(
    link: PortalLink, kind: str, invoices: Sequence[Invoice], details: dict[str, Any],
    **fields: Any,
) -> DebtorRequest:  # fmt: skip
    request = DebtorRequest.objects.create(
        organisation_id=link.organisation_id, customer=link.customer, portal_link=link,
        kind=kind, created_at=timezone.now(), **fields,
    )  # fmt: skip
    if invoices:
        request.invoices.set(invoices)
    audit_record(
        organisation=link.organisation, actor=portal_actor(link), action="debtor_request",
        entity_type="customer", entity_id=str(link.customer.uuid),
        before={"contact": fields["contact_before"]} if "contact_before" in fields else None,
        after={"kind": kind, "request": str(request.uuid),
               "invoices": [invoice.number for invoice in invoices], **details},
    )  # fmt: skip
    transaction.on_commit(lambda: _notify(request))
    return request


def followers(organisation: Organisation, collector: User | None) -> list[User]:
    """Who hears of a debtor's request: the customer's collector while they still belong to
    the organisation, else its admins."""
    if (
        collector is not None
        and collector.is_active
        and Membership.objects.filter(organisation=organisation, user=collector).exists()
    ):
        return [collector]
    return list(
        User.objects.filter(memberships__organisation=organisation,
                            memberships__role=Role.ADMIN, is_active=True)
        .order_by("email").distinct()
    )  # fmt: skip


def _notify(request: DebtorRequest) -> None:
    customer = request.customer
    organisation = customer.organisation
    path = reverse("customer", kwargs={"org": organisation.slug, "customer": customer.uuid})
    debtor_request_notice_send(users=followers(organisation, customer.collector),
                               organisation=organisation, customer_name=customer.name,
                               kind=request.kind, path=path)  # fmt: skip


# --- the four actions -------------------------------------------------------------------------


def attachment_checked(upload: Upload) -> tuple[str, str]:
    """The name to keep and the content type of a debtor's file, told by its content."""
    limit = settings.RELANCE_PORTAL_ATTACHMENT_MAX_MB * 1024 * 1024
    if not upload.data:
        raise Refused("file_empty")
    if len(upload.data) > limit:
        raise Refused("file_too_big", mb=settings.RELANCE_PORTAL_ATTACHMENT_MAX_MB)
    for magic, content_type, extension in FILE_TYPES:
        if upload.data.startswith(magic):
            stem = PurePath(safe_file_name(upload.name or "piece")).stem[:100] or "piece"
            return f"{stem}{extension}", content_type
    raise Refused("file_type")


def debtor_dispute(
    *, link: PortalLink, invoice: UUID, category: str, message: str, upload: Upload | None,
    day: date, code: str = "",
) -> DebtorRequest:  # fmt: skip
    """The debtor contests an invoice: its reminders stop while the dispute is open."""
    if category not in DisputeCategory.values:
        raise Refused("bad_category")
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise Refused("message_too_long", max=MESSAGE_MAX)
    invoices, _owed_total = _owed(link, [invoice])
    target = invoices[0]
    if target.disputes.filter(closed_on=None).exists():
        raise Refused("already_disputed")
    file = attachment_checked(upload) if upload is not None else None
    rules = portal_rules(link.organisation)
    spent = _code(link, rules, DebtorRequestKind.DISPUTE, code)
    with translation.override("fr"):  # the staff's record of it
        label = str(DisputeCategory(category).label)
    with transaction.atomic():
        _spend(spent)
        dispute = dispute_open(invoice=target, reason=f"{label} — {message}" if message else label,
                               day=day, actor=portal_actor(link), category=category)  # fmt: skip
        fields: dict[str, Any] = {"category": category, "message": message, "dispute": dispute}
        if file is not None and upload is not None:
            sha256 = hashlib.sha256(upload.data).hexdigest()
            fields |= {"attachment_name": file[0], "attachment_type": file[1],
                       "attachment_sha256": sha256}  # fmt: skip
        request = _record(link, DebtorRequestKind.DISPUTE, invoices,
                          {"category": category, "file": bool(file)}, **fields)  # fmt: skip
        if file is not None and upload is not None:
            request.attachment.save(file[0], ContentFile(upload.data), save=True)
    return request


def debtor_promise(
    *, link: PortalLink, invoices: Sequence[UUID], promised_on: date, amount: Decimal, day: date
) -> DebtorRequest:
    """The debtor promises ``amount`` by ``promised_on``: reminders of those invoices wait
    until that date and the grace period."""
    rules = portal_rules(link.organisation)
    chosen, owed = _owed(link, invoices)
    _date_within(promised_on, day, rules)
    if amount <= 0 or amount != amount.quantize(ZERO):
        raise Refused("amount_invalid")
    if amount > owed:
        raise Refused("amount_above_owed", owed=owed, currency=chosen[0].currency)
    with transaction.atomic():
        promise = promise_record(customer=link.customer, invoices=chosen, promised_on=promised_on,
                                 amount=amount, day=day, actor=portal_actor(link))  # fmt: skip
        return _record(link, DebtorRequestKind.PROMISE, chosen,
                       {"promised_on": promised_on.isoformat(), "amount": str(amount)},
                       promise=promise)  # fmt: skip


def _date_within(wanted: date, day: date, rules: DunningSettings) -> None:
    if wanted < day:
        raise Refused("date_past")
    if wanted > day + timedelta(days=rules.portal_promise_max_days):
        raise Refused("date_too_far", days=rules.portal_promise_max_days)


def plan_schedule(owed: Decimal, count: int, first_on: date) -> list[tuple[date, Decimal]]:
    """The monthly schedule a plan request stands for, on what is owed now."""
    return monthly_schedule(owed, count, first_on)


def debtor_plan_request(
    *, link: PortalLink, invoices: Sequence[UUID], count: int, first_on: date, day: date,
    code: str = "",
) -> DebtorRequest:  # fmt: skip
    """The debtor asks to pay these invoices in ``count`` monthly instalments from
    ``first_on``. Nothing is agreed yet: their reminders wait for the collector's answer."""
    rules = portal_rules(link.organisation)
    if not rules.portal_plans_allowed:
        raise Refused("plans_closed")
    chosen, owed = _owed(link, invoices)
    if not 2 <= count <= rules.portal_plan_max_instalments:
        raise Refused("plan_count_bad", max=rules.portal_plan_max_instalments)
    _date_within(first_on, day, rules)
    smallest = min(amount for _day, amount in plan_schedule(owed, count, first_on))
    if smallest < rules.portal_plan_min_instalment:
        raise Refused("plan_too_small", min=rules.portal_plan_min_instalment,
                      currency=chosen[0].currency)  # fmt: skip
    if (
        PaymentPlan.objects.filter(invoices__in=chosen, status=PaymentPlanStatus.ACTIVE).exists()
        or DebtorRequest.objects.filter(invoices__in=chosen, kind=DebtorRequestKind.PLAN,
                                        status=DebtorRequestStatus.PENDING).exists()
    ):  # fmt: skip
        raise Refused("plan_exists")
    spent = _code(link, rules, DebtorRequestKind.PLAN, code)
    with transaction.atomic():
        _spend(spent)
        return _record(link, DebtorRequestKind.PLAN, chosen,
                       {"count": count, "first_on": first_on.isoformat(), "owed": str(owed)},
                       plan_count=count, plan_first_on=first_on)  # fmt: skip


def _contact_state(contact: Contact | None) -> dict[str, str]:
    if contact is None:
        return {"name": "", "email": "", "phone": ""}
    return {"name": contact.name, "email": contact.email, "phone": contact.phone}


def debtor_contact_update(
    *, link: PortalLink, name: str, email: str, phone: str, day: date, code: str = ""
) -> DebtorRequest:
    """The debtor gives new billing contact details: they replace the billing contact's
    (checked as any contact is), or make one when the customer has none."""
    name = name.strip()
    if len(name) > NAME_MAX:
        raise Refused("name_too_long", max=NAME_MAX)
    customer = link.customer
    contact = (
        Contact.objects.filter(customer=customer, role=ContactRole.BILLING)
        .order_by("-is_primary", "id").first()
    )  # fmt: skip
    before = _contact_state(contact)
    rules = portal_rules(link.organisation)
    spent = _code(link, rules, DebtorRequestKind.CONTACT, code)
    actor = portal_actor(link)
    try:
        with transaction.atomic():
            _spend(spent)
            if contact is None:
                has_primary = Contact.objects.filter(customer=customer, is_primary=True).exists()
                contact = contact_add(customer=customer, actor=actor, name=name, email=email,
                                      phone=phone, role=ContactRole.BILLING,
                                      is_primary=not has_primary)  # fmt: skip
            else:
                contact = contact_update(contact=contact, actor=actor, name=name, email=email,
                                         phone=phone, role=ContactRole.BILLING,
                                         is_primary=contact.is_primary,
                                         in_copy=contact.in_copy)  # fmt: skip
            after = _contact_state(contact)
            if after == before:
                raise Refused("contact_same")
            return _record(link, DebtorRequestKind.CONTACT, [], {"contact": after},
                           contact_before=before, contact_after=after)  # fmt: skip
    except LedgerError as error:
        raise Refused("contact_invalid") from error


# --- what the collector does with it ------------------------------------------------------------

ACCEPT, REFUSE, CLOSE, ACKNOWLEDGE = "accept", "refuse", "close", "acknowledge"


def outcomes(request: DebtorRequest) -> tuple[str, ...]:
    """What a collector may answer to a pending request."""
    if request.status != DebtorRequestStatus.PENDING:
        return ()
    if request.kind == DebtorRequestKind.PLAN:
        return (ACCEPT, REFUSE)
    if (
        request.kind == DebtorRequestKind.DISPUTE
        and request.dispute is not None
        and (request.dispute.closed_on is None)
    ):
        return (CLOSE, ACKNOWLEDGE)
    return (ACKNOWLEDGE,)


@transaction.atomic
def debtor_request_resolve(
    *, request: DebtorRequest, outcome: str, note: str, day: date, actor: Actor
) -> DebtorRequest:
    """Answer a request: accept or refuse a plan (a refusal lets reminders resume from
    ``day``), close a dispute, or acknowledge."""
    request = DebtorRequest.objects.select_for_update().get(pk=request.pk)
    if outcome not in outcomes(request):
        raise DunningError(
            gettext("Cette demande a déjà été traitée, ou cette réponse ne lui va pas.")
        )
    invoices = list(request.invoices.all())
    if outcome == ACCEPT:
        assert request.plan_count is not None and request.plan_first_on is not None
        owed = sum(_owed_by_invoice(request.customer, invoices).values(), ZERO).quantize(ZERO)
        if owed <= 0:
            raise DunningError(gettext("Plus rien n'est dû sur ces factures : classez la demande."))
        schedule = plan_schedule(owed, request.plan_count, max(request.plan_first_on, day))
        request.plan = payment_plan_create(customer=request.customer, invoices=invoices,
                                           schedule=schedule, day=day, actor=actor)  # fmt: skip
        request.status = DebtorRequestStatus.ACCEPTED
    elif outcome == REFUSE:
        invoices_resume([invoice.pk for invoice in invoices], day)
        request.status = DebtorRequestStatus.REFUSED
    else:
        if outcome == CLOSE and request.dispute is not None:
            dispute_close(dispute=request.dispute, day=day, actor=actor, note=note)
        request.status = DebtorRequestStatus.DONE
    request.resolved_at, request.resolved_by = timezone.now(), actor.user
    request.resolution_note = note.strip()
    request.save(update_fields=["plan", "status", "resolved_at", "resolved_by",
                                "resolution_note"])  # fmt: skip
    audit_record(
        organisation=request.customer.organisation, actor=actor,
        action="debtor_request_resolved", entity_type="customer",
        entity_id=str(request.customer.uuid),
        after={"kind": request.kind, "request": str(request.uuid), "outcome": outcome,
               "status": request.status, "note": request.resolution_note},
    )  # fmt: skip
    return request
