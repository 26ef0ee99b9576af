"""One send loop for every channel: claim, last check, hand over, record, back off.

E-mails and SMS (and any channel to come) leave through ``send_loop`` behind a small
``Transport``: the loop owns the rules that make a message leave once and only while still
due, the transport only knows its channel (the SMTP connection, the SMS provider, the debtor's
hours, a STOP).

Why a message can never leave twice:

* A worker claims a message with one conditional UPDATE (``queued``/``failed`` and due ->
  ``sending``); the database lets exactly one worker win, however many run at once.
* The claim is committed before the message is handed over, and the result is recorded once
  known (``sent``; ``failed`` with a retry time; ``dead``; ``uncertain`` when the transport
  cannot tell whether it left), with its reminder's, in one transaction: a worker that stops
  after any message leaves no reminder behind its message.
* A message left in ``sending`` (the worker died between the two) is never retried by itself:
  after the lease it becomes ``uncertain`` and goes back to the collector's to-do.

Once claimed, just before it is handed over, each message asks the ledger the one "still due?"
question (``relance.dunning.still_due``): a payment, a credit note, a dispute, a promise or a
pause recorded since it was written cancels it, even one recorded while its batch goes out. A
message handed over completes its reminder: the step counts from that day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from types import TracebackType
from typing import Protocol, Self

from django.db import connection, transaction
from django.utils import timezone

from relance.accounts.clock import local_day
from relance.channels.email.smtp import DeliveryError
from relance.channels.models import OutboundMessage, OutboxStatus
from relance.dunning.completion import UNDER_WAY, reminders_complete
from relance.dunning.models import Reminder, ReminderStatus
from relance.dunning.reminder_facts import reminder_facts_refresh_done
from relance.dunning.still_due import REASONS, Covered, StillDueCheck
from relance.lib.bulk import db_values, quoted_names

LEASE = timedelta(minutes=10)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=6))  # fmt: skip
MAX_ATTEMPTS = len(BACKOFF) + 1
# What becomes of the reminder when its message ends so (sent completes it, see below).
REMINDER_STATUS = {
    OutboxStatus.CANCELLED.value: ReminderStatus.CANCELLED.value,
    OutboxStatus.DEAD.value: ReminderStatus.FAILED.value,
    OutboxStatus.UNCERTAIN.value: ReminderStatus.TODO.value,
}


class Transport(Protocol):
    """Hands messages of one channel over; opened once for a batch (``with``)."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...

    def hold_until(self, message: OutboundMessage, now: datetime) -> datetime | None:
        """A later moment when the message may not leave now (it stays queued)."""
        ...

    def refusal(self, message: OutboundMessage) -> str:
        """A reason of the channel's own never to send it (a STOP), else ""."""
        ...

    def prepare(self, message: OutboundMessage) -> object:
        """What can be made before the message is claimed (its bytes, signed), given back
        to ``hand_over``; ``DeliveryError`` when it cannot be made."""
        ...

    def hand_over(self, message: OutboundMessage, prepared: object) -> Callable[[], None]:
        """Hand it over and return what waits for the receiving end's answer; both raise
        ``DeliveryError`` when it did not leave (or may have)."""
        ...


@dataclass
class SendSummary:
    sent: int = 0
    cancelled: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0  # claimed by another worker
    waiting: int = 0  # due, but outside their organisation's sending window
    deferred: int = 0  # held by the transport (the debtor's hours): left queued
    uncertain: int = 0  # the transport could not tell whether it left: a person decides
    reasons: list[str] = field(default_factory=list)


def claim(message_id: int, worker: str, now: datetime) -> bool:
    """Take a due message for this worker; False when another worker already has it."""
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(), [
            OutboxStatus.SENDING.value, worker, *db_values(OutboundMessage, {"claimed_at": now}),
            message_id, OutboxStatus.QUEUED.value, OutboxStatus.FAILED.value,
            *db_values(OutboundMessage, {"next_attempt_at": now}),
        ])  # fmt: skip
        return bool(cursor.rowcount == 1)


