"""What a debtor does from their page: dispute an invoice, promise to pay, ask for a payment
plan, update their billing contact.

Each page is a form (GET) and its sending (POST), behind the link's gate. The rules and the
writing are the dunning app's (``relance.dunning.debtor_requests``); here the input is read,
a refusal is worded in the debtor's language (status 400, nothing written), and a success
leads to a page that says what happens next. When the organisation asks for it, a one-time
code e-mailed to the billing address on record must be typed first.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import RequestDataTooBig
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from relance.core import money
from relance.core.formatting import format_date, format_money
from relance.dunning.debtor_requests import (
    MESSAGE_MAX,
    Refused,
    Upload,
    code_required,
    debtor_contact_update,
    debtor_dispute,
    debtor_plan_request,
    debtor_promise,
    portal_rules,
)
from relance.dunning.models import DebtorRequest, DebtorRequestKind, DisputeCategory
from relance.ledger.models import Contact, ContactRole, PortalLink
from relance.ledger.portal_codes import CodeRefused, billing_email, portal_code_issue
from relance.portal.action_words import ACTION_WORDS
from relance.portal.statement import build_statement
from relance.portal.views import with_link, with_link_form
from relance.portal.wording import WORDS

log = logging.getLogger(__name__)
CATEGORIES = [(value, f"cat_{value}") for value in DisputeCategory.values]


def _words(language: str) -> dict[str, str]:
    return WORDS[language] | ACTION_WORDS[language]


def _token(request: HttpRequest) -> str:
    assert request.resolver_match is not None
    return str(request.resolver_match.kwargs["token"])


def _home(request: HttpRequest, language: str) -> str:
    return reverse("portal:statement", kwargs={"token": _token(request)}) + f"?lang={language}"


def _masked(address: str) -> str:
    """Enough of the address on record for the debtor to recognise it, not to learn it."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def _page(
    request: HttpRequest, link: PortalLink, language: str, kind: str, *,
    refusal: Refused | None = None, notice: str = "", **extra: Any,
) -> HttpResponse:  # fmt: skip
    """An action's form, with what went wrong or what was just done."""
    customer = link.customer
    words = _words(language)
    rules = portal_rules(link.organisation)
    statement = build_statement(customer, today=timezone.localdate(), language=language)
    address = billing_email(customer)
    context = {
        "w": words, "language": language, "kind": kind, "organisation":
        link.organisation.legal_name, "customer_name": customer.name, "statement": statement,
        "home": _home(request, language), "categories": [(v, words[k]) for v, k in CATEGORIES],
        "needs_code": code_required(rules, kind), "code_to": _masked(address) if address else "",
        "error": _refusal_text(refusal, language) if refusal else "", "notice": notice,
        "promise_rule": words["promise_rule"].format(days=rules.portal_promise_max_days),
        "plan_rule": words["plan_rule"].format(
            max=rules.portal_plan_max_instalments,
            min=format_money(rules.portal_plan_min_instalment, language, "EUR"),
        ),
        "plans_allowed": rules.portal_plans_allowed, "max_count": rules.portal_plan_max_instalments,
        "file_help": words["file"].format(mb=_max_mb()), "message_max": MESSAGE_MAX,
        "posted": request.POST if request.method == "POST" else {},
        "posted_invoices": request.POST.getlist("invoices") if request.method == "POST" else [],
        **extra,
    }  # fmt: skip
    number = extra.get("number", "")
    titles = {DebtorRequestKind.DISPUTE: words["dispute_title"].format(number=number),
              DebtorRequestKind.PROMISE: words["promise"], DebtorRequestKind.PLAN: words["plan"],
              DebtorRequestKind.CONTACT: words["contact"]}  # fmt: skip
    context["title"] = titles[DebtorRequestKind(kind)]
    context["code_why"] = words["code_why"].format(email=context["code_to"])
    context["contact_now"] = words["contact_now"].format(current=extra.get("current", ""))
    status = 400 if refusal else 200
    response = render(request, "portal/action.html", context, status=status)
    response["Content-Language"] = language
    response["Cache-Control"] = "private, no-store"
    return response


