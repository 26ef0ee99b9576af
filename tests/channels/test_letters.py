"""Letters and formal notices as real PDFs, read back with pypdf."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from relance.channels.letter.pdf import WINDOW, Letter, LetterLine, letters_pdf
from tests.days import run_and_send

MM = 72 / 25.4  # PDF points per millimetre
A4_HEIGHT_MM = 297


def letter(name: str = "Boulangerie Lefèvre SARL", *, registered: bool = True) -> Letter:
    return Letter(
        sender_name="Atelier Dupont SAS",
        sender_address=["12 rue des Tanneurs", "69002 Lyon"],
        sender_identifiers=["SIREN 732 829 320", "TVA FR44732829320"],
        recipient_name=name,
        recipient_address=["3 place du Marché", "67000 Strasbourg"],
        place="Lyon",
        day=date(2026, 4, 13),
        subject="Mise en demeure de payer",
        body_html="<p>Par la présente, nous vous mettons en demeure de régler sous huit jours "
        "la somme de 1&nbsp;234,56&nbsp;€.</p>",
        lines=[
            LetterLine(
                "F-2026-0001",
                date(2026, 1, 5),
                date(2026, 2, 4),
                Decimal("1234.56"),
                Decimal("1234.56"),
            )
        ],
        currency="EUR",
        total=Decimal("1234.56"),
        registered=registered,
        penalty_lines=["Intérêts de retard : 49,93 €", "Indemnité forfaitaire : 40,00 €"],
        signature="Camille Martin\nService recouvrement",
    )


def positions(page) -> dict[str, tuple[float, float]]:
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            found.setdefault(text.strip(), (tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def test_a_formal_notice_pdf_has_its_mentions_and_the_address_in_the_window():
    reader = PdfReader(io.BytesIO(letters_pdf([letter()])))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in ("LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION", "Mise en demeure",
                     "Boulangerie Lefèvre SARL", "F-2026-0001", "Total dû",
                     "Indemnité forfaitaire", "SIREN 732 829 320"):  # fmt: skip
        assert expected in text, expected
    x, y = next(pos for label, pos in positions(reader.pages[0]).items()
                if label.startswith("Boulangerie"))  # fmt: skip
    left, top = x / MM, A4_HEIGHT_MM - y / MM
    assert WINDOW["left"] - 1 <= left <= WINDOW["left"] + WINDOW["width"]
    assert WINDOW["top"] <= top <= WINDOW["top"] + WINDOW["height"]


def test_the_print_batch_is_one_pdf_with_every_letter():
    batch = letters_pdf([letter("Client A"), letter("Client B", registered=False)])
    reader = PdfReader(io.BytesIO(batch))
    assert len(reader.pages) == 2
    assert "Client A" in reader.pages[0].extract_text()
    second = reader.pages[1].extract_text()
    assert "Client B" in second and "RECOMMANDÉE" not in second


def test_posting_a_formal_notice_needs_its_registered_number(organisation, actor):
    import pytest

    from relance.channels.letter.service import (
        LetterError,
        letter_acknowledged,
        letter_mark_posted,
        letters_print,
    )
    from relance.dunning.models import Reminder
    from tests.channels.test_outbox import make_reminders

    make_reminders(organisation, 1)
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(channel="formal_notice")
    reminder.refresh_from_db()
    with pytest.raises(LetterError, match="Imprimez"):
        letter_mark_posted(reminder=reminder, posted_on=date(2026, 4, 14), actor=actor)
    pdf = letters_print(batch=[(reminder, letter())], day=date(2026, 4, 13), actor=actor)
    assert pdf.startswith(b"%PDF")
    with pytest.raises(LetterError, match="recommandé"):
        letter_mark_posted(reminder=reminder, posted_on=date(2026, 4, 14), actor=actor)
    dispatch = letter_mark_posted(reminder=reminder, posted_on=date(2026, 4, 14), actor=actor,
                                  registered_number="1A 123 456 7890 1")  # fmt: skip
    assert dispatch.registered_number == "1A 123 456 7890 1"
    with pytest.raises(LetterError, match="précéder"):
        letter_acknowledged(reminder=reminder, acknowledged_on=date(2026, 4, 10), actor=actor)
    assert letter_acknowledged(reminder=reminder, acknowledged_on=date(2026, 4, 16),
                               actor=actor).acknowledged_on == date(2026, 4, 16)  # fmt: skip
    reminder.refresh_from_db()
    assert reminder.status == "sent"


def test_a_formal_notice_from_the_daily_run_prints_with_its_mentions(organisation, actor):
    from decimal import Decimal

    from relance.channels.letter.compose import compose_letter
    from relance.channels.letter.service import letters_print
    from relance.dunning.models import Reminder
    from relance.ledger.services import customer_create, invoice_create

    organisation.address_line1, organisation.postal_code, organisation.city = (
        "12 rue des Tanneurs", "69002", "Lyon",
    )  # fmt: skip
    organisation.save()
    customer = customer_create(organisation=organisation, external_ref="K1", actor=actor,
                               name="Boulangerie Lefèvre SARL")  # fmt: skip
    customer.address_line1, customer.postal_code, customer.city = (
        "3 place du Marché", "67000", "Strasbourg",
    )  # fmt: skip
    customer.save()
    invoice_create(organisation=organisation, customer=customer, number="F-2026-0007",
                   issue_date=date(2026, 1, 2), due_date=date(2026, 2, 2),
                   amount_incl_tax=Decimal("1234.56"), actor=actor)  # fmt: skip
    for day in (date(2026, 2, 9), date(2026, 2, 17), date(2026, 2, 23), date(2026, 3, 4),
                date(2026, 3, 16)):  # fmt: skip
        run_and_send(organisation, day, actor, manual=day < date(2026, 3, 16))
    notice = Reminder.objects.get(step="formal_notice")
    assert (notice.channel, notice.status) == ("formal_notice", "todo")
    letter = compose_letter(notice, today=date(2026, 3, 16))
    pdf = letters_print(batch=[(notice, letter)], day=date(2026, 3, 16), actor=actor)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    text = page.extract_text()
    for expected in ("LETTRE RECOMMANDÉE", "Objet : Mise en demeure", "F-2026-0007", "Strasbourg",
                     "Boulangerie Lefèvre SARL", "Lyon, le 16 mars 2026"):  # fmt: skip
        assert expected in text, expected
    x, y = next(pos for label, pos in positions(page).items() if label.startswith("Boulangerie"))
    assert WINDOW["left"] - 1 <= x / MM <= WINDOW["left"] + WINDOW["width"]
    assert WINDOW["top"] <= A4_HEIGHT_MM - y / MM <= WINDOW["top"] + WINDOW["height"]


def test_the_letters_command_prints_the_days_batch_and_records_posting(
    organisation, actor, tmp_path, capsys
):
    from django.core.management import call_command

    from relance.channels.models import PostalDispatch
    from relance.dunning.models import Reminder

    test_a_formal_notice_from_the_daily_run_prints_with_its_mentions(organisation, actor)
    PostalDispatch.objects.all().delete()  # as if never printed
    out = tmp_path / "lettres.pdf"
    call_command("letters", "print", "--date", "2026-03-16", "--out", str(out))
    assert "1 lettre(s)" in capsys.readouterr().out
    first_page = PdfReader(str(out)).pages[0].extract_text()
    assert "Boulangerie Lefèvre SARL" in first_page and "Mise en demeure" in first_page
    notice = Reminder.objects.get(step="formal_notice")
    call_command("letters", "posted", str(notice.uuid), "--number", "1A12345678901",
                 "--date", "2026-03-17")  # fmt: skip
    dispatch = PostalDispatch.objects.get(reminder=notice)
    assert (dispatch.registered_number, str(dispatch.posted_on)) == ("1A12345678901",
                                                                    "2026-03-17")  # fmt: skip