def finish(message: OutboundMessage, worker: str, status: str, **fields: object) -> bool:
    """Record the outcome, only if this worker still holds the message."""
    names = tuple(sorted(fields))
    with connection.cursor() as cursor:
        cursor.execute(_finish_sql(names), [
            status, *db_values(OutboundMessage, {name: fields[name] for name in names}),
            message.pk, OutboxStatus.SENDING.value, worker,
        ])  # fmt: skip
        return bool(cursor.rowcount == 1)


def record_outcome(message: OutboundMessage, worker: str, status: str, **fields: object) -> bool:
    """The message's outcome and its reminder's, in one transaction: a sent message completes
    its reminder (the step counts from the day it left), a cancelled or dead one ends it, an
    uncertain one goes back to the to-do; a message to retry leaves its reminder under way.
    Inside the send loop's transaction it takes no savepoint: its statements are that one's."""
    with transaction.atomic(savepoint=False):
        if not finish(message, worker, status, **fields):
            return False
        if message.reminder_id:
            reminder_outcome(message.reminder_id, status,
                             on=local_day(message.organisation, timezone.now()))  # fmt: skip
    return True


def record_sent(
    sent: Sequence[tuple[OutboundMessage, datetime]], worker: str, *, facts: bool = True
) -> list[int]:
    """Messages that left (each with its moment), recorded with their reminders in one
    transaction (the send loop's, when inside it); one this worker no longer holds is left as it
    is. Returns the ids of the reminders completed. ``facts`` as in ``reminders_complete``."""
    by_day: dict[date, list[int]] = {}
    with transaction.atomic(savepoint=False):
        for message, at in sent:
            if not finish(message, worker, OutboxStatus.SENT, sent_at=at, last_error=""):
                continue
            if message.reminder_id:
                day = local_day(message.organisation, at)
                by_day.setdefault(day, []).append(message.reminder_id)
        for day, reminder_ids in by_day.items():
            reminders_complete(reminder_ids=reminder_ids, on=day, facts=facts)
    return [pk for reminder_ids in by_day.values() for pk in reminder_ids]


def reminder_outcome(reminder_id: int, status: str, *, on: date) -> None:
    if status == OutboxStatus.SENT:
        reminders_complete(reminder_ids=[reminder_id], on=on)
    elif status in REMINDER_STATUS:
        Reminder.objects.filter(pk=reminder_id, status__in=UNDER_WAY).update(
            status=REMINDER_STATUS[status]
        )


# The two statements of every message, written once (the ORM would build each anew).
@cache
def _claim_sql() -> str:
    table, pk, status, claimed_by, claimed_at, attempts, next_at = quoted_names(
        OutboundMessage, "id", "status", "claimed_by", "claimed_at", "attempts",
        "next_attempt_at",
    )  # fmt: skip
    return (f"UPDATE {table} SET {status} = %s, {claimed_by} = %s, {claimed_at} = %s,"
            f" {attempts} = {attempts} + 1"
            f" WHERE {pk} = %s AND {status} IN (%s, %s) AND {next_at} <= %s")  # fmt: skip


@cache
def _finish_sql(names: tuple[str, ...]) -> str:
    table, pk, status, claimed_by, *columns = quoted_names(
        OutboundMessage, "id", "status", "claimed_by", *names
    )
    changes = "".join(f", {column} = %s" for column in columns)
    return (
        f"UPDATE {table} SET {status} = %s{changes}"
        f" WHERE {pk} = %s AND {status} = %s AND {claimed_by} = %s"
    )


