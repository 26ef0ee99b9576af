"""A debtor pays from the link in a real reminder, in a real browser: the invoice PDF, the
transfer QR code read by a real decoder, then a card payment through the provider's
stand-in whose signed webhook marks the invoice paid, so the next run does not remind it.
Forged and replayed webhooks change nothing; a bad link shows nothing."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
import zxingcpp
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from relance.accounts.clock import local_day
from relance.channels.outbox import send_due
from relance.core.calendar import BusinessCalendar
from relance.cycle.daily import daily_cycle
from relance.dunning.models import ReminderItem
from relance.dunning.run import day_plan
from relance.ledger.models import Customer, Instalment, Invoice, Payment, PortalLink
from relance.ledger.selectors import customer_payment_reference
from relance.payments.models import CheckoutStatus, OnlinePayment, WebhookEvent
from tests.browser.conftest import screenshot
from tests.channels.test_compose import ledger
from tests.payments.helpers import owed, stripe_account

pytestmark = pytest.mark.django_db(transaction=True)
# The invoices fall due a week before today: today's run sends the first reminder (and
# the mail server's answer marks it done today); the scenario's second comes 8 days or more
# later, as the weekday of the due date shifts the schedule.
DUE_DAYS_AGO = 7
LINK = re.compile(r"http://[^\s<>\"]+/p/[A-Za-z0-9_-]+/")


def _invoice_pdf() -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string="<h1>Facture F-101</h1><p>1 234,56 €</p>").write_pdf())


def _reminded(number: str, day: date) -> bool:
    return ReminderItem.objects.filter(
        instalment__invoice__number=number, reminder__run_date=day
    ).exists()


def _next_reminder_day(customer_ref: str, *, after: date, organisation) -> date:
    """The first day after ``after`` on which the daily run plans a message to the customer."""
    for days in range(1, 30):
        day = after + timedelta(days=days)
        if any(m.customer_ref == customer_ref for m in day_plan(organisation, day=day).messages):
            return day
    raise AssertionError(f"nothing planned for {customer_ref} within 30 days of {after}")


def test_a_debtor_pays_online_from_the_link_in_a_reminder(
    page, organisation, actor, smtp_server, payment_provider, live_server, settings
):
    settings.RELANCE_PUBLIC_URL = live_server.url
    ledger(organisation, actor)
    # The last business day's run (nothing is planned on a weekend), sent now.
    run_day = BusinessCalendar("FR", None).previous_business_day(local_day(organisation))
    Invoice.objects.update(issue_date=run_day - timedelta(days=30))
    Instalment.objects.update(due_date=run_day - timedelta(days=DUE_DAYS_AGO))
    Invoice.objects.get(number="F-101").pdf.save("F-101.pdf", ContentFile(_invoice_pdf()))
    stripe_account(organisation, actor, settings, payment_provider)
    daily_cycle(organisation=organisation, day=run_day, actor=actor)
    assert send_due(worker="w1").sent == 2 and _reminded("F-101", run_day)
    received = next(m for m in smtp_server.messages if m["To"] == "compta@lefevre.example")
    link = LINK.findall(received.get_body(("plain",)).get_content())[0]
    assert link.startswith(live_server.url)

    page.goto(link)
    assert page.get_by_role("heading", name="Votre situation de compte").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).first.click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and "F-101" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    shot = page.locator("img.qr").screenshot()
    lines = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))[0].text.split("\n")
    customer = Customer.objects.get(external_ref="K-FR")
    assert lines[6] == "FR7630006000011234567890189" and lines[7] == "EUR1234.56"
    assert lines[9] == customer_payment_reference(customer)
    screenshot(page, "portal-pay-online")

    page.get_by_role("button", name="Payer en ligne le total").click()
    page.wait_for_url(f"{payment_provider.base}/checkout/**")
    assert page.locator("[data-amount]").inner_text() == "1234.56 EUR"
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{live_server.url}/p/**/payment/return/**")
    assert "il est bien reçu" in page.locator("[data-returned]").inner_text()

    delivered = payment_provider.deliveries[-1]
    assert (delivered.status, delivered.answer) == (200, "paid")
    online = OnlinePayment.objects.get()
    assert online.status == CheckoutStatus.PAID and owed(customer) == {}
    assert Payment.objects.get().reference.startswith("stripe:pi_")
    page.goto(link)
    assert not page.get_by_role("button", name="Payer en ligne le total").count()

    # The mornings after: the paid invoice is never reminded, the unpaid one is.
    send_due(worker="w1")
    daily_cycle(organisation=organisation, day=run_day + timedelta(days=1), actor=actor)
    assert not _reminded("F-101", run_day + timedelta(days=1))
    follow_up = _next_reminder_day(
        "K-BE", after=run_day + timedelta(days=1), organisation=organisation
    )
    assert 8 <= (follow_up - run_day).days <= 16  # weekends and public holidays push it
    daily_cycle(organisation=organisation, day=follow_up, actor=actor)
    assert _reminded("F-102", follow_up) and not _reminded("F-101", follow_up)

    # A replayed and a forged delivery change nothing.
    before = (Payment.objects.count(), WebhookEvent.objects.count(), owed(customer))
    replay = payment_provider.deliver(delivered.url, delivered.body, delivered.headers)
    assert (replay.status, replay.answer) == (200, "replay")
    forged_body = delivered.body.replace(b'"amount_total": 123456', b'"amount_total": 999999')
    assert forged_body != delivered.body
    forged = payment_provider.deliver(delivered.url, forged_body, delivered.headers)
    assert forged.status == 400
    assert (Payment.objects.count(), WebhookEvent.objects.count(), owed(customer)) == before

    # A tampered link and an expired one: a clear page, and nothing of the account.
    path = urlparse(link).path
    for address, words in ((path[:-2] + ("A" if path[-2] != "A" else "B") + "/", "pas valable"),
                           (path, "expiré")):  # fmt: skip
        if words == "expiré":
            PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        answer = page.goto(live_server.url + address)
        text = page.locator("body").inner_text()
        assert answer.status in (404, 410) and words in text
        for secret in ("Lefèvre", "F-101", "FR76", "1 234,56", "Payer en ligne"):
            assert secret not in text
    assert page.request.post(link + "payment/").status == 403  # no form, no CSRF token
    assert OnlinePayment.objects.count() == 1
