"""The ready sequences, followed day by day for one sample invoice, as the daily run does them.

Invoice F-101 (1,234.56 EUR) of Boulangerie Lefèvre SARL, a French business, falls due on
Monday 2 March 2026; its contact is Claire Martin; Camille Durand is its collector. Every
step done the day it is planned. The dates, channels, templates and pay-by dates below are
worked out by hand: French public holidays and weekends move a date to the next business
day, and two contacts are at least 7 days apart.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from relance.accounts.services import user_create
from relance.channels.compose import compose_email, compose_instructions, compose_sms_text
from relance.channels.letter.compose import compose_letter
from relance.dunning.completion import reminders_complete
from relance.dunning.models import CustomerDunning, Reminder, Scenario
from relance.dunning.run import run_day
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.ledger.services import contact_add, customer_create, invoice_create

DUE = date(2026, 3, 2)


def sample(organisation, actor, scenario_key: str):
    organisation.iban = "FR7630006000011234567890189"
    organisation.address_line1, organisation.postal_code, organisation.city = (
        "3 rue des Forges", "75011", "Paris",
    )  # fmt: skip
    organisation.save()
    collector = user_create(email="camille@atelier.example", organisation=organisation,
                            role="collector", actor=actor)  # fmt: skip
    collector.first_name, collector.last_name = "Camille", "Durand"
    collector.save()
    customer = customer_create(organisation=organisation, external_ref="K-FR", actor=actor,
                               name="Boulangerie Lefèvre SARL")  # fmt: skip
    customer.address_line1, customer.postal_code, customer.city = (
        "8 place du Marché",
        "69002",
        "Lyon",
    )
    customer.collector = collector
    customer.save()
    contact_add(customer=customer, name="Claire Martin", email="compta@lefevre.example",
                phone="+33612345678", is_primary=True, actor=actor)  # fmt: skip
    invoice_create(organisation=organisation, customer=customer, number="F-101",
                   issue_date=date(2026, 2, 1), due_date=DUE, amount_incl_tax=Decimal("1234.56"),
                   actor=actor)  # fmt: skip
    scenarios_ensure_presets(organisation)
    CustomerDunning.objects.create(
        customer=customer, scenario=Scenario.objects.get(organisation=organisation,
                                                         key=scenario_key)
    )  # fmt: skip
    return customer


def follow(organisation, actor, until: date) -> list[tuple[date, Reminder, str]]:
    """Each day's run, each reminder written as its channel writes it, then done that day."""
    done = []
    day = date(2026, 2, 25)
    while day <= until:
        run_day(organisation=organisation, day=day, actor=actor)
        for reminder in Reminder.objects.filter(run_date=day).select_related(
            "customer", "organisation", "customer__collector"
        ):
            done.append((day, reminder, written(reminder, day)))
            reminders_complete(reminder_ids=[reminder.pk], on=day)
        day += timedelta(days=1)
    return done


def written(reminder: Reminder, day: date) -> str:
    if reminder.channel == "email":
        composed = compose_email(reminder, today=day)
        assert composed is not None and composed.report.score == 0, reminder.step
        return f"{composed.subject}\n{composed.text}"
    if reminder.channel == "sms":
        return compose_sms_text(reminder, today=day)
    if reminder.channel in ("letter", "formal_notice"):
        letter = compose_letter(reminder, today=day)
        return f"{letter.subject}\n{letter.body_html}"
    return compose_instructions(reminder, today=day)[0].text


def flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


SIX_STAGES = [
    # day, step (its template: the same key), channel, pay-by date in the text or None
    (date(2026, 2, 27), "preventive_invoice", "email", None),  # J-3, a Friday
    (date(2026, 3, 9), "friendly_open_question", "email", None),  # J+5 is Saturday 7
    (date(2026, 3, 16), "arrangement_offer", "email", "26 mars 2026"),  # J+12 Sat.; +10 days
    (date(2026, 3, 24), "firm_reminder", "email", "1er avril 2026"),  # J+22; +8 days
    (date(2026, 4, 1), "amicable_escalation_call", "call", None),  # J+30
    (date(2026, 4, 8), "amicable_escalation_sms", "sms", None),  # J+37
    (date(2026, 4, 15), "amicable_escalation_letter", "letter", "23 avril 2026"),  # J+44
    (date(2026, 4, 27), "formal_notice", "formal_notice", "5 mai 2026"),  # J+54 is Sat. 25
    # J+64 is Tuesday 5 May, the last day the formal notice gives: the day after. Its pay-by
    # date, 6 + 8 = Thursday 14 May, is Ascension Day: Friday 15.
    (date(2026, 5, 6), "suspension_notice", "email", "15 mai 2026"),
]
THREE_EMAILS = [
    (date(2026, 3, 5), "courteous_reminder", "email", "12 mars 2026"),  # J+3; +7 days
    (date(2026, 3, 16), "collection_warning", "email", "24 mars 2026"),  # J+12 is Sat. 14
    (date(2026, 3, 23), "final_reminder_before_notice", "email", "31 mars 2026"),  # J+21
    (date(2026, 3, 30), "call_1", "call", None),  # J+28
]


@pytest.mark.parametrize(("key", "expected"), [("six_stages", SIX_STAGES),
                                               ("three_emails_call", THREE_EMAILS)])  # fmt: skip
def test_a_ready_sequence_for_a_sample_invoice(organisation, actor, key, expected):
    sample(organisation, actor, key)
    # a fortnight past the last step: nothing more comes
    done = follow(organisation, actor, until=expected[-1][0] + timedelta(days=14))
    assert [(day, r.step, r.channel) for day, r, _ in done] == [
        (day, step, channel) for day, step, channel, _ in expected
    ]
    preset = {step.key: step for step in Scenario.objects.get(key=key).steps.all()}
    for (_, _, text), (_, step, channel, pay_by) in zip(done, expected, strict=True):
        assert preset[step].template == step  # the step names its shipped template
        text = flat(text)
        if channel != "sms":
            assert "F-101" in text, step  # the reference of the invoice
        if pay_by:
            assert pay_by in text, (step, text)
        if channel in ("email", "letter") and step != "suspension_notice":
            assert "Bonjour Claire Martin," in text, step  # greeted by name
        if channel == "email":
            assert "Camille Durand" in text, step  # signed by the collector
    texts = {reminder.step: flat(text) for _, reminder, text in done}
    if key == "three_emails_call":
        assert "par lettre recommandée" in texts["final_reminder_before_notice"]
        assert "médiation" in texts["final_reminder_before_notice"]
        assert "service de recouvrement" in texts["collection_warning"]
        assert texts["final_reminder_before_notice"].startswith(
            "Dernière relance avant mise en demeure : facture N° F-101"
        )
    else:
        assert "Madame, Monsieur," in texts["suspension_notice"]
        assert "suspendrons" in texts["suspension_notice"]
        assert "?" in texts["friendly_open_question"]  # the open question
        assert "Claire Martin" in texts["amicable_escalation_call"]
        suspension = Reminder.objects.get(step="suspension_notice")
        assert suspension.status == "sent" and "Suspension de service" in suspension.notes[-1]