def stale_reason(message: OutboundMessage, check: StillDueCheck | None = None) -> str:
    """Why the message must not leave any more ("" when it still may): the "still due?"
    question, about the items and amounts it states; ``check``: the batch's (its
    organisation's settings read once), else one made for this message."""
    covered = Covered(
        customer_id=message.customer_id,
        items={int(pk): Decimal(amount) for pk, amount in message.items},
    )
    if check is None:
        organisation = message.organisation
        check = StillDueCheck.for_day(organisation, today=local_day(organisation))
    found = check.reasons({message.pk: covered})
    return str(REASONS[found[message.pk]]) if message.pk in found else ""


def recover_stale(now: datetime | None = None) -> int:
    """Messages left in ``sending`` past the lease become ``uncertain`` and go to the to-do."""
    now = now or timezone.now()
    stale = OutboundMessage.objects.filter(status=OutboxStatus.SENDING,
                                           claimed_at__lt=now - LEASE)  # fmt: skip
    reminder_ids = list(stale.exclude(reminder=None).values_list("reminder_id", flat=True))
    count = stale.update(
        status=OutboxStatus.UNCERTAIN,
        last_error="interrompu pendant l'envoi : vérifier avant de renvoyer",
    )
    Reminder.objects.filter(pk__in=reminder_ids).update(status=ReminderStatus.TODO)
    return count


def reconcile_reminders() -> int:
    """Reminders whose message's fate was recorded but not passed on to them (a worker that
    stopped between the two): a sent message completes its reminder on the day it left, a
    cancelled or dead one ends it. Returns how many were put right."""
    fixed = 0
    rows = (
        OutboundMessage.objects.filter(
            reminder__status__in=[ReminderStatus.READY],
            status__in=[OutboxStatus.SENT, OutboxStatus.CANCELLED, OutboxStatus.DEAD],
        )
        .select_related("organisation")
        .only("id", "status", "sent_at", "reminder_id", "organisation__timezone")
    )
    for message in rows.iterator(2000):
        assert message.reminder_id is not None  # the filter goes through the reminder
        with transaction.atomic():
            reminder_outcome(message.reminder_id, message.status,
                             on=local_day(message.organisation, message.sent_at))  # fmt: skip
        fixed += 1
    return fixed


def send_loop(
    ids: Sequence[int], transport: Transport, *, worker: str, summary: SendSummary
) -> None:
    """Send these messages (one organisation's, one channel's) through an open transport.

    While the server reads a message, the loop prepares the next one (builds and signs it):
    the server's time is not added to the loop's. The next message is claimed and asked the
    "still due?" question only once the server has answered for the one before and that
    outcome is recorded, so a payment recorded meanwhile still stops it.
    """
    messages = list(
        OutboundMessage.objects.filter(pk__in=list(ids))
        .select_related("organisation", "customer").order_by("id")
    )  # fmt: skip
    if not messages:
        return
    # One organisation's: its settings read once, the ledger at every message.
    organisation = messages[0].organisation
    check = StillDueCheck.for_day(organisation, today=local_day(organisation))
    outcomes = _Outcomes(worker, summary)
    waiting: _Waiting | None = None  # handed over, the server's answer not read yet
    try:
        for message in messages:
            prepared = _prepared(transport, message)
            if waiting is not None:
                outcomes.answered(*waiting)
                waiting = None
            # The outcome of the one before, the claim of this one and its last check: one
            # transaction, one commit, always before this one leaves (a worker killed while
            # the server reads a message leaves that one message unknown, no other).
            written = outcomes.sent
            try:
                with transaction.atomic():
                    outcomes.write()
                    ready = _ready(message, prepared, transport, check, worker, outcomes)
            except BaseException:
                outcomes.sent[:0] = written  # rolled back with the claim: written below
                raise
            if ready:
                waiting = _handed_over(transport, message, prepared, outcomes)
    finally:
        try:
            if waiting is not None:
                outcomes.answered(*waiting)
        finally:
            outcomes.write()
            outcomes.facts()


_Waiting = tuple[OutboundMessage, Callable[[], None]]


