"""What a debtor does from the portal, end to end on the link of a real reminder: each action
lands on the to-do and the customer's history and tells the collector; each refusal says why
in the debtor's language and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html import escape

import pytest
from django.test import Client
from django.utils import timezone

from relance.accounts.audit import debtor_link_reference
from relance.accounts.models import AuditEvent, User
from relance.dunning.models import (
    DebtorRequest,
    Dispute,
    DunningSettings,
    PaymentPlan,
    Promise,
)
from relance.ledger.models import Contact, Customer, Invoice, PortalCode, PortalLink
from relance.portal.action_words import ACTION_WORDS
from relance.portal.wording import WORDS
from tests.portal.test_portal import mailed  # noqa: F401  (the fixture)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def lefevre(mailed):  # noqa: F811
    """The French customer's portal path, with Camille as their collector."""
    customer = Customer.objects.get(external_ref="K-FR")
    customer.collector = User.objects.get(email="camille@atelier.example")
    customer.save(update_fields=["collector"])
    return mailed["compta@lefevre.example"]


def _invoice(number: str) -> Invoice:
    return Invoice.objects.get(number=number)


def _says(page, text: str) -> bool:
    """The page shows this sentence (as the template escapes it)."""
    return escape(text) in page.content.decode()


def _today():
    return timezone.localdate()


def _nothing_written() -> None:
    assert not DebtorRequest.objects.exists()
    assert not Dispute.objects.exists() and not Promise.objects.exists()
    assert not PaymentPlan.objects.exists()


def _rules(**values) -> None:
    DunningSettings.objects.filter(organisation__slug="atelier").update(**values)


# --- dispute ----------------------------------------------------------------------------------


def test_a_dispute_with_a_file_holds_the_invoice_and_tells_the_collector(
    client, lefevre, smtp_server, django_capture_on_commit_callbacks
):
    invoice = _invoice("F-101")
    page = client.get(f"{lefevre}invoices/{invoice.uuid}/dispute/")
    assert page.status_code == 200 and "Contester la facture F-101" in page.content.decode()
    assert 'maxlength="4000"' in page.content.decode()  # not localised as "4 000"
    assert f"invoices/{invoice.uuid}/dispute/" in client.get(lefevre).content.decode()
    sent = len(smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):
        from django.core.files.uploadedfile import SimpleUploadedFile

        done = client.post(f"{lefevre}invoices/{invoice.uuid}/dispute/", {
            "category": "not_received", "message": "Livraison jamais arrivée.",
            "file": SimpleUploadedFile("bon.exe", PDF, content_type="application/x-msdownload"),
        })  # fmt: skip
    assert done.status_code == 303
    confirmation = client.get(done["Location"])
    assert "contestation de la facture F-101 est enregistrée" in confirmation.content.decode()
    dispute = Dispute.objects.get(invoice=invoice, closed_on=None)
    assert dispute.reason == "Marchandise ou service non reçu — Livraison jamais arrivée."
    request = DebtorRequest.objects.get()
    assert request.kind == "dispute" and request.status == "pending"
    assert request.attachment_type == "application/pdf" and request.attachment_name == "bon.pdf"
    assert request.attachment.read() == PDF  # the content decides, not the name
    event = AuditEvent.objects.get(action="debtor_request")
    link = PortalLink.objects.get(customer=invoice.customer)
    assert debtor_link_reference(event.actor_label) == link.uuid.hex[:8]
    assert event.after["invoices"] == ["F-101"] and event.after["category"] == "not_received"
    notices = smtp_server.messages[sent:]
    assert [str(message["To"]) for message in notices] == ["camille@atelier.example"]
    body = notices[0].get_body(("plain",)).get_content()
    assert "Boulangerie Lefèvre SARL" in str(notices[0]["Subject"])
    assert f"/customers/{invoice.customer.uuid}/" in body
    assert "Livraison" not in body and not list(notices[0].iter_attachments())


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"category": "nonsense"}, "bad_category"),
        ({"category": "other", "message": "x" * 4001}, "message_too_long"),
        ({"category": "other", "file": ("virus.pdf", b"MZ\x90\x00 not a pdf")}, "file_type"),
        ({"category": "other", "file": ("vide.pdf", b"")}, "file_empty"),
    ],
)
def test_a_bad_dispute_is_refused_in_the_debtors_language(client, lefevre, data, code):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if "file" in data:
        name, content = data["file"]
        data = {**data, "file": SimpleUploadedFile(name, content)}
    invoice = _invoice("F-101")
    page = client.post(f"{lefevre}invoices/{invoice.uuid}/dispute/", data)
    assert page.status_code == 400
    assert _says(page, ACTION_WORDS["fr"][code].format(max=4000))
    _nothing_written()


