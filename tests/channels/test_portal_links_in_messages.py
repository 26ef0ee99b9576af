"""The portal link in every letter and SMS: issued for the whole batch when messages leave,
never by a preview, and it opens that customer's statement."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
import zxingcpp
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from relance.channels.compose import compose_instructions, outbox_fill
from relance.channels.letter.archive import dispatch_pdf
from relance.channels.manual import (
    Draft,
    letter_pdf,
    preview_email,
    preview_sms,
    todo_print_letters,
)
from relance.channels.models import OutboundMessage, PostalDispatch
from relance.channels.sms.segments import segment_count
from relance.dunning.models import Reminder
from relance.ledger.models import PortalLink
from relance.ledger.portal_links import portal_address, portal_example, portal_link_issue
from tests.dunning.todo_helpers import make_todo

TODAY = date(2026, 3, 12)
PUBLIC = "https://relance.atelier.example"
SHORT = re.compile(r"relance\.atelier\.example/p/[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}")


@pytest.fixture
def todo(organisation, settings):
    settings.RELANCE_PUBLIC_URL = PUBLIC
    return make_todo(organisation)


def _pdf(data: bytes) -> tuple[str, list[Image.Image]]:
    """The text of a PDF's first page and its images."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    return page.extract_text(), [image.image for image in page.images if image.image]


# --- letters ----------------------------------------------------------------------------------


def test_a_printed_letter_carries_a_short_address_and_a_qr_code_that_open_the_statement(
    todo, actor, client
):
    pdf = todo_print_letters(reminders=[todo.formal], today=TODAY, actor=actor)
    link = PortalLink.objects.get()  # issued by the print, for this customer
    assert link.customer_id == todo.formal.customer_id
    issued = portal_address(link.uuid)
    archived = dispatch_pdf(PostalDispatch.objects.get(reminder=todo.formal))
    for data in (pdf, archived):  # what was printed is what is kept
        text, images = _pdf(data)
        flat = " ".join(text.split())
        assert "Consultez votre relevé et payez en ligne :" in flat
        assert SHORT.findall(flat) == [issued.typed]
        assert issued.url not in flat  # the body does not repeat the long form
        decoded = [code.text for image in images for code in zxingcpp.read_barcodes(image)]
        assert decoded == [issued.url]
    typed = client.get("/" + issued.typed.split("/", 1)[1], follow=True)
    scanned = client.get(urlparse(issued.url).path)
    for page in (typed, scanned):
        assert page.status_code == 200
        assert "Pharmacie Petit" in page.content.decode() and "F-D1" in page.content.decode()
        assert "F-A1" not in page.content.decode()


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "Consultez votre relevé et payez en ligne :"),
        ("nl", "Bekijk uw rekeningoverzicht en betaal online:"),
        ("en", "View your statement and pay online:"),
        ("de", "Sehen Sie Ihren Kontoauszug ein und bezahlen Sie online:"),
    ],
)
def test_the_letter_says_where_to_pay_online_in_the_debtors_language(
    todo, actor, language, sentence
):
    customer = todo.formal.customer
    customer.language = language
    customer.save()
    existing = portal_link_issue(customer=customer, actor=actor)
    text, _ = _pdf(letter_pdf(todo.formal, today=TODAY))
    flat = " ".join(text.split())
    assert sentence in flat and existing.typed in flat


def test_a_letter_never_carries_a_link_too_close_to_its_end(todo, actor):
    """The letter is kept as printed and its follow-up needs the link: one with less than
    half its life ahead is not printed, a new one is."""
    old = portal_link_issue(customer=todo.formal.customer, actor=actor)
    PortalLink.objects.update(expires_at=timezone.now() + timedelta(days=20))
    todo_print_letters(reminders=[todo.formal], today=TODAY, actor=actor)
    text, _ = _pdf(dispatch_pdf(PostalDispatch.objects.get(reminder=todo.formal)))
    fresh = PortalLink.objects.order_by("-expires_at").first()
    assert fresh is not None and PortalLink.objects.count() == 2
    assert fresh.expires_at > timezone.now() + timedelta(days=100)
    flat = " ".join(text.split())
    assert portal_address(fresh.uuid).typed in flat and old.typed not in flat


def test_a_letter_batch_issues_its_links_at_once(organisation, todo, actor):
    Reminder.objects.filter(pk__in=[todo.email.pk, todo.call.pk]).update(
        channel="letter", step="reminder_2", penalties="none", tone="neutral"
    )
    for reminder in (todo.email, todo.call):
        customer = reminder.customer
        customer.address_line1, customer.postal_code, customer.city = (
            "1 rue Neuve", "69001", "Lyon"
        )  # fmt: skip
        customer.save()
    todo.refresh()
    batch = [todo.email, todo.call, todo.formal]
    with CaptureQueriesContext(connection) as queries:
        todo_print_letters(reminders=batch, today=TODAY, actor=actor)
    link_queries = [q for q in queries.captured_queries if "ledger_portallink" in q["sql"]]
    assert PortalLink.objects.count() == 3
    # The links read, their ids reserved, one insert for the batch: however many letters.
    assert len(link_queries) <= 3, [q["sql"][:80] for q in link_queries]


