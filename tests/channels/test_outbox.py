"""The outbox against a real SMTP server: once, never twice, never stale."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from relance.accounts.audit import Actor
from relance.channels.email.transports import EmailChannel, default_email_transport
from relance.channels.models import OutboundMessage
from relance.channels.outbox import LEASE, outbox_enqueue, recover_stale, send_due
from relance.channels.sending import SendSummary, send_loop
from relance.dunning.completion import reminders_complete
from relance.dunning.models import Reminder
from relance.dunning.run import run_day
from relance.ledger.models import Invoice
from relance.ledger.services import customer_create, invoice_create, payment_record
from tests.conftest import broker_url_for_tests

D = Decimal


def make_reminders(organisation, count: int) -> list[OutboundMessage]:
    actor = Actor.system("test")
    for n in range(count):
        customer = customer_create(
            organisation=organisation, external_ref=f"K{n:03d}", name=f"Client {n}", actor=actor
        )
        invoice_create(organisation=organisation, customer=customer, number=f"F-{n:03d}",
                       issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                       amount_incl_tax=D("100.00") + n, actor=actor)  # fmt: skip
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    return [
        outbox_enqueue(
            reminder=reminder, sender="Atelier Dupont <relances@atelier.example>",
            recipients=[f"compta@{reminder.customer.external_ref.lower()}.example"],
            subject=f"Rappel : facture {reminder.items.get().instalment.invoice.number}",
            body_text=f"Montant dû : {reminder.amount_due} EUR",
            body_html=f"<p>Montant dû : <b>{reminder.amount_due} EUR</b></p>",
            reply_to="camille@atelier.example",
        )
        for reminder in Reminder.objects.select_related("customer").order_by("id")
    ]  # fmt: skip


def test_messages_arrive_once_with_both_parts_and_headers(organisation, smtp_server):
    messages = make_reminders(organisation, 3)
    summary = send_due(worker="w1")
    assert summary.sent == 3
    assert sorted(smtp_server.ids()) == sorted(m.message_id for m in messages)
    received = smtp_server.messages[0]
    assert received["From"] == "Atelier Dupont <relances@atelier.example>"
    assert received["Reply-To"] == "camille@atelier.example"
    parts = {part.get_content_type(): part.get_payload(decode=True).decode()
             for part in received.walk() if not part.is_multipart()}  # fmt: skip
    assert "100.00 EUR" in parts["text/plain"] and "100.00 EUR" in parts["text/html"]
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert send_due(worker="w1").sent == 0  # nothing left: nothing twice
    assert len(smtp_server.messages) == 3


def test_a_payment_between_planning_and_sending_cancels_the_message(organisation, smtp_server):
    messages = make_reminders(organisation, 2)
    paid = Invoice.objects.get(number="F-000")
    payment_record(organisation=organisation, customer=paid.customer, reference="VIR-9",
                   date=date(2026, 3, 10), amount=D("100.00"), invoice=paid,
                   actor=Actor.system("test"))  # fmt: skip
    summary = send_due(worker="w1")
    assert (summary.sent, summary.cancelled) == (1, 1)
    assert smtp_server.ids() == [messages[1].message_id]
    cancelled = OutboundMessage.objects.get(pk=messages[0].pk)
    assert cancelled.status == "cancelled" and "paiement" in cancelled.last_error
    assert cancelled.reminder.status == "cancelled"


def test_refused_address_is_dead_and_temporary_failure_retries(organisation, smtp_server):
    messages = make_reminders(organisation, 2)
    smtp_server.refuse[messages[0].recipients[0]] = "550 5.1.1 no such user"
    smtp_server.temporary_failures = 1
    summary = send_due(worker="w1")
    assert (summary.dead, summary.failed, summary.sent) == (1, 1, 0)
    dead = OutboundMessage.objects.get(pk=messages[0].pk)
    assert dead.status == "dead" and dead.reminder.status == "failed"
    retry = OutboundMessage.objects.get(pk=messages[1].pk)
    assert retry.status == "failed" and retry.next_attempt_at > timezone.now()
    OutboundMessage.objects.filter(pk=retry.pk).update(next_attempt_at=timezone.now())
    assert send_due(worker="w1").sent == 1
    assert smtp_server.ids() == [messages[1].message_id]


def test_a_message_received_whose_answer_is_lost_is_uncertain_and_never_sent_again(
    organisation, smtp_server
):
    lost, other = make_reminders(organisation, 2)
    smtp_server.answers_lost = 1
    summary = send_due(worker="w1")
    assert (summary.uncertain, summary.sent, summary.failed) == (1, 1, 0)
    message = OutboundMessage.objects.get(pk=lost.pk)
    assert message.status == "uncertain" and "peut-être parti" in message.last_error
    assert message.reminder.status == "todo"  # a person checks before sending it again
    # Later runs, past any retry delay, do not send it again by themselves.
    OutboundMessage.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))
    assert send_due(worker="w2").sent == 0
    assert smtp_server.ids() == [lost.message_id, other.message_id]


def test_a_failure_before_the_end_of_the_data_is_retried(organisation, smtp_server):
    (message,) = make_reminders(organisation, 1)
    smtp_server.refuse[message.recipients[0]] = "421 4.3.2 closing for now"
    summary = send_due(worker="w1")
    assert (summary.failed, summary.uncertain) == (1, 0)
    assert OutboundMessage.objects.get(pk=message.pk).status == "failed"
    del smtp_server.refuse[message.recipients[0]]
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    assert send_due(worker="w1").sent == 1
    assert smtp_server.ids() == [message.message_id]


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_send_twice(organisation, smtp_server):
    messages = make_reminders(organisation, 12)
    smtp_server.delay = 0.02
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            send_due(worker=name)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(smtp_server.ids()) == sorted(m.message_id for m in messages)
    assert OutboundMessage.objects.filter(status="sent").count() == 12


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_killing_the_sender_mid_batch_then_restarting_sends_each_message_once(
    organisation, smtp_server, tmp_path
):
    messages = make_reminders(organisation, 8)
    smtp_server.delay = 0.4  # each delivery takes a while: the kill lands during one
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "RELANCE_VAR_DIR": str(tmp_path),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    sender = subprocess.Popen(
        [sys.executable, "-m", "relance.cli", "send-outbox"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while len(smtp_server.messages) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    sender.send_signal(signal.SIGKILL)
    sender.wait(timeout=30)
    delivered_before = len(smtp_server.messages)
    assert 3 <= delivered_before < 8
    # Each message recorded as sent took its reminder with it, up to the kill.
    sent = OutboundMessage.objects.filter(status="sent").select_related("reminder")
    assert len(sent) >= delivered_before - 1
    assert {message.reminder.status for message in sent} == {"sent"}
    # Restart, once the dead worker's lease has run out.
    smtp_server.delay = 0
    recover_stale(timezone.now() + LEASE + timedelta(seconds=1))
    send_due(worker="restarted")
    ids = smtp_server.ids()
    assert len(ids) == len(set(ids)), "a message left twice"
    assert sorted(ids) == sorted(m.message_id for m in messages)
    # the one in flight at the kill was delivered, but relance could not know: a person checks
    uncertain = OutboundMessage.objects.filter(status="uncertain")
    assert uncertain.count() <= 1
    assert OutboundMessage.objects.filter(status="sent").count() + uncertain.count() == 8


def test_an_organisation_can_send_through_its_own_smtp_server(organisation, smtp_server, settings):
    from relance.channels.models import SmtpSettings
    from relance.lib.sealed import seal

    settings.RELANCE_SMTP_ALLOW_PRIVATE_HOSTS = True  # the test server listens on 127.0.0.1
    SmtpSettings.objects.create(organisation=organisation, host="127.0.0.1",
                                port=smtp_server.port, use_tls=False,
                                password=seal("not-used-without-username"))  # fmt: skip
    settings.EMAIL_PORT = 9  # the global server is unreachable: only the organisation's works
    make_reminders(organisation, 2)
    assert send_due(worker="w1").sent == 2
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_the_celery_task_sends_the_outbox_through_a_worker(organisation, smtp_server):
    import socket as sockets

    try:
        sockets.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("CI"):
            pytest.fail("Redis must be running on 127.0.0.1:6379 in CI")
        pytest.skip("needs Redis on 127.0.0.1:6379")
    from celery.contrib.testing.worker import start_worker

    from relance.celery import app
    from relance.channels.tasks import send_outbox

    messages = make_reminders(organisation, 3)
    app.conf.broker_url = app.conf.result_backend = broker_url_for_tests()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        first, second = send_outbox.delay(), send_outbox.delay()  # delivered twice: still once
        assert sorted([first.get(timeout=60), second.get(timeout=60)]) == [0, 3]
    assert sorted(smtp_server.ids()) == sorted(m.message_id for m in messages)


def test_later_reminders_to_a_customer_thread_with_the_earlier_ones(organisation, smtp_server):
    first = make_reminders(organisation, 1)[0]
    reminders_complete(reminder_ids=[first.reminder.pk], on=date(2026, 3, 9))
    run_day(organisation=organisation, day=date(2026, 3, 17), actor=Actor.system("test"))
    reminder = Reminder.objects.get(step="reminder_2")
    second = outbox_enqueue(reminder=reminder, sender=first.sender, recipients=first.recipients,
                            subject="Relance", body_text="Deuxième relance")  # fmt: skip
    assert second.references == first.message_id
    send_due(worker="w1")
    received = {str(m["Message-ID"]): m for m in smtp_server.messages}
    assert str(received[second.message_id]["In-Reply-To"]) == first.message_id
    assert "In-Reply-To" not in received[first.message_id]


class _CheckFailsAtTheSecondMessage(EmailChannel):
    """A real SMTP transport whose last check breaks down at the second message."""

    checked = 0

    def refusal(self, message: OutboundMessage) -> str:
        self.checked += 1
        if self.checked == 2:
            raise DatabaseError("the database went away during the last check")
        return ""


@pytest.mark.django_db(transaction=True)
def test_a_failure_at_the_next_claim_keeps_the_outcome_of_the_message_before(
    organisation, smtp_server
):
    # The outcome of a message and the claim of the next share one transaction: when the
    # claim's side fails, the outcome is written all the same, and the next one stays queued.
    first, second = make_reminders(organisation, 2)
    channel = _CheckFailsAtTheSecondMessage(default_email_transport())
    with channel, pytest.raises(DatabaseError):
        send_loop([first.pk, second.pk], channel, worker="w1", summary=SendSummary())
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reminder.status) == ("sent", "sent")
    assert (second.status, second.claimed_by) == ("queued", "")
    assert smtp_server.ids() == [first.message_id]


def test_what_the_analysis_keeps_of_the_reminders_sent_is_written_with_the_batch(
    organisation, smtp_server
):
    from relance.dunning.models import InstalmentDunning
    from relance.dunning.reminder_facts import FactsCheck, reminder_facts_check

    make_reminders(organisation, 3)
    assert send_due(worker="w1").sent == 3
    sent_on = set(Reminder.objects.values_list("run_date", flat=True))
    assert set(InstalmentDunning.objects.values_list("first_reminded_on", flat=True)) == sent_on
    assert reminder_facts_check(organisation=organisation) == FactsCheck(items=0, instalments=0)