def _ready(
    message: OutboundMessage,
    prepared: object,
    transport: Transport,
    check: StillDueCheck,
    worker: str,
    outcomes: _Outcomes,
) -> bool:
    """Whether the message is claimed and may be handed over; else its outcome recorded."""
    if not _claimed(message, transport, worker, outcomes.summary):
        return False
    # After the claim, for this message alone: a payment of a second ago counts.
    reason = transport.refusal(message) or stale_reason(message, check)
    if reason:
        outcomes.cancelled(message, reason)
    elif isinstance(prepared, DeliveryError):
        outcomes.failed(message, prepared)
    else:
        return True
    return False


def _prepared(transport: Transport, message: OutboundMessage) -> object:
    try:
        return transport.prepare(message)
    except DeliveryError as exc:  # an attachment gone: the message fails once claimed
        return exc


def _claimed(
    message: OutboundMessage, transport: Transport, worker: str, summary: SendSummary
) -> bool:
    now = timezone.now()
    until = transport.hold_until(message, now)
    if until is not None:
        # Conditional, like a claim: never moves a message another worker has taken.
        OutboundMessage.objects.filter(
            pk=message.pk, status__in=(OutboxStatus.QUEUED, OutboxStatus.FAILED)
        ).update(next_attempt_at=until)
        summary.deferred += 1
        return False
    if not claim(message.pk, worker, now):
        summary.skipped += 1
        return False
    message.attempts += 1  # as the claim recorded it
    return True


def _handed_over(
    transport: Transport, message: OutboundMessage, prepared: object, outcomes: _Outcomes
) -> _Waiting | None:
    try:
        return message, transport.hand_over(message, prepared)
    except DeliveryError as exc:
        outcomes.failed(message, exc)
        return None


class _Outcomes:
    """What became of each claimed message, recorded with its reminder's: a message that left
    is written (``write``) before the next one is handed over; every other outcome at once."""

    def __init__(self, worker: str, summary: SendSummary) -> None:
        self.worker, self.summary = worker, summary
        self.sent: list[tuple[OutboundMessage, datetime]] = []
        self.completed: list[int] = []  # reminders done, their facts not yet written

    def answered(self, message: OutboundMessage, answer: Callable[[], None]) -> None:
        try:
            answer()
        except DeliveryError as exc:
            self.failed(message, exc)
            return
        self.sent.append((message, timezone.now()))
        self.summary.sent += 1

    def write(self) -> None:
        if self.sent:
            sent, self.sent = self.sent, []
            # What the analysis keeps of the reminders done is written for the whole batch at
            # its end (``facts``): a few statements, not a few more for every message.
            self.completed += record_sent(sent, self.worker, facts=False)

    def facts(self) -> None:
        if self.completed:
            reminder_facts_refresh_done(reminder_ids=self.completed)
            self.completed = []

    def cancelled(self, message: OutboundMessage, reason: str) -> None:
        record_outcome(message, self.worker, OutboxStatus.CANCELLED, last_error=reason)
        self.summary.cancelled += 1
        self.summary.reasons.append(reason)

    def failed(self, message: OutboundMessage, error: DeliveryError) -> None:
        worker, summary = self.worker, self.summary
        if error.maybe_sent:
            record_outcome(message, worker, OutboxStatus.UNCERTAIN, last_error=str(error))
            summary.uncertain += 1
            return
        attempts = message.attempts  # already counts this attempt
        if error.permanent or attempts >= MAX_ATTEMPTS:
            record_outcome(message, worker, OutboxStatus.DEAD, last_error=str(error))
            summary.dead += 1
            return
        retry_at = timezone.now() + BACKOFF[min(attempts, len(BACKOFF)) - 1]
        record_outcome(message, worker, OutboxStatus.FAILED, last_error=str(error),
                       next_attempt_at=retry_at)  # fmt: skip
        summary.failed += 1
