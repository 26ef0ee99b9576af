"""A formal notice fit for the post: what page 1 holds, who signs, the logo, the address check,
and the exact PDF kept for each printed letter. Real WeasyPrint, read back with pypdf."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from relance.accounts.audit import Actor
from relance.accounts.services import organisation_update, user_create, user_profile_update
from relance.channels.letter.archive import ArchiveUnavailable, dispatch_pdf
from relance.channels.letter.batch import letters_to_print
from relance.channels.letter.compose import LetterRefused, compose_letter
from relance.channels.letter.service import letter_acknowledged, letter_mark_posted, letters_print
from relance.channels.manual import SendRefused, todo_print_letters
from relance.channels.models import PostalDispatch
from relance.channels.templating.formatting import format_money
from relance.dunning.models import Reminder
from relance.ledger.services import (
    customer_address_update,
    customer_collector_set,
    customer_create,
    invoice_create,
)

DAY = date(2026, 3, 16)


def flat(text: str) -> str:
    """Text as read, whatever the line breaks and the kind of spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def png_logo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), (200, 30, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def letterhead(organisation, actor):
    organisation_update(
        organisation=organisation, actor=actor, legal_name="Atelier Dupont SAS",
        timezone="Europe/Paris", default_currency="EUR", siren="732829320",
        vat_number="FR44732829320", address_line1="12 rue des Tanneurs", postal_code="69002",
        city="Lyon", logo=png_logo(),
    )  # fmt: skip
    return organisation


def notice_for(organisation, actor, *, invoices: int = 1, address: bool = True, **customer):
    debtor = customer_create(organisation=organisation, external_ref=f"K{invoices}{address}",
                             name="Boulangerie Lefèvre SARL", actor=actor, **customer)  # fmt: skip
    if address:
        customer_address_update(customer=debtor, actor=actor, address_line1="3 place du Marché",
                                address_line2="", postal_code="67000", city="Strasbourg",
                                country=debtor.country)  # fmt: skip
    for n in range(invoices):
        number = f"F-{debtor.external_ref}-{n:04d}"
        invoice_create(organisation=organisation, customer=debtor, number=number,
                       issue_date=date(2026, 1, 2), due_date=date(2026, 2, 2) + timedelta(n % 20),
                       amount_incl_tax=Decimal("1234.56"), actor=actor)  # fmt: skip
    return Reminder.objects.create(
        organisation=organisation, customer=debtor, run_date=DAY, step="formal_notice",
        channel="formal_notice", mode="manual", currency="EUR",
        amount_due=Decimal("1234.56") * invoices, penalties="claimed", tone="formal",
        status="todo",
    )  # fmt: skip


@pytest.fixture
def camille(organisation, actor):
    user = user_create(email="camille@atelier.example", organisation=organisation,
                       role="collector", actor=actor)  # fmt: skip
    user_profile_update(user=user, organisation=organisation, actor=actor, first_name="Camille",
                        last_name="Martin", title="Chargée de recouvrement",
                        phone="04 72 00 00 00")  # fmt: skip
    return user


def test_page_one_holds_the_demand_the_amount_the_deadline_and_the_signer(
    letterhead, actor, camille
):
    notice = notice_for(letterhead, actor, invoices=30)
    customer_collector_set(customer=notice.customer, collector=camille, actor=actor)
    letter = compose_letter(notice, today=DAY)
    reader = PdfReader(io.BytesIO(letters_print(batch=[(notice, letter)], day=DAY, actor=actor)))
    assert len(reader.pages) >= 2  # thirty invoices: the statement runs on
    first = flat(reader.pages[0].extract_text())
    assert letter.claim is not None and letter.claim.deadline == DAY + timedelta(days=8)
    for expected in (
        "Objet : Mise en demeure de payer",
        "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION",
        "3 place du Marché", "67000 Strasbourg",  # the address in the window
        "Lyon, le 16 mars 2026",
        "Principal (factures échues)", "Intérêts de retard",
        "Indemnité forfaitaire pour frais de recouvrement",
        "Total réclamé", "À régler au plus tard le 24 mars 2026",
        "Camille Martin, Chargée de recouvrement", "Tél. 04 72 00 00 00",  # who signs
        "SIREN 732 829 320", "TVA FR44732829320",  # legal mentions in the footer
    ):  # fmt: skip
        assert expected in first, expected
    assert letter.claim.total > letter.claim.principal == Decimal("37036.80")
    assert f"Total réclamé {flat(format_money(letter.claim.total, 'fr'))}" in first
    assert len(reader.pages[0].images) == 2  # the logo, and the portal link as a QR code
    last = flat(reader.pages[-1].extract_text())
    assert "Camille Martin" in last and "Chargée de recouvrement" in last  # the signature


def test_the_letter_speaks_the_debtors_language(letterhead, actor):
    notice = notice_for(letterhead, actor, language="nl", country="BE")
    letter = compose_letter(notice, today=DAY)
    pdf = letters_print(batch=[(notice, letter)], day=DAY, actor=actor)
    text = flat(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    for expected in (
        "AANGETEKENDE BRIEF",
        "Betreft:",
        "Lyon, 16 maart 2026",
        "Totaal gevorderd",
        "Te betalen uiterlijk op 24 maart 2026",
        "BELGIQUE",
        "Btw FR44732829320",
    ):
        assert expected in text, expected  # fmt: skip
    assert "Objet" not in text and "Total réclamé" not in text


def test_without_a_name_the_organisation_signs_never_an_email(letterhead, actor):
    nameless = user_create(email="compta@atelier.example", organisation=letterhead,
                           role="collector", actor=actor)  # fmt: skip
    notice = notice_for(letterhead, actor)
    customer_collector_set(customer=notice.customer, collector=nameless, actor=actor)
    letter = compose_letter(notice, today=DAY)
    assert letter.signer is not None and letter.signer.name == "Atelier Dupont SAS"
    text = PdfReader(io.BytesIO(letters_print(batch=[(notice, letter)], day=DAY,
                                              actor=actor))).pages[0].extract_text()  # fmt: skip
    assert "Dossier suivi par Atelier Dupont SAS" in flat(text)
    assert "compta@atelier.example" in text  # the address to answer to, not as a name


def test_the_person_printing_signs_a_letter_of_a_customer_without_collector(
    letterhead, actor, camille
):
    notice = notice_for(letterhead, actor)
    letter = compose_letter(notice, today=DAY, printed_by=camille)
    assert letter.signer is not None
    assert (letter.signer.name, letter.signer.title) == ("Camille Martin",
                                                         "Chargée de recouvrement")  # fmt: skip


def test_no_letter_without_a_complete_postal_address(letterhead, actor):
    blocked = notice_for(letterhead, actor, address=False)
    with pytest.raises(LetterRefused, match="il manque la rue"):
        compose_letter(blocked, today=DAY)
    with pytest.raises(SendRefused, match="Adresse postale incomplète"):
        todo_print_letters(reminders=[blocked], today=DAY, actor=actor)
    assert not PostalDispatch.objects.exists()


def test_the_days_batch_leaves_out_a_customer_without_address(letterhead, actor):
    from tests.dunning.todo_helpers import make_todo

    todo = make_todo(letterhead)  # Pharmacie Petit's formal notice has its address
    pharmacy = todo.formal.customer
    assert [r.pk for r in letters_to_print(letterhead, today=DAY)] == [todo.formal.pk]
    customer_address_update(customer=pharmacy, actor=actor, address_line1="", address_line2="",
                            postal_code="67000", city="Strasbourg", country="FR")  # fmt: skip
    assert letters_to_print(letterhead, today=DAY) == []
    assert [r.pk for r in letters_to_print(letterhead, today=DAY, blocked=True)] == [todo.formal.pk]


def test_each_printed_letter_is_kept_exactly_and_checked_on_reading(letterhead, actor, camille):
    first = notice_for(letterhead, actor)
    second = notice_for(letterhead, actor, invoices=2)
    batch = todo_print_letters(reminders=[first, second], today=DAY, actor=Actor(user=camille))
    assert len(PdfReader(io.BytesIO(batch)).pages) >= 2
    for reminder in (first, second):
        dispatch = PostalDispatch.objects.get(reminder=reminder)
        kept = dispatch_pdf(dispatch)
        assert hashlib.sha256(kept).hexdigest() == dispatch.pdf_sha256
        assert reminder.customer.external_ref in PdfReader(io.BytesIO(kept)).pages[0].extract_text()
    dispatch = PostalDispatch.objects.get(reminder=first)
    with dispatch.pdf.open("wb") as handle:  # the file changed behind relance's back
        handle.write(b"%PDF-1.7 forged")
    with pytest.raises(ArchiveUnavailable, match="empreinte"):
        dispatch_pdf(dispatch)


def test_the_acknowledgement_date_is_checked(letterhead, actor):
    from relance.channels.letter.service import LetterError

    notice = notice_for(letterhead, actor)
    letters_print(batch=[(notice, compose_letter(notice, today=DAY))], day=DAY, actor=actor)
    letter_mark_posted(reminder=notice, posted_on=DAY, actor=actor,
                       registered_number="1A 123 456 7890 1")  # fmt: skip
    with pytest.raises(LetterError, match="précéder"):
        letter_acknowledged(reminder=notice, acknowledged_on=DAY - timedelta(1), actor=actor,
                            today=DAY + timedelta(5))  # fmt: skip
    with pytest.raises(LetterError, match="futur"):
        letter_acknowledged(reminder=notice, acknowledged_on=DAY + timedelta(6), actor=actor,
                            today=DAY + timedelta(5))  # fmt: skip
    dispatch = letter_acknowledged(reminder=notice, acknowledged_on=DAY + timedelta(2),
                                   actor=actor, today=DAY + timedelta(5))  # fmt: skip
    assert dispatch.acknowledged_on == DAY + timedelta(2)
