"""The daily run on a schedule: inline (scheduler command) and distributed (Celery + Redis)."""

from __future__ import annotations

import os
import socket
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from relance.accounts.clock import local_day
from relance.cycle.daily import run_all_organisations
from relance.cycle.management.commands.scheduler import next_run
from relance.dunning.models import CustomerDunning, Reminder
from relance.ledger.services import customer_create, invoice_create
from tests.conftest import broker_url_for_tests

D = Decimal


@pytest.fixture
def overdue(organisation, actor):
    customer = customer_create(
        organisation=organisation, external_ref="K1", name="Garage", actor=actor
    )
    invoice_create(
        organisation=organisation,
        customer=customer,
        number="F-1",
        issue_date=date(2025, 1, 1),
        due_date=date(2025, 2, 3),
        amount_incl_tax=D("120.00"),
        actor=actor,
    )
    return customer


def test_next_run_is_later_today_or_tomorrow(settings):
    settings.TIME_ZONE = "Europe/Paris"
    morning = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 06:00 in Paris
    assert next_run(morning, time(7, 0)) == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    later = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert next_run(later, time(7, 0)) == datetime(2026, 3, 3, 6, 0, tzinfo=UTC)


def test_local_day_follows_the_organisation_time_zone(organisation):
    late_evening_utc = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert local_day(organisation, late_evening_utc) == date(2026, 3, 3)  # Paris: 00:30


def test_all_organisations_run_on_their_day_and_a_repeat_records_nothing(overdue):
    monday_morning = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    first = run_all_organisations(now=monday_morning)
    assert len(first["atelier"].plan.messages) == 1
    # the morning cycle recomputed segments first: a year unpaid makes a bad payer
    assert CustomerDunning.objects.get(customer=overdue).segment == "bad_payer"
    assert first["atelier"].plan.messages[0].step.key == "reminder_1"
    again = run_all_organisations(now=monday_morning)
    assert again["atelier"].plan.messages == []
    assert Reminder.objects.count() == 1


def test_scheduler_once_prints_each_organisations_summary(overdue, capsys):
    call_command("scheduler", "--once")
    out = capsys.readouterr().out
    assert "[atelier] Relances du" in out


def test_scheduler_refuses_a_bad_time(db):
    with pytest.raises(CommandError, match="HH:MM"):
        call_command("scheduler", "--once", "--at", "25h")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
def test_celery_worker_runs_the_day_through_redis(overdue):
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis must be running on 127.0.0.1:6379 in CI")
        pytest.skip("needs Redis on 127.0.0.1:6379")
    from celery.contrib.testing.worker import start_worker

    from relance.celery import app
    from relance.cycle.tasks import run_organisation_day

    app.conf.broker_url = app.conf.result_backend = broker_url_for_tests()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        # A Monday in the organisation's calendar: the overdue invoice gets its reminder_1.
        result = run_organisation_day.delay(overdue.organisation_id, "2026-03-02")
        assert result.get(timeout=60) == 1
        again = run_organisation_day.delay(overdue.organisation_id, "2026-03-02")
        assert again.get(timeout=60) == 0
    assert list(Reminder.objects.values_list("step", "run_date")) == [
        ("reminder_1", date(2026, 3, 2))
    ]


def test_the_scheduler_runs_the_cycle_and_sends_within_the_window(
    overdue, actor, smtp_server, monkeypatch, capsys
):
    from django.utils import timezone

    from relance.dunning.models import DunningSettings
    from relance.ledger.services import contact_add

    contact_add(customer=overdue, email="compta@garage.example", is_primary=True, actor=actor)
    DunningSettings.objects.filter(organisation=overdue.organisation).update(
        window_start=time(8, 30), window_end=time(18, 0)
    )
    # Monday 2 March 2026, 07:30 in Paris: the cycle runs, the e-mail waits for 08:30.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 2, 6, 30, tzinfo=UTC))
    call_command("scheduler", "--once")
    assert "[atelier] Relances du 02/03/2026" in capsys.readouterr().out
    assert smtp_server.messages == []
    # 09:00: the window is open and the e-mail leaves; the day's cycle, run again by this new
    # scheduler, plans nothing more.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    call_command("scheduler", "--once")
    assert [str(m["To"]) for m in smtp_server.messages] == ["compta@garage.example"]
    assert Reminder.objects.get().status == "sent"  # the only reminder, and it is done
