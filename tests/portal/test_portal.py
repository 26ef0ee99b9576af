"""The debtor portal: a link from a real reminder opens that customer's statement and nothing
else; a bad, expired or revoked link opens nothing."""

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

from relance.accounts.models import AuditEvent
from relance.channels.compose import outbox_fill
from relance.channels.outbox import send_due
from relance.dunning.run import run_day
from relance.ledger.models import Customer, Invoice, PortalLink
from relance.ledger.portal_links import portal_link_issue, portal_link_revoke
from tests.channels.test_compose import ledger, parts

RUN_DAY = date(2026, 3, 9)
LINK = re.compile(r"http://[^\s<>\"]+/p/[A-Za-z0-9_-]+/")


@pytest.fixture
def mailed(organisation, actor, smtp_server, settings):
    """The morning's reminders sent to a real SMTP server: the portal path of each recipient."""
    settings.RELANCE_PUBLIC_URL = "http://portal.example"
    ledger(organisation, actor)
    run_day(organisation=organisation, day=RUN_DAY, actor=actor)
    outbox_fill(organisation=organisation, day=RUN_DAY, actor=actor)
    assert send_due(worker="w1").sent == 2
    paths = {}
    for message in smtp_server.messages:
        body = parts(message)
        found = LINK.findall(body["text/plain"])
        assert found and found[0] in body["text/html"]
        paths[str(message["To"])] = urlparse(found[0]).path
    return paths


def test_the_link_in_a_reminder_shows_that_customer_only(client, mailed):
    page = client.get(mailed["compta@lefevre.example"])
    assert page.status_code == 200
    html = page.content.decode()
    for fact in ("F-101", "Boulangerie Lefèvre SARL", "1\u202f234,56", "FR76 3000 6000 0112",
                 "AGRIFRPP", "Votre situation de compte"):  # fmt: skip
        assert fact in html, fact
    assert "RF" in html and "F-102" not in html and "Peeters" not in html
    assert "F-103" not in html  # nor the customer without e-mail


def test_a_dutch_customer_reads_dutch_and_can_switch(client, mailed):
    path = mailed["boekhouding@peeters.example"]
    html = client.get(path).content.decode()
    assert "Uw rekeningoverzicht" in html and "+++" in html and "F-102" in html
    assert "F-101" not in html
    assert "Ihr Kontoauszug" in client.get(path + "?lang=de").content.decode()


def test_each_view_is_logged_in_the_customer_history(client, mailed):
    client.get(mailed["compta@lefevre.example"])
    customer = Customer.objects.get(external_ref="K-FR")
    viewed = AuditEvent.objects.filter(action="portal_viewed", entity_id=str(customer.uuid))
    assert viewed.count() == 1 and viewed.get().after == {"page": "statement"}