def _max_mb() -> int:
    from django.conf import settings

    return int(settings.RELANCE_PORTAL_ATTACHMENT_MAX_MB)


def _refusal_text(refusal: Refused, language: str) -> str:
    words = _words(language)
    params: dict[str, object] = {}
    currency = str(refusal.params.get("currency", "EUR"))
    for name, value in refusal.params.items():
        params[name] = (
            format_money(value, language, currency) if isinstance(value, Decimal) else value
        )
    template = words.get(refusal.code, words["refused"])
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return words["refused"]


def _done(request: HttpRequest, made: DebtorRequest, language: str) -> HttpResponseRedirect:
    path = reverse("portal:done", kwargs={"token": _token(request), "request_id": made.uuid})
    return HttpResponseRedirect(f"{path}?lang={language}", status=303)


def _code_sent(request: HttpRequest, link: PortalLink, language: str, kind: str,
               **extra: Any) -> HttpResponse:  # fmt: skip
    """Send the one-time code to the billing address on record, in the debtor's language.

    It goes through Django's mail, at once, like relance's own account e-mails: the outbox is
    the reminders' (held to the sending window, and it keeps each message's text, which a
    code must not be kept as)."""
    words = _words(language)
    try:
        code, address = portal_code_issue(link=link)
    except CodeRefused as refused:
        return _page(request, link, language, kind, refusal=Refused(refused.problem), **extra)
    fields = {"code": code, "organisation": link.organisation.legal_name}
    try:
        send_mail(words["code_subject"].format(**fields), words["code_body"].format(**fields),
                  None, [address])  # fmt: skip
    except (OSError, smtplib.SMTPException):
        log.exception("portal code for customer %s did not leave", link.customer.uuid)
        return _page(request, link, language, kind, refusal=Refused("refused"), **extra)
    notice = words["code_sent"].format(email=_masked(address))
    return _page(request, link, language, kind, notice=notice, **extra)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise Refused("date_invalid") from error


def _amount(text: str) -> Decimal:
    try:
        return money.parse_amount(text)
    except money.AmountError as error:
        raise Refused("amount_invalid") from error


def _invoice_ids(values: list[str]) -> list[UUID]:
    try:
        return [UUID(value) for value in values]
    except ValueError as error:
        raise Refused("invoice_unknown") from error


# --- the four actions ---------------------------------------------------------------------------


@with_link_form
def dispute(request: HttpRequest, link: PortalLink, language: str, invoice: UUID) -> HttpResponse:
    line = next((line for account in build_statement(
        link.customer, today=timezone.localdate(), language=language).accounts
        for line in account.lines if line.invoice == invoice), None)  # fmt: skip
    extra: dict[str, Any] = {"invoice": invoice, "number": line.number if line else ""}
    if line is None and request.method != "POST":
        raise Http404
    if request.method != "POST":
        return _page(request, link, language, DebtorRequestKind.DISPUTE, **extra)
    if request.POST.get("send_code"):
        return _code_sent(request, link, language, DebtorRequestKind.DISPUTE, **extra)
    try:
        file = request.FILES.get("file")
        if file is not None and (file.size or 0) > _max_mb() * 1024 * 1024:
            raise Refused("file_too_big", mb=_max_mb())  # refused before it is read
        upload = Upload(file.name or "", file.read()) if file is not None else None
        made = debtor_dispute(link=link, invoice=invoice,
                              category=request.POST.get("category", ""),
                              message=request.POST.get("message", ""), upload=upload,
                              day=timezone.localdate(),
                              code=request.POST.get("code", ""))  # fmt: skip
    except Refused as refusal:
        return _page(request, link, language, DebtorRequestKind.DISPUTE, refusal=refusal, **extra)
    except RequestDataTooBig:
        too_big = Refused("file_too_big", mb=_max_mb())
        return _page(request, link, language, DebtorRequestKind.DISPUTE, refusal=too_big, **extra)
    return _done(request, made, language)


