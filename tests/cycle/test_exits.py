"""Every exit asks the ledger "still due?" at the last moment: e-mails after their claim (even
between two messages of one batch), letters and formal notices when printed and when marked
posted, tasks when listed or opened. And a step counts once it is done."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day, local_time
from relance.channels.email.smtp import SmtpSender
from relance.channels.letter.batch import letters_to_print
from relance.channels.letter.service import letter_mark_posted
from relance.channels.manual import SendRefused, todo_print_letters
from relance.channels.models import OutboundMessage
from relance.channels.outbox import send_due
from relance.cycle.daily import daily_cycle
from relance.dunning.models import CustomerDunning, DunningSettings, InstalmentDunning, Reminder
from relance.dunning.todo import NoLongerDue, open_todo, todo_withdraw_settled
from relance.ledger.models import Invoice
from relance.ledger.services import contact_add, customer_create, invoice_create, payment_record
from tests.days import run_and_send

D = Decimal
DAY = date(2026, 3, 9)  # a Monday; the invoices fell due on 2 March: reminder_1 is due


def customers(organisation, actor, *refs: str, due: date = date(2026, 3, 2)):
    made = []
    for n, ref in enumerate(refs):
        customer = customer_create(organisation=organisation, external_ref=ref,
                                   name=f"Client {ref}", actor=actor)  # fmt: skip
        customer.address_line1, customer.postal_code, customer.city = (
            f"{n + 1} rue du Port", "69002", "Lyon",
        )  # fmt: skip
        customer.save()
        contact_add(customer=customer, email=f"compta@{ref.lower()}.example", is_primary=True,
                    actor=actor)  # fmt: skip
        invoice_create(organisation=organisation, customer=customer, number=f"F-{ref}",
                       issue_date=due.replace(day=1), due_date=due,
                       amount_incl_tax=D("500.00"), actor=actor)  # fmt: skip
        made.append(customer)
    return made


def pay_in_full(organisation, actor, ref: str) -> None:
    invoice = Invoice.objects.get(number=f"F-{ref}")
    payment_record(organisation=organisation, customer=invoice.customer, reference=f"VIR-{ref}",
                   date=local_day(organisation), amount=D("500.00"), invoice=invoice,
                   actor=actor)  # fmt: skip


class PaymentArrivesWhileTheFirstMessageLeaves(SmtpSender):
    """A real SMTP connection; the debtor of the second message pays while the first one is
    with the server (a bank feed, a collector at the next desk), after the second message
    was read and prepared."""

    def __init__(self, organisation, actor, ref: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.organisation, self.actor, self.ref = organisation, actor, ref

    def prepare(self, message: OutboundMessage) -> bytes:
        data = super().prepare(message)
        if message.customer.external_ref == self.ref:
            pay_in_full(self.organisation, self.actor, self.ref)
        return data


def test_a_payment_between_two_messages_of_one_batch_stops_the_second(
    organisation, actor, smtp_server
):
    customers(organisation, actor, "A", "B")
    daily_cycle(organisation=organisation, day=DAY, actor=actor)
    assert OutboundMessage.objects.filter(status="queued").count() == 2
    transport = PaymentArrivesWhileTheFirstMessageLeaves(
        organisation, actor, "B", host="127.0.0.1", port=smtp_server.port
    )
    summary = send_due(worker="w1", sender_for=lambda _: transport)
    assert (summary.sent, summary.cancelled) == (1, 1)
    assert [str(m["To"]) for m in smtp_server.messages] == ["compta@a.example"]
    stopped = OutboundMessage.objects.get(customer__external_ref="B")
    assert stopped.status == "cancelled" and "paiement" in stopped.last_error
    statuses = dict(Reminder.objects.values_list("customer__external_ref", "status"))
    assert statuses == {"A": "sent", "B": "cancelled"}
    # Only the message that left counts: A's invoice reached reminder_1, B's did not.
    reached = InstalmentDunning.objects.values_list("instalment__invoice__number", "last_step")
    assert list(reached) == [("F-A", "reminder_1")]
    assert CustomerDunning.objects.get(customer__external_ref="A").last_contact_on
    assert CustomerDunning.objects.get(customer__external_ref="B").last_contact_on is None


def test_the_sending_window_holds_e_mails_until_it_opens_unless_now(
    organisation, actor, smtp_server
):
    customers(organisation, actor, "A")
    daily_cycle(organisation=organisation, day=DAY, actor=actor)
    # A window that is closed whatever the time of the test: one minute, twelve hours away.
    hour = (local_time(organisation).hour + 12) % 24
    DunningSettings.objects.filter(organisation=organisation).update(
        window_start=time(hour, 0), window_end=time(hour, 1)
    )
    held = send_due(worker="w1")
    assert (held.sent, held.waiting) == (0, 1) and smtp_server.messages == []
    forced = send_due(worker="w1", ignore_window=True)
    assert forced.sent == 1 and len(smtp_server.messages) == 1


def test_send_outbox_sends_everything_due_in_one_call_or_up_to_a_limit(
    organisation, actor, smtp_server, monkeypatch
):
    from relance.channels import outbox

    monkeypatch.setattr(outbox, "BATCH", 2)  # several batches in one call
    customers(organisation, actor, "A", "B", "C", "D", "E")
    daily_cycle(organisation=organisation, day=DAY, actor=actor)
    assert send_due(worker="w1", limit=3).sent == 3
    assert send_due(worker="w1").sent == 2
    assert len(smtp_server.messages) == 5


def test_a_formal_notice_for_a_customer_who_paid_is_never_printed(organisation, actor):
    customers(organisation, actor, "A", due=date(2026, 1, 5))
    for day in (date(2026, 1, 12), date(2026, 1, 20), date(2026, 1, 26), date(2026, 2, 4)):
        run_and_send(organisation, day, actor, manual=True)
    run_and_send(organisation, date(2026, 2, 16), actor)
    notice = Reminder.objects.get(step="formal_notice")
    assert notice.status == "todo"
    pay_in_full(organisation, actor, "A")
    with pytest.raises(SendRefused, match="Plus rien n'est dû"):
        todo_print_letters(reminders=[notice], today=local_day(organisation), actor=actor)
    notice.refresh_from_db()
    assert notice.status == "cancelled" and "paiement" in notice.notes[-1]
    assert letters_to_print(organisation, today=local_day(organisation)) == []


def test_a_letter_paid_after_printing_is_not_marked_posted(organisation, actor):
    customers(organisation, actor, "A", due=date(2026, 1, 5))
    for day in (date(2026, 1, 12), date(2026, 1, 20), date(2026, 1, 26), date(2026, 2, 4)):
        run_and_send(organisation, day, actor, manual=True)
    run_and_send(organisation, date(2026, 2, 16), actor)
    notice = Reminder.objects.get(step="formal_notice")
    todo_print_letters(reminders=[notice], today=date(2026, 2, 16), actor=actor)
    pay_in_full(organisation, actor, "A")
    with pytest.raises(NoLongerDue, match="Plus rien n'est dû"):
        letter_mark_posted(reminder=notice, posted_on=date(2026, 2, 17), actor=actor,
                           registered_number="1A12345678901")  # fmt: skip
    notice.refresh_from_db()
    assert notice.status == "cancelled"
    # Never posted: the formal notice's step does not count.
    assert InstalmentDunning.objects.get().last_step == "last_warning"


def test_paid_call_and_legal_tasks_leave_the_to_do_with_the_reason(organisation, actor):
    customers(organisation, actor, "A", "B")
    for day in (date(2026, 3, 9), date(2026, 3, 17)):
        run_and_send(organisation, day, actor)
    run_and_send(organisation, date(2026, 3, 24), actor)  # call_1 for both, on the to-do
    today = date(2026, 3, 24)
    assert open_todo(organisation, today=today).count() == 2
    pay_in_full(organisation, actor, "B")
    withdrawn = todo_withdraw_settled(organisation=organisation, today=today,
                                      actor=Actor.system("test"))  # fmt: skip
    assert list(withdrawn.values()) == ["settled"]
    remaining = open_todo(organisation, today=today)
    assert [r.customer.external_ref for r in remaining] == ["A"]
    call_b = Reminder.objects.get(customer__external_ref="B", step="call_1")
    assert call_b.status == "cancelled" and call_b.notes[-1].startswith("Annulée : Plus rien")


def test_a_skipped_e_mail_is_not_the_belgian_consumers_free_first_reminder(organisation, actor):
    from relance.dunning.todo import reminder_skip

    customer = customer_create(organisation=organisation, external_ref="BE1", name="Jan Peeters",
                               country="BE", kind="B2C", actor=actor)  # fmt: skip
    invoice_create(organisation=organisation, customer=customer, number="F-BE1",
                   issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                   amount_incl_tax=D("300.00"), actor=actor)  # fmt: skip
    daily_cycle(organisation=organisation, day=DAY, actor=actor)  # no address: on the to-do
    reminder = Reminder.objects.get(customer=customer)
    assert reminder.status == "todo"
    reminder_skip(reminder=reminder, reason="Client injoignable", today=DAY, actor=actor)
    dunning = CustomerDunning.objects.get(customer=customer)
    assert dunning.first_reminder_on is None and dunning.last_contact_on is None
