"""From the daily run to the e-mail in the debtor's inbox, in the debtor's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from relance.accounts.audit import Actor
from relance.accounts.services import user_create
from relance.channels.compose import outbox_fill
from relance.channels.models import OutboundMessage
from relance.channels.outbox import send_due
from relance.dunning.models import Reminder
from relance.dunning.run import run_day
from relance.ledger.services import contact_add, customer_create, invoice_create

D = Decimal


def parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_payload(decode=True).decode()
            for part in message.walk() if not part.is_multipart()}  # fmt: skip


def ledger(organisation, actor):
    organisation.iban, organisation.bic = "FR7630006000011234567890189", "AGRIFRPP"
    organisation.sender_email = "relances@atelier.example"
    organisation.save()
    user_create(email="camille@atelier.example", organisation=organisation, role="collector",
                actor=actor)  # fmt: skip
    french = customer_create(organisation=organisation, external_ref="K-FR", actor=actor,
                             name="Boulangerie Lefèvre SARL")  # fmt: skip
    contact_add(customer=french, email="compta@lefevre.example", is_primary=True, actor=actor)
    contact_add(customer=french, email="patron@lefevre.example", in_copy=True, actor=actor)
    flemish = customer_create(organisation=organisation, external_ref="K-BE", actor=actor,
                              name="Bakkerij Peeters BV", country="BE", language="nl")  # fmt: skip
    contact_add(customer=flemish, email="boekhouding@peeters.example", is_primary=True,
                actor=actor)  # fmt: skip
    customer_create(organisation=organisation, external_ref="K-NOMAIL", name="Sans Mail",
                    actor=actor)  # fmt: skip
    for number, ref in (("F-101", "K-FR"), ("F-102", "K-BE"), ("F-103", "K-NOMAIL")):
        from relance.ledger.models import Customer

        invoice_create(organisation=organisation, customer=Customer.objects.get(external_ref=ref),
                       number=number, issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                       amount_incl_tax=D("1234.56"), actor=actor)  # fmt: skip


def test_the_days_reminders_reach_the_debtors_in_their_language(organisation, smtp_server):
    actor = Actor.system("test")
    ledger(organisation, actor)
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    counts = outbox_fill(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    assert counts == {"queued": 2, "no_address": 1, "no_template": 0, "held": 0, "sms": 0,
                      "fallback": 0}  # fmt: skip
    no_mail = Reminder.objects.get(customer__external_ref="K-NOMAIL")
    assert no_mail.status == "todo" and "adresse e-mail" in no_mail.notes[-1]
    assert send_due(worker="w1").sent == 2
    by_recipient = {str(m["To"]): m for m in smtp_server.messages}
    french = by_recipient["compta@lefevre.example"]
    assert french["Cc"] == "patron@lefevre.example"
    assert french["Reply-To"] == "camille@atelier.example"
    assert "F-101" in str(french["Subject"])
    text, html = parts(french)["text/plain"], parts(french)["text/html"]
    for fact in ("F-101", "1\u202f234,56", "FR76 3000 6000 0112 3456 7890 189", "RF"):
        assert fact in text and fact in html, fact
    assert "style=" in html  # CSS inlined for Outlook and Gmail
    flemish = parts(by_recipient["boekhouding@peeters.example"])["text/plain"]
    assert "+++" in flemish  # Belgian structured communication
    assert "F-102" in flemish and "€" in flemish
    assert OutboundMessage.objects.filter(status="sent").count() == 2


def test_invoice_pdfs_go_with_the_reminder_and_a_changed_file_stops_it(organisation, smtp_server):
    from django.core.files.base import ContentFile

    from relance.ledger.models import Invoice

    actor = Actor.system("test")
    ledger(organisation, actor)
    invoice = Invoice.objects.get(number="F-101")
    pdf = b"%PDF-1.4\n% facture F-101\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    invoice.pdf.save("F-101.pdf", ContentFile(pdf))
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    outbox_fill(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    message = OutboundMessage.objects.get(customer__external_ref="K-FR")
    assert [a["name"] for a in message.attachments] == ["F-101.pdf"]
    OutboundMessage.objects.exclude(pk=message.pk).update(status="cancelled")
    assert send_due(worker="w1").sent == 1
    attached = list(smtp_server.messages[0].iter_attachments())
    assert [(a.get_filename(), a.get_content()) for a in attached] == [("F-101.pdf", pdf)]
    # A message whose file changed after it was written does not leave.
    OutboundMessage.objects.filter(pk=message.pk).update(
        status="queued", message_id="<again@atelier.example>"
    )
    with invoice.pdf.open("wb") as handle:
        handle.write(pdf + b"% changed\n")
    summary = send_due(worker="w1")
    assert summary.dead == 1
    assert "modifiée" in OutboundMessage.objects.get(pk=message.pk).last_error


def test_preview_shows_the_message_and_its_score_and_changes_nothing(organisation, capsys,
                                                                     tmp_path):  # fmt: skip
    import pytest
    from django.core.management import CommandError, call_command

    ledger(organisation, Actor.system("test"))
    call_command("preview", "K-BE", "--step", "reminder_2", "--penalties", "mentioned",
                 "--date", "2026-03-20")  # fmt: skip
    out = capsys.readouterr().out
    assert "F-102" in out and "Score de contenu : 0" in out
    assert not Reminder.objects.exists()
    template = tmp_path / "mine.txt"
    template.write_text("Bonjour {{ customer.name }}, total {{ total_due|money }}")
    call_command("preview", "K-FR", "--template", str(template), "--date", "2026-03-20")
    assert "Bonjour Boulangerie Lefèvre SARL, total 1\u202f234,56" in capsys.readouterr().out
    template.write_text("{{ customer.__class__ }}")
    with pytest.raises(CommandError, match="Modèle refusé"):
        call_command("preview", "K-FR", "--template", str(template))


def test_an_sms_step_of_a_custom_scenario_goes_out_as_an_sms(organisation, capsys, monkeypatch):
    from relance.channels.sms.backends import backend_from_url
    from relance.channels.sms.service import send_due_sms
    from relance.channels.step_templates import scenarios_import_with_templates
    from relance.dunning.models import CustomerDunning, Scenario
    from relance.ledger.models import Customer

    actor = Actor.system("test")
    ledger(organisation, actor)
    scenarios_import_with_templates(
        organisation=organisation,
        actor=actor,
        text="""
