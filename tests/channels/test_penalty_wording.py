"""What debtors read about penalties in e-mails and letters, and what staff read on the
invoice page: the same computation, lines that add up to the totals shown, the debtor's
language, and no source note."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from relance.channels.compose import compose_email
from relance.channels.letter.compose import compose_letter
from relance.dunning.models import Reminder
from relance.ledger.models import Invoice
from relance.ledger.services import contact_add, customer_create, invoice_create
from relance.web.invoices.detail import invoice_detail

D = Decimal
UNTIL = date(2025, 8, 15)
MONEY = re.compile(r"(?:€\s?[\d.,\u202f]+|[\d.,\u202f]+\s?€)")
STAFF_NOTES = ("credendo", "wordscope", "legal-rules", ".md", ".csv", "§5", "Note :", "source")


def euros(text: str, language: str = "fr") -> Decimal:
    digits = text.replace("€", "").replace("\u202f", "").replace("\xa0", "").strip()
    digits = digits.replace(",", "") if language == "en" else digits.replace(".", "")
    return D(digits.replace(",", "."))


def debtor(organisation, actor, *, country="FR", kind="B2B", language="fr", ref="K1"):
    found = customer_create(organisation=organisation, external_ref=ref, name="Garage Martin",
                            country=country, kind=kind, language=language, actor=actor)  # fmt: skip
    found.address_line1, found.postal_code, found.city = "3 rue du Port", "69002", "Lyon"
    found.save()
    contact_add(customer=found, email=f"{ref.lower()}@garage.example", is_primary=True,
                actor=actor)  # fmt: skip
    return found


def draft(organisation, customer, *, step="last_warning", channel="email", tone="firm"):
    return Reminder(organisation=organisation, customer=customer, step=step, channel=channel,
                    mode="manual", currency="EUR", penalties="claimed", tone=tone,
                    run_date=UNTIL)  # fmt: skip


def lines_and_totals(text: str, language: str = "fr") -> tuple[list[Decimal], str]:
    """The amount each penalty line adds (its last amount), and the whole text flattened."""
    flat = unescape(re.sub(r"<[^>]+>", "\n", text))
    added = [
        euros(MONEY.findall(line)[-1], language)
        for line in flat.splitlines()
        if re.match(r"\s*(Facture|Factuur|Invoice|Rechnung) F-1", line)
    ]
    return added, re.sub(r"[ \t\r\n]+", " ", flat)  # no-break spaces kept


@pytest.fixture
def example(organisation, actor):
    """1,000 EUR due 12/06/2025: 6.48 + 15.31 = 21.79 of interest on 15/08/2025 (the exact
    interest, 21.797..., would round to 21.80 and no longer match the lines)."""
    customer = debtor(organisation, actor)
    invoice_create(organisation=organisation, customer=customer, number="F-1",
                   issue_date=date(2025, 5, 12), due_date=date(2025, 6, 12),
                   amount_incl_tax=D("1000.00"), actor=actor)  # fmt: skip
    return customer


def test_the_email_lines_add_up_to_the_totals(organisation, example):
    composed = compose_email(draft(organisation, example), today=UNTIL, attach_pdfs=False)
    assert composed is not None
    for body in (composed.text, composed.html):
        added, flat = lines_and_totals(body)
        assert added == [D("6.48"), D("15.31"), D("40.00")]
        assert "Intérêts de retard : 21,79\xa0€" in flat and "21,80" not in flat
        assert "Total des pénalités : 61,79\xa0€" in flat
        assert not [note for note in STAFF_NOTES if note in flat]


def test_the_formal_notice_lines_add_up_to_the_totals(organisation, example):
    letter = compose_letter(
        draft(organisation, example, step="formal_notice", channel="formal_notice",
              tone="formal"),
        today=UNTIL,
    )  # fmt: skip
    added, flat = lines_and_totals(letter.body_html)
    assert sum(added) == D("61.79")
    # The amounts box of page 1 shows the totals the lines add up to.
    assert letter.claim is not None and letter.claim.interest == D("21.79")
    assert "21,80" not in flat
    assert letter.total == D("1061.79")
    assert not [note for note in STAFF_NOTES if note in flat]


def test_the_staff_page_adds_up_and_keeps_its_sources(organisation, example):
    invoice = Invoice.objects.get(number="F-1")
    penalties = invoice_detail(invoice, today=UNTIL).penalties
    assert penalties.regime == "FR-B2B" and penalties.interest == D("21.79")
    (item,) = penalties.items
    periods = [euros(MONEY.findall(line)[-1]) for line in item.lines if line.startswith("Du ")]
    assert periods == [D("6.48"), D("15.31")]
    lines = [line.replace("\xa0", " ") for line in item.lines]  # amounts never wrap
    assert "Intérêts de retard : 21,79 €" in lines
    assert "Total : 61,79 €" in lines
    assert item.result is not None and any("legal-rules" in s for s in item.result.sources)


def test_a_flemish_customer_reads_dutch_lines_without_sources(organisation, actor):
    customer = debtor(organisation, actor, country="BE", language="nl", ref="K-BE")
    invoice_create(organisation=organisation, customer=customer, number="F-1",
                   issue_date=date(2025, 5, 12), due_date=date(2025, 6, 12),
                   amount_incl_tax=D("1000.00"), actor=actor)  # fmt: skip
    composed = compose_email(draft(organisation, customer), today=UNTIL, attach_pdfs=False)
    assert composed is not None
    added, flat = lines_and_totals(composed.text, "nl")
    assert "Factuur F-1 — Forfaitaire schadevergoeding voor invorderingskosten" in flat
    assert "Verwijlinteresten van 13-06-2025 tot en met 30-06-2025" in flat
    assert sum(added) == D("58.90")  # 5.67 + 13.23 + 40.00
    for french in ("Indemnité", "Intérêts", "Du 13/06", "credendo", "article not read"):
        assert french not in flat


def test_a_german_business_gets_the_german_regime(organisation, actor):
    customer = debtor(organisation, actor, country="DE", language="de", ref="K-DE")
    invoice_create(organisation=organisation, customer=customer, number="F-1",
                   issue_date=date(2025, 5, 12), due_date=date(2025, 6, 12),
                   amount_incl_tax=D("1000.00"), actor=actor)  # fmt: skip
    composed = compose_email(draft(organisation, customer), today=UNTIL, attach_pdfs=False)
    assert composed is not None
    added, flat = lines_and_totals(composed.text, "de")
    # Verzug 30 days after the due date, Basiszinssatz + 9 points: 10.27 % from 13/07/2025.
    assert "Verzugszinsen vom 13.07.2025 bis 15.08.2025" in flat and "10,27\xa0%" in flat
    assert added == [D("9.57"), D("40.00")]


def test_a_consumers_formal_notice_says_it_once(organisation, actor):
    customer = debtor(organisation, actor, kind="B2C", ref="K-C")
    invoice_create(organisation=organisation, customer=customer, number="F-7",
                   issue_date=date(2025, 1, 2), amount_incl_tax=D("1000.00"), actor=actor,
                   instalments=[(date(2025, n, 5), D("250.00")) for n in range(1, 5)])  # fmt: skip
    letter = compose_letter(
        draft(organisation, customer, step="formal_notice", channel="formal_notice",
              tone="formal"),
        today=UNTIL,
    )  # fmt: skip
    _, flat = lines_and_totals(letter.body_html)
    assert flat.count("ne courent qu'à compter d'une mise en demeure") == 1
    assert "Aucune mise en demeure" not in flat and "Note :" not in flat
    assert "Indemnité forfaitaire" not in flat