@with_link_form
def promise(request: HttpRequest, link: PortalLink, language: str) -> HttpResponse:
    if request.method != "POST":
        return _page(request, link, language, DebtorRequestKind.PROMISE)
    try:
        made = debtor_promise(link=link, invoices=_invoice_ids(request.POST.getlist("invoices")),
                              promised_on=_day(request.POST.get("promised_on", "")),
                              amount=_amount(request.POST.get("amount", "")),
                              day=timezone.localdate())  # fmt: skip
    except Refused as refusal:
        return _page(request, link, language, DebtorRequestKind.PROMISE, refusal=refusal)
    return _done(request, made, language)


@with_link_form
def plan(request: HttpRequest, link: PortalLink, language: str) -> HttpResponse:
    if request.method != "POST":
        return _page(request, link, language, DebtorRequestKind.PLAN)
    if request.POST.get("send_code"):
        return _code_sent(request, link, language, DebtorRequestKind.PLAN)
    try:
        count = request.POST.get("count", "").strip()
        if not count.isdigit() or len(count) > 3:
            raise Refused("plan_count_bad", max=portal_rules(link.organisation)
                          .portal_plan_max_instalments)  # fmt: skip
        made = debtor_plan_request(
            link=link, invoices=_invoice_ids(request.POST.getlist("invoices")), count=int(count),
            first_on=_day(request.POST.get("first_on", "")), day=timezone.localdate(),
            code=request.POST.get("code", ""),
        )  # fmt: skip
    except Refused as refusal:
        return _page(request, link, language, DebtorRequestKind.PLAN, refusal=refusal)
    return _done(request, made, language)


@with_link_form
def contact(request: HttpRequest, link: PortalLink, language: str) -> HttpResponse:
    current = (
        Contact.objects.filter(customer=link.customer, role=ContactRole.BILLING)
        .order_by("-is_primary", "id").first()
    )  # fmt: skip
    extra: dict[str, Any] = {"current": " · ".join(value for value in (current.name, current.email,
                                                       current.phone) if value)
             if current else ""}  # fmt: skip
    if request.method != "POST":
        return _page(request, link, language, DebtorRequestKind.CONTACT, **extra)
    if request.POST.get("send_code"):
        return _code_sent(request, link, language, DebtorRequestKind.CONTACT, **extra)
    try:
        made = debtor_contact_update(link=link, name=request.POST.get("name", ""),
                                     email=request.POST.get("email", ""),
                                     phone=request.POST.get("phone", "").replace(" ", ""),
                                     day=timezone.localdate(),
                                     code=request.POST.get("code", ""))  # fmt: skip
    except Refused as refusal:
        return _page(request, link, language, DebtorRequestKind.CONTACT, refusal=refusal, **extra)
    return _done(request, made, language)


@with_link
def done(request: HttpRequest, link: PortalLink, language: str, request_id: UUID) -> HttpResponse:
    """What was just recorded, and what happens next."""
    made = (
        DebtorRequest.objects.filter(uuid=request_id, customer=link.customer)
        .select_related("promise").prefetch_related("invoices").first()
    )  # fmt: skip
    if made is None:
        raise Http404
    words = _words(language)
    numbers = ", ".join(invoice.number for invoice in made.invoices.all())
    fields: dict[str, object] = {"organisation": link.organisation.legal_name, "number": numbers,
                                 "count": made.plan_count or 0}  # fmt: skip
    if made.promise is not None:
        currency = next((invoice.currency for invoice in made.invoices.all()), "EUR")
        fields["amount"] = format_money(made.promise.amount, language, currency)
        fields["date"] = format_date(made.promise.promised_on, language, "long")
    message = words[f"done_{made.kind}"].format(**fields)
    response = render(request, "portal/done.html", {
        "w": words, "language": language, "organisation": link.organisation.legal_name,
        "message": message, "home": _home(request, language),
    })  # fmt: skip
    response["Content-Language"] = language
    return response