def test_an_oversized_file_is_refused(client, lefevre, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.RELANCE_PORTAL_ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("photo.png", PNG + b"\x00" * (1024 * 1024))
    invoice = _invoice("F-101")
    page = client.post(f"{lefevre}invoices/{invoice.uuid}/dispute/",
                       {"category": "quality", "file": big})  # fmt: skip
    assert page.status_code == 400 and "trop volumineux (1 Mo au plus)" in page.content.decode()
    _nothing_written()


def test_another_customers_invoice_cannot_be_disputed_nor_twice_the_same(client, lefevre):
    other = _invoice("F-102")
    page = client.post(f"{lefevre}invoices/{other.uuid}/dispute/", {"category": "other"})
    assert page.status_code == 400
    assert _says(page, ACTION_WORDS["fr"]["invoice_unknown"])
    assert "F-102" not in page.content.decode() and "Peeters" not in page.content.decode()
    _nothing_written()
    assert client.get(f"{lefevre}invoices/{other.uuid}/dispute/").status_code == 404
    mine = _invoice("F-101")
    assert client.post(f"{lefevre}invoices/{mine.uuid}/dispute/",
                       {"category": "amount"}).status_code == 303  # fmt: skip
    again = client.post(f"{lefevre}invoices/{mine.uuid}/dispute/", {"category": "amount"})
    assert again.status_code == 400
    assert _says(again, ACTION_WORDS["fr"]["already_disputed"])
    assert Dispute.objects.count() == 1 and DebtorRequest.objects.count() == 1


# --- promise ----------------------------------------------------------------------------------


def test_a_promise_is_recorded_with_the_existing_rule(client, lefevre):
    invoice = _invoice("F-101")
    day = _today() + timedelta(days=10)
    done = client.post(f"{lefevre}promise/", {"invoices": [str(invoice.uuid)],
                                              "promised_on": day.isoformat(),
                                              "amount": "1 000,00"})  # fmt: skip
    assert done.status_code == 303
    promise = Promise.objects.get()
    assert promise.amount == Decimal("1000.00") and promise.promised_on == day
    assert list(promise.invoices.all()) == [invoice]
    text = client.get(done["Location"]).content.decode()
    assert "1\u202f000,00" in text and "promesse de payer" in text
    assert DebtorRequest.objects.get().promise == promise


@pytest.mark.parametrize(
    ("amount", "days", "code"),
    [
        ("1234.57", 5, "amount_above_owed"),
        ("0", 5, "amount_invalid"),
        ("abc", 5, "amount_invalid"),
        ("100", 31, "date_too_far"),
        ("100", -1, "date_past"),
    ],
)
def test_a_promise_outside_the_rules_is_refused(client, lefevre, amount, days, code):
    invoice = _invoice("F-101")
    page = client.post(f"{lefevre}promise/", {
        "invoices": [str(invoice.uuid)], "amount": amount,
        "promised_on": (_today() + timedelta(days=days)).isoformat(),
    })  # fmt: skip
    assert page.status_code == 400
    html = page.content.decode()
    assert _says(page, ACTION_WORDS["fr"][code].split("{")[0].strip())
    if code == "amount_above_owed":
        assert "1\u202f234,56" in html
    _nothing_written()


def test_a_dutch_debtor_is_refused_in_dutch(client, mailed):  # noqa: F811
    invoice = _invoice("F-102")
    page = client.post(f"{mailed['boekhouding@peeters.example']}promise/", {
        "invoices": [str(invoice.uuid)], "amount": "5000",
        "promised_on": (_today() + timedelta(days=3)).isoformat(),
    })  # fmt: skip
    assert page.status_code == 400
    assert "Het bedrag is hoger dan wat op deze facturen openstaat" in page.content.decode()


# --- payment plan -----------------------------------------------------------------------------


def test_a_plan_request_waits_for_the_collector(client, lefevre):
    invoice = _invoice("F-101")
    done = client.post(
        f"{lefevre}plan/",
        {
            "invoices": [str(invoice.uuid)],
            "count": "4",
            "first_on": (_today() + timedelta(days=7)).isoformat(),
        },
    )
    assert done.status_code == 303
    request = DebtorRequest.objects.get()
    assert request.kind == "plan" and request.plan_count == 4 and request.status == "pending"
    assert not PaymentPlan.objects.exists()  # asked, not agreed
    assert "4 échéances" in client.get(done["Location"]).content.decode()


@pytest.mark.parametrize(
    ("count", "rules", "code"),
    [
        ("7", {}, "plan_count_bad"),
        ("1", {}, "plan_count_bad"),
        ("6", {"portal_plan_min_instalment": Decimal("300.00")}, "plan_too_small"),
        ("3", {"portal_plans_allowed": False}, "plans_closed"),
    ],
)
def test_a_plan_outside_the_rules_is_refused(client, lefevre, count, rules, code):
    _rules(**rules)
    invoice = _invoice("F-101")
    page = client.post(
        f"{lefevre}plan/",
        {
            "invoices": [str(invoice.uuid)],
            "count": count,
            "first_on": (_today() + timedelta(days=7)).isoformat(),
        },
    )
    assert page.status_code == 400
    assert _says(page, ACTION_WORDS["fr"][code].split("{")[0].strip())
    if code == "plan_too_small":
        assert "300,00" in page.content.decode()
    _nothing_written()


# --- contact ----------------------------------------------------------------------------------


def test_new_billing_details_go_through_the_contact_rules(client, lefevre):
    customer = Customer.objects.get(external_ref="K-FR")
    bad = client.post(f"{lefevre}contact/", {"email": "pas-une-adresse", "phone": ""})
    assert bad.status_code == 400 and _says(bad, ACTION_WORDS["fr"]["contact_invalid"])
    assert Contact.objects.get(customer=customer, is_primary=True).email == "compta@lefevre.example"
    done = client.post(f"{lefevre}contact/", {"name": "Mme Lefèvre",
                                              "email": "factures@lefevre.example",
                                              "phone": "+33 6 12 34 56 78"})  # fmt: skip
    assert done.status_code == 303
    contact = Contact.objects.get(customer=customer, is_primary=True)
    assert (contact.name, contact.email, contact.phone) == (
        "Mme Lefèvre",
        "factures@lefevre.example",
        "+33612345678",
    )
    event = AuditEvent.objects.get(action="debtor_request")
    assert event.before["contact"]["email"] == "compta@lefevre.example"
    assert event.after["contact"]["email"] == "factures@lefevre.example"


# --- the link ---------------------------------------------------------------------------------


def test_an_expired_or_revoked_link_acts_on_nothing(client, lefevre):
    invoice = _invoice("F-101")
    PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.post(f"{lefevre}invoices/{invoice.uuid}/dispute/", {"category": "other"})
    assert page.status_code == 410 and WORDS["fr"]["expired"] in page.content.decode()
    PortalLink.objects.update(expires_at=timezone.now() + timedelta(days=1),
                              revoked_at=timezone.now())  # fmt: skip
    page = client.post(
        f"{lefevre}promise/",
        {"invoices": [str(invoice.uuid)], "amount": "10", "promised_on": _today().isoformat()},
    )
    assert page.status_code == 410
    _nothing_written()


def test_the_forms_need_the_csrf_token(lefevre):
    strict = Client(enforce_csrf_checks=True)
    invoice = _invoice("F-101")
    form = strict.get(f"{lefevre}promise/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())
    assert token
    data = {"invoices": [str(invoice.uuid)], "amount": "10",
            "promised_on": _today().isoformat()}  # fmt: skip
    assert strict.post(f"{lefevre}promise/", data).status_code == 403
    _nothing_written()
    posted = strict.post(f"{lefevre}promise/", {**data, "csrfmiddlewaretoken": token.group(1)})
    assert posted.status_code == 303


def test_actions_count_against_the_rate_limit(client, lefevre, settings):
    settings.RELANCE_PORTAL_PER_IP = 1
    assert client.get(f"{lefevre}contact/").status_code == 200
    page = client.post(f"{lefevre}contact/", {"email": "x@lefevre.example"})
    assert page.status_code == 429
    assert not DebtorRequest.objects.exists()


# --- the one-time code ------------------------------------------------------------------------


def _code_from(smtp_server) -> str:
    body = smtp_server.messages[-1].get_body(("plain",)).get_content()
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_with_a_code_required_the_right_code_lets_the_action_through(client, lefevre, smtp_server):
    _rules(portal_code_required=True)
    customer = Customer.objects.get(external_ref="K-FR")
    page = client.get(f"{lefevre}contact/")
    assert "c•••@lefevre.example" in page.content.decode()
    refused = client.post(f"{lefevre}contact/", {"email": "new@lefevre.example"})
    assert refused.status_code == 400
    assert _says(refused, ACTION_WORDS["fr"]["code_missing"])
    sent = client.post(f"{lefevre}contact/", {"send_code": "1"})
    assert sent.status_code == 200 and "valable 10 minutes" in sent.content.decode()
    message = smtp_server.messages[-1]
    assert str(message["To"]) == "compta@lefevre.example"  # the address on record
    code = _code_from(smtp_server)
    stored = PortalCode.objects.get()
    assert code not in stored.code_hash
    done = client.post(f"{lefevre}contact/", {"email": "new@lefevre.example", "code": code})
    assert done.status_code == 303
    assert Contact.objects.get(customer=customer, is_primary=True).email == "new@lefevre.example"
    again = client.post(f"{lefevre}contact/", {"email": "other@lefevre.example", "code": code})
    assert again.status_code == 400  # a code serves once
    assert _says(again, ACTION_WORDS["fr"]["code_missing"])


def test_a_wrong_code_counts_and_five_end_it(client, lefevre, smtp_server):
    _rules(portal_code_required=True)
    client.post(f"{lefevre}contact/", {"send_code": "1"})
    code = _code_from(smtp_server)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        page = client.post(f"{lefevre}contact/", {"email": "new@lefevre.example", "code": wrong})
        assert _says(page, ACTION_WORDS["fr"]["code_wrong"])
    page = client.post(f"{lefevre}contact/", {"email": "new@lefevre.example", "code": wrong})
    assert _says(page, ACTION_WORDS["fr"]["code_exhausted"])
    page = client.post(f"{lefevre}contact/", {"email": "new@lefevre.example", "code": code})
    assert page.status_code == 400  # even the right one, now
    assert _says(page, ACTION_WORDS["fr"]["code_exhausted"])
    assert not DebtorRequest.objects.exists()


def test_an_expired_code_is_refused(client, lefevre, smtp_server):
    _rules(portal_code_required=True)
    client.post(f"{lefevre}contact/", {"send_code": "1"})
    code = _code_from(smtp_server)
    PortalCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.post(f"{lefevre}contact/", {"email": "new@lefevre.example", "code": code})
    assert page.status_code == 400
    assert _says(page, ACTION_WORDS["fr"]["code_expired"])
    assert not DebtorRequest.objects.exists()


def test_a_customer_without_billing_address_cannot_get_a_code(client, lefevre):
    _rules(portal_code_required=True)
    Contact.objects.filter(customer__external_ref="K-FR").update(email="", phone="+33612345678")
    page = client.post(f"{lefevre}contact/", {"send_code": "1"})
    assert page.status_code == 400 and _says(page, ACTION_WORDS["fr"]["no_email"])
    assert not PortalCode.objects.exists()


def test_every_language_has_every_sentence():
    keys = set(ACTION_WORDS["fr"])
    assert all(set(words) == keys for words in ACTION_WORDS.values())
    assert set(ACTION_WORDS) == set(WORDS)