# --- SMS --------------------------------------------------------------------------------------


def _morning_sms(organisation, reminders) -> None:
    Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(
        channel="sms", step="sms_1", template="sms", mode="auto", status="ready", run_date=TODAY
    )


def test_the_morning_sms_carry_the_short_address_issued_for_the_batch(
    organisation, todo, actor, client
):
    reminders = [todo.email, todo.small_email, todo.call, todo.formal]
    _morning_sms(organisation, reminders)
    with CaptureQueriesContext(connection) as queries:
        counts = outbox_fill(organisation=organisation, day=TODAY, actor=actor)
    assert counts["sms"] == 4
    link_queries = [q for q in queries.captured_queries if "ledger_portallink" in q["sql"]]
    assert len(link_queries) <= 3, [q["sql"][:80] for q in link_queries]  # not one per SMS
    links = {link.customer_id: portal_address(link.uuid) for link in PortalLink.objects.all()}
    assert len(links) == 4
    for message in OutboundMessage.objects.filter(channel="sms"):
        issued = links[message.customer_id]
        assert issued.short_url in message.body_text and issued.url not in message.body_text
        length = segment_count(message.body_text)
        # Plain characters only: GSM-7, 160 a SMS (153 a part), never 70 in UCS-2.
        assert length.encoding == "GSM-7" and length.segments <= 2, message.body_text
        page = client.get(urlparse(issued.short_url).path, follow=True)
        assert page.status_code == 200
        assert message.customer.name in page.content.decode()


def test_sms_text_with_the_full_address_would_cost_more(organisation, todo, actor):
    """Why the short form: the same SMS with the long address takes more characters."""
    _morning_sms(organisation, [todo.email])
    outbox_fill(organisation=organisation, day=TODAY, actor=actor)
    message = OutboundMessage.objects.get(channel="sms")
    issued = portal_address(PortalLink.objects.get().uuid)
    longer = message.body_text.replace(issued.short_url, issued.url)
    assert segment_count(longer).characters - segment_count(message.body_text).characters >= 25


# --- previews ---------------------------------------------------------------------------------


def test_previewing_again_and_again_creates_no_link(organisation, todo, actor):
    from relance.web.templates_editor.preview import build_preview

    Reminder.objects.filter(pk=todo.small_email.pk).update(channel="sms", template="sms")
    todo.refresh()
    example = portal_example()
    for _ in range(3):
        email = preview_email(todo.email, Draft(), today=TODAY)
        sms = preview_sms(todo.small_email, Draft(), today=TODAY)
        text, _images = _pdf(letter_pdf(todo.formal, today=TODAY))
        compose_instructions(todo.call, today=TODAY)
        edited = build_preview(organisation=organisation, key="sms", language="fr",
                               sources={"text": "Payez : {{ portal_short_url }}"},
                               customer=todo.email.customer, tone="neutral", penalties="none",
                               today=TODAY)  # fmt: skip
    assert not PortalLink.objects.exists()
    assert email.composed is not None and example.url in email.composed.text
    assert example.short_url in sms.text and "EXEM-PLE0-URL0-0000" in " ".join(text.split())
    assert edited.text.strip() == f"Payez : {example.short_url}"


def test_a_preview_shows_the_link_the_customer_already_has(organisation, todo, actor):
    current = portal_link_issue(customer=todo.email.customer, actor=actor)
    email = preview_email(todo.email, Draft(), today=TODAY)
    assert email.composed is not None and current.url in email.composed.text
    assert portal_example().url not in email.composed.text
    assert PortalLink.objects.count() == 1


def test_a_text_edited_from_the_preview_leaves_with_the_real_link(organisation, todo, actor):
    from relance.channels.manual import todo_send_sms
    from relance.dunning.todo import reminder_draft_save

    Reminder.objects.filter(pk=todo.small_email.pk).update(channel="sms", template="sms")
    todo.refresh()
    preview = preview_sms(todo.small_email, Draft(), today=TODAY)
    typed = preview.text.replace("STOP", "Merci. STOP")  # the collector's own words
    reminder_draft_save(reminder=todo.small_email, actor=actor, body=typed)
    message = todo_send_sms(reminder=todo.small_email, today=TODAY, actor=actor,
                            fingerprint=preview.fingerprint)  # fmt: skip
    issued = portal_address(PortalLink.objects.get().uuid)
    assert "Merci. STOP" in message.body_text and issued.short_url in message.body_text
    assert "EXEM" not in message.body_text
