"""A rate missing for part of the delay: the message says the interest is not computed, the
reminder's notes say why; once the rate is added, the same message states the interest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.audit import Actor
from relance.channels.compose import compose_email, outbox_fill
from relance.channels.models import OutboundMessage
from relance.dunning.models import CustomerDunning, Reminder, Scenario
from relance.dunning.run import run_day
from relance.dunning.scenarios import scenarios_import
from relance.ledger.services import contact_add, customer_create, invoice_create
from relance.rates.services import rate_add

DAY = date(2027, 1, 11)  # the ECB reference table ends on 31/12/2026
SENTENCES = {
    ("FR", "fr"): "Les intérêts de retard ne sont pas chiffrés dans ce message ; ils restent dus.",
    ("BE", "nl"): "De verwijlinteresten worden in dit bericht niet berekend; ze blijven "
    "verschuldigd.",
    ("FR", "en"): "Late-payment interest is not calculated in this message; it remains due.",
    ("AT", "de"): "Die Verzugszinsen sind in dieser Nachricht nicht beziffert; sie bleiben "
    "geschuldet.",
}
INTEREST = {"fr": "Intérêts de retard :", "nl": "Verwijlinteresten:",
            "en": "Late-payment interest:", "de": "Verzugszinsen:"}  # fmt: skip
TABLE = {"FR": "ecb_reference_rate", "BE": "be_late_payment_rate", "AT": "ecb_reference_rate"}


def claimed_reminder(organisation, actor, country, language):
    scenarios_import(organisation=organisation, actor=actor, text="""
scenarios:
  - key: claim
    name: Réclamer les pénalités
    steps:
      - {key: reminder_2, offset: 7, channel: email, mode: auto, penalties: claimed}
""")  # fmt: skip
    customer = customer_create(organisation=organisation, external_ref="K1", actor=actor,
                               name="Client SA", country=country, language=language)  # fmt: skip
    contact_add(customer=customer, email="compta@client.example", is_primary=True, actor=actor)
    CustomerDunning.objects.create(customer=customer, scenario=Scenario.objects.get(key="claim"))
    invoice_create(organisation=organisation, customer=customer, number="F-900",
                   issue_date=date(2026, 10, 31), due_date=date(2026, 11, 30),
                   amount_incl_tax=Decimal("10000.00"), actor=actor)  # fmt: skip
    run_day(organisation=organisation, day=DAY, actor=actor)
    return Reminder.objects.get(customer=customer)


@pytest.mark.parametrize(("country", "language"), list(SENTENCES))
def test_a_missing_rate_is_said_then_computed_once_added(organisation, country, language):
    actor = Actor.system("test")
    reminder = claimed_reminder(organisation, actor, country, language)
    assert reminder.penalties == "claimed"
    assert outbox_fill(organisation=organisation, day=DAY, actor=actor)["queued"] == 1
    message = OutboundMessage.objects.get()
    sentence = SENTENCES[(country, language)]
    assert sentence in message.body_text
    assert sentence in " ".join(message.body_html.split())
    assert INTEREST[language] not in message.body_text
    assert "40,00" in message.body_text or "40.00" in message.body_text  # the indemnity stays
    for word in ("csv", "table", TABLE[country]):
        assert word not in message.body_text  # nothing technical for the debtor
    reminder.refresh_from_db()
    [note] = reminder.notes
    assert TABLE[country] in note and "01/01/2027" in note and "11/01/2027" in note
    assert f"relance rates add {TABLE[country]}" in note

    source = "Published rate for the first half of 2027 (official notice)"
    value = "10.5" if country == "BE" else "2.15"
    rate_add(table=TABLE[country], start=date(2027, 1, 1), end=date(2027, 6, 30),
             rate=Decimal(value), source=source, actor=actor)  # fmt: skip
    composed = compose_email(reminder, today=DAY, attach_pdfs=False)
    assert composed is not None and not composed.interest_missing
    assert sentence not in composed.text
    assert INTEREST[language] in composed.text
    # 10 000 × 12.15 % (ECB + 10) or 10.5 % × 42 days / 365 for FR / BE; Austria is EU, ECB + 8;
    # each period's line is rounded and the total is their sum (31 + 11 days: 86.21 + 30.59).
    expected = {"FR": "139,81", "BE": "120,82", "AT": "116,80"}[country]
    assert expected in composed.text or expected.replace(",", ".") in composed.text
