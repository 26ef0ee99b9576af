"""One send shared between processes: each message leaves once, from one of them; a process
that fails is reported; inside a transaction the send stays in one process."""

from __future__ import annotations

import os

import pytest

from relance.channels.models import OutboundMessage
from relance.channels.outbox import send_due
from relance.channels.processes import ProcessFailed, Share, in_processes
from relance.dunning.models import Reminder
from tests.channels.test_outbox import make_reminders


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_outbox_and_send_each_message_once(organisation, smtp_server):
    messages = make_reminders(organisation, 12)
    summary = send_due(worker="w", processes=2)
    assert (summary.sent, summary.skipped, summary.failed) == (12, 0, 0)
    assert sorted(smtp_server.ids()) == sorted(m.message_id for m in messages)
    sent = OutboundMessage.objects.filter(status="sent")
    # Even ids in one process, odd ones in the other: each took its own share.
    by_worker = {name: sorted(sent.filter(claimed_by=name).values_list("id", flat=True))
                 for name in ("w/0", "w/1")}  # fmt: skip
    assert by_worker["w/0"] and all(pk % 2 == 0 for pk in by_worker["w/0"])
    assert by_worker["w/1"] and all(pk % 2 == 1 for pk in by_worker["w/1"])
    assert len(by_worker["w/0"]) + len(by_worker["w/1"]) == 12
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert send_due(worker="w", processes=2).sent == 0
    assert len(smtp_server.messages) == 12


def test_inside_a_transaction_the_send_stays_in_one_process(organisation, smtp_server):
    make_reminders(organisation, 3)
    assert send_due(worker="w", processes=2).sent == 3
    assert set(OutboundMessage.objects.values_list("claimed_by", flat=True)) == {"w"}


def _whoami(share: Share | None, name: str) -> tuple[Share | None, str, int]:
    return share, name, os.getpid()


def test_the_work_runs_in_as_many_processes_each_with_its_share():
    results = in_processes(3, _whoami, worker="w")
    assert sorted(((share, name) for share, name, _ in results), key=lambda r: r[1]) == [
        (Share(0, 3), "w/0"), (Share(1, 3), "w/1"), (Share(2, 3), "w/2")
    ]  # fmt: skip
    assert len({pid for *_, pid in results}) == 3
    assert [name for _, name, _ in in_processes(1, _whoami, worker="w")] == ["w"]


def _fails_in_the_second(share: Share | None, name: str) -> str:
    if share is not None and share.index == 1:
        raise ValueError("the server went away")
    return name


def test_a_process_that_fails_is_reported_after_the_others_finish():
    with pytest.raises(ProcessFailed, match="ValueError: the server went away"):
        in_processes(2, _fails_in_the_second, worker="w")