def test_the_qr_code_pays_the_total_with_the_reference(client, mailed):
    path = mailed["compta@lefevre.example"]
    image = client.get(path + "qr.png")
    assert image["Content-Type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.content)))
    lines = decoded[0].text.split("\n")
    assert lines[0] == "BCD" and lines[3] == "SCT"
    assert lines[4] == "AGRIFRPP" and lines[5] == "Atelier Dupont SAS"
    assert lines[6] == "FR7630006000011234567890189" and lines[7] == "EUR1234.56"
    customer = Customer.objects.get(external_ref="K-FR")
    from relance.ledger.selectors import customer_payment_reference

    assert lines[9] == customer_payment_reference(customer) and lines[9].startswith("RF")
    invoice = Invoice.objects.get(number="F-101")
    assert client.get(f"{path}qr/{invoice.uuid}.png").status_code == 200
    other = Invoice.objects.get(number="F-102")  # another customer's invoice: nothing
    assert client.get(f"{path}qr/{other.uuid}.png").status_code == 404


def test_invoice_and_statement_pdfs_come_through_the_link(client, mailed):
    invoice = Invoice.objects.get(number="F-101")
    invoice.pdf.save("F-101.pdf", ContentFile(b"%PDF-1.4 facture F-101"))
    other = Invoice.objects.get(number="F-102")
    other.pdf.save("F-102.pdf", ContentFile(b"%PDF-1.4 facture F-102"))
    path = mailed["compta@lefevre.example"]
    assert f"invoices/{invoice.uuid}.pdf" in client.get(path).content.decode()
    got = client.get(f"{path}invoices/{invoice.uuid}.pdf")
    assert got.status_code == 200 and b"".join(got.streaming_content).endswith(b"F-101")
    assert client.get(f"{path}invoices/{other.uuid}.pdf").status_code == 404
    statement = client.get(path + "statement.pdf")
    assert statement.status_code == 200 and statement.content.startswith(b"%PDF")


def _no_data(response) -> str:
    html = str(response.content.decode())
    assert "F-10" not in html and "Lefèvre" not in html and "FR76" not in html
    return html


def test_tampered_unknown_expired_and_revoked_links_show_nothing(client, mailed, actor):
    path = mailed["compta@lefevre.example"]
    tampered = path[:-2] + ("A" if path[-2] != "A" else "B") + "/"
    page = client.get(tampered)
    assert page.status_code == 404 and "pas valable" in _no_data(page)
    assert "niet geldig" in page.content.decode()  # the four languages: no customer known
    assert client.get("/p/x/").status_code == 404
    PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(path)
    assert page.status_code == 410 and "expiré" in _no_data(page)
    assert client.get(path + "qr.png").status_code == 410
    PortalLink.objects.update(expires_at=timezone.now() + timedelta(days=1))
    assert client.get(path).status_code == 200
    customer = Customer.objects.get(external_ref="K-FR")
    assert portal_link_revoke(customer=customer, actor=actor) == 1
    page = client.get(path)
    assert page.status_code == 410 and "désactivé" in _no_data(page)
    fresh = urlparse(portal_link_issue(customer=customer, actor=actor).url).path
    assert fresh != path and client.get(fresh).status_code == 200


def test_a_link_is_reused_while_it_has_life_ahead(organisation, actor):
    from relance.ledger.services import customer_create

    customer = customer_create(organisation=organisation, external_ref="K1", name="Un",
                               actor=actor)  # fmt: skip
    first = portal_link_issue(customer=customer, actor=actor)
    assert portal_link_issue(customer=customer, actor=actor) == first
    assert PortalLink.objects.count() == 1
    stored = str(list(PortalLink.objects.values_list("token_hash", "short_hash")))
    token, code = first.url.rstrip("/").rsplit("/", 1)[1], first.short_url.rsplit("/", 1)[1]
    assert token not in stored and code not in stored and code.replace("-", "") not in stored
    PortalLink.objects.update(expires_at=timezone.now() + timedelta(days=10))
    assert portal_link_issue(customer=customer, actor=actor) != first


def test_too_many_pages_from_one_address_are_refused(client, mailed, settings):
    settings.RELANCE_PORTAL_PER_IP = 2
    path = mailed["compta@lefevre.example"]
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 429]


def test_a_missing_amount_gives_no_qr_code(client, organisation, actor):
    from relance.ledger.services import customer_create

    customer = customer_create(organisation=organisation, external_ref="K0", name="Zéro",
                               actor=actor)  # fmt: skip
    path = urlparse(portal_link_issue(customer=customer, actor=actor).url).path
    page = client.get(path).content.decode()
    assert "votre compte est à jour" in page
    assert client.get(path + "qr.png").status_code == 404


@pytest.mark.parametrize(
    ("own", "line"),
    [("RF18 5390 0754 7034", 9), ("+++010/8068/17183+++", 10), ("Commande 4521/B", 10)],
)
def test_an_invoices_own_reference_is_on_its_qr_code(client, mailed, own, line):
    from relance.core.payment_reference import invoice_reference

    path = mailed["compta@lefevre.example"]
    invoice = Invoice.objects.get(number="F-101")
    Invoice.objects.filter(pk=invoice.pk).update(payment_reference=invoice_reference(own))
    image = client.get(f"{path}qr/{invoice.uuid}.png")
    lines = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.content)))[0].text.split("\n")
    # The EPC code holds an RF reference in its structured field, anything else as text.
    assert lines[line] == invoice_reference(own)
    total = client.get(path + "qr.png")  # the whole statement keeps the customer's reference
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(total.content)))[0].text
    assert invoice_reference(own) not in decoded