scenarios:
  - key: sms_first
    name: SMS d'abord
    steps:
      - {key: sms_1, offset: 3, channel: sms, mode: auto}
      - {key: reminder_1, offset: 10, channel: email, mode: auto}
""",
    )
    customer = Customer.objects.get(external_ref="K-FR")
    contact_add(customer=customer, phone="+33612345678", actor=actor)
    CustomerDunning.objects.create(
        customer=customer, scenario=Scenario.objects.get(key="sms_first")
    )
    run_day(organisation=organisation, day=date(2026, 3, 5), actor=actor)
    counts = outbox_fill(organisation=organisation, day=date(2026, 3, 5), actor=actor)
    assert counts["sms"] == 1
    sms = OutboundMessage.objects.get(channel="sms")
    assert sms.recipients == ["+33612345678"] and "F-101" not in sms.body_text
    assert "1 234,56 €" in sms.body_text and "STOP" in sms.body_text  # GSM-7 spaces
    # Send on the next French business day at 10:00 in Paris, inside the SMS hours.
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone as tz

    from relance.core.calendar import for_customer

    day = tz.now().date() + timedelta(days=1)
    while not for_customer("FR").is_business_day(day):
        day += timedelta(days=1)
    moment = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(tz, "now", lambda: moment)
    summary = send_due_sms(worker="w1", backend=backend_from_url("console:"))
    assert summary.sent == 1
    assert "+33612345678" in capsys.readouterr().out


def test_the_days_emails_written_in_two_processes_are_those_written_in_one(
    organisation, monkeypatch
):
    from relance.channels import compose
    from relance.lib import forked

    actor = Actor.system("test")
    ledger(organisation, actor)
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    reminders = list(Reminder.objects.filter(channel="email").select_related(
        "customer", "organisation", "customer__collector").order_by("-id"))  # fmt: skip

    def written(processes: int) -> list[Any]:
        monkeypatch.setattr(forked, "PROCESSES", processes)
        monkeypatch.setattr(forked, "WORTH_FORKING", 1)
        prefetched = compose.prefetch(organisation, reminders)
        return compose._compose_day(reminders, day=date(2026, 3, 9), with_pdfs=False,
                                    prefetched=prefetched)  # fmt: skip

    # What the child wrote, as it came back (None: it gave up, the parent wrote them).
    from_child: list[object] = []
    results = forked._results

    def kept(reading: int) -> list[Any] | None:
        from_child.append(found := results(reading))
        return found

    monkeypatch.setattr(forked, "_results", kept)
    alone, shared = written(1), written(2)
    assert len(alone) == 3 and alone[0] is None  # the customer without an address
    assert shared == alone and "F-101" in alone[2].subject
    assert from_child == [alone[2:]]  # the child wrote its share itself, with no query
