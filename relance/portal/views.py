"""The debtor's pages: everything hangs off a link token, never a database id, and shows
only that link's customer."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relance.ledger.models import Invoice, PortalLink
from relance.ledger.portal_links import (
    portal_hit_allow,
    portal_link_resolve,
    portal_token,
    portal_url,
    portal_view_record,
)
from relance.ledger.selectors import customer_statement_rows
from relance.payments.checkout import CheckoutRefused, online_checkout_start, online_payment_offered
from relance.portal.action_words import ACTION_WORDS
from relance.portal.statement import build_statement, transfer_qr
from relance.portal.wording import LANGUAGES, NAMES, ONLINE_WORDS, WORDS

STATUS = {"unknown": 404, "expired": 410, "revoked": 410}
View = Callable[..., HttpResponseBase]


def _problem(request: HttpRequest, problem: str, status: int) -> HttpResponse:
    """A page that says what went wrong, in the four languages, and shows nothing else."""
    messages = [(code, WORDS[code][problem]) for code in LANGUAGES]
    return render(request, "portal/problem.html", {"messages": messages}, status=status)


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _gate(view: View) -> Callable[..., HttpResponseBase]:
    """Throttle, resolve the token, pick the language: the gate of every portal page."""

    def gate(request: HttpRequest, token: str, **kwargs: object) -> HttpResponseBase:
        if not portal_hit_allow(_client_ip(request)):
            return _problem(request, "throttled", 429)
        resolved = portal_link_resolve(token)
        if resolved.link is None:
            return _problem(request, resolved.problem, STATUS[resolved.problem])
        asked = request.POST.get("lang", "") or request.GET.get("lang", "")
        language = asked if asked in LANGUAGES else resolved.link.customer.language
        if language not in LANGUAGES:
            language = "fr"
        return view(request, resolved.link, language, **kwargs)

    return gate


def with_link(view: View) -> Callable[..., HttpResponseBase]:
    """The gate of the pages that only show (GET)."""
    return require_GET(_gate(view))


def with_link_form(view: View) -> Callable[..., HttpResponseBase]:
    """The gate of the pages where the debtor acts: a form (GET) and its sending (POST,
    under the CSRF check of every POST), behind the same throttle and link check."""
    return require_http_methods(["GET", "HEAD", "POST"])(_gate(view))


def _context(link: PortalLink, language: str) -> dict[str, object]:
    customer = link.customer
    statement = build_statement(customer, today=timezone.localdate(), language=language)
    return {"statement": statement, "customer_name": customer.name,
            "w": WORDS[language] | ACTION_WORDS[language],
            "language": language, "languages": [(code, NAMES[code]) for code in LANGUAGES],
            "organisation": link.organisation.legal_name,
            "online": online_payment_offered(customer), "wo": ONLINE_WORDS[language]}  # fmt: skip


@with_link
def statement(request: HttpRequest, link: PortalLink, language: str) -> HttpResponse:
    portal_view_record(link=link, page="statement")
    response = render(request, "portal/statement.html", _context(link, language))
    response["Content-Language"] = language
    return response


@with_link
def statement_pdf(request: HttpRequest, link: PortalLink, language: str) -> HttpResponse:
    from weasyprint import HTML  # heavy: loaded when a PDF is asked for

    portal_view_record(link=link, page="statement_pdf")
    html = render_to_string("portal/statement_pdf.html", _context(link, language))
    pdf = bytes(HTML(string=html).write_pdf())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="statement.pdf"'
    return response


@with_link
def invoice_pdf(
    request: HttpRequest, link: PortalLink, language: str, invoice: UUID
) -> FileResponse:
    found = Invoice.objects.filter(uuid=invoice, customer_id=link.customer_id).exclude(pdf="")
    row = found.first()
    if row is None:
        raise Http404
    portal_view_record(link=link, page=f"invoice_pdf:{row.number}")
    return FileResponse(row.pdf.open("rb"), content_type="application/pdf",
                        as_attachment=True, filename=f"{row.number}.pdf")  # fmt: skip


@with_link
def qr_total(request: HttpRequest, link: PortalLink, language: str) -> HttpResponse:
    total = sum((Decimal(str(row[8])) for row in customer_statement_rows(link.customer)
                 if row[0] == "EUR"), Decimal("0.00"))  # fmt: skip
    return _qr(link, total)


@with_link
def qr_invoice(
    request: HttpRequest, link: PortalLink, language: str, invoice: UUID
) -> HttpResponse:
    rows = [row for row in customer_statement_rows(link.customer)
            if row[1] == invoice and row[0] == "EUR"]  # fmt: skip
    if not rows:
        raise Http404
    return _qr(link, sum((Decimal(str(row[8])) for row in rows), Decimal("0.00")), invoice)


def _qr(link: PortalLink, amount: Decimal, invoice: UUID | None = None) -> HttpResponse:
    code = transfer_qr(link.customer, amount, invoice=invoice)
    if code is None:
        raise Http404
    out = io.BytesIO()
    code.save(out, kind="png", scale=6, border=4)
    response = HttpResponse(out.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


# Paying online: the checkout is opened at the provider, which sends the debtor back here.
# Coming back proves nothing: only the provider's verified webhook records a payment.


def _pay_online(request: HttpRequest, link: PortalLink, language: str) -> HttpResponse:
    chosen = request.POST.get("invoice", "")
    try:
        invoice = UUID(chosen) if chosen else None
    except ValueError:
        return _refused(request, link, language, "nothing_due", 400)
    address = portal_url(portal_token(link.uuid))
    try:
        online = online_checkout_start(
            customer=link.customer, invoice=invoice, language=language,
            return_url=f"{address}payment/return/?lang={language}",
            cancel_url=f"{address}?lang={language}",
        )  # fmt: skip
    except CheckoutRefused as refused:
        status = {"nothing_due": 409, "unavailable": 404}.get(refused.reason, 503)
        return _refused(request, link, language, refused.reason, status)
    return redirect(online.checkout_url)


# Under the CSRF check of every POST, like the debtor's other forms.
pay_online = require_POST(_gate(_pay_online))


def _refused(
    request: HttpRequest, link: PortalLink, language: str, reason: str, status: int
) -> HttpResponse:
    return render(request, "portal/online/refused.html",
                  {**_context(link, language), "reason": ONLINE_WORDS[language][reason]},
                  status=status)  # fmt: skip


@with_link
def payment_return(request: HttpRequest, link: PortalLink, language: str) -> HttpResponse:
    return render(request, "portal/online/returned.html", _context(link, language))
