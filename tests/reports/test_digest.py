"""The collectors' weekly digest: the right figures for each, in their language, once per
week, not to those who turned it off, with a number of queries that does not grow with
the number of collectors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relance.accounts.models import Membership
from relance.accounts.services import membership_digest_set, user_create
from relance.cycle.daily import daily_cycle
from relance.dunning.models import Promise
from relance.dunning.services import dispute_open, promise_record
from relance.ledger.balances import customer_balances_refresh
from relance.ledger.services import (
    customer_collector_set,
    customer_create,
    invoice_create,
    payment_record,
)
from relance.reports.digest import week_of, weekly_digests
from relance.reports.digest_send import digest_due, weekly_digests_send
from relance.reports.models import CashForecast, CashForecastWeek, WeeklyDigest

MONDAY = date(2026, 3, 9)
D = Decimal


def person(organisation, actor, email, role="collector", language=""):
    user = user_create(email=email, organisation=organisation, role=role, actor=actor)
    user.language = language
    user.save()
    return user


def bill(organisation, actor, owner, number, amount, due):
    return invoice_create(organisation=organisation, customer=owner, number=number,
                          issue_date=due - timedelta(days=30), due_date=due,
                          amount_incl_tax=D(amount), actor=actor)  # fmt: skip


@pytest.fixture
def week(organisation, actor):
    """Camille (French) follows the garage; Alex (English) follows nobody; a viewer and an
    admin receive nothing. Last week: 100 € paid by the garage, a promise of the bakery
    broken, a dispute on the garage's F-3. This week: the bakery's promise, the garage's F-3
    falling due."""
    camille = person(organisation, actor, "camille@atelier.example", language="fr")
    alex = person(organisation, actor, "alex@atelier.example", language="en")
    person(organisation, actor, "lecteur@atelier.example", role="viewer")
    person(organisation, actor, "admin@atelier.example", role="admin")
    garage = customer_create(organisation=organisation, external_ref="K1", name="Garage Martin",
                             actor=actor)  # fmt: skip
    bakery = customer_create(organisation=organisation, external_ref="K2",
                             name="Boulangerie Petit", actor=actor)  # fmt: skip
    customer_collector_set(customer=garage, collector=camille, actor=actor)
    f1 = bill(organisation, actor, garage, "F-1", "900.00", date(2026, 2, 1))
    f2 = bill(organisation, actor, bakery, "F-2", "300.00", date(2026, 2, 15))
    f3 = bill(organisation, actor, garage, "F-3", "200.00", date(2026, 3, 11))
    payment_record(organisation=organisation, customer=garage, reference="VIR-1",
                   date=date(2026, 3, 4), amount=D("100.00"), invoice=f1, actor=actor)  # fmt: skip
    promise_record(customer=bakery, invoices=[f2], promised_on=MONDAY + timedelta(3),
                   amount=D("300.00"), day=MONDAY - timedelta(3), actor=actor)  # fmt: skip
    old = promise_record(customer=bakery, invoices=[f2], promised_on=date(2026, 3, 2),
                         amount=D("150.00"), day=date(2026, 2, 20), actor=actor)  # fmt: skip
    Promise.objects.filter(pk=old.pk).update(broken_on=date(2026, 3, 5))
    dispute_open(invoice=f3, reason="Livraison incomplète", day=date(2026, 3, 6), actor=actor)
    customer_balances_refresh(organisation=organisation, as_of=MONDAY)
    return {"camille": camille, "alex": alex}


def body(message) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def test_each_collector_gets_their_week_in_their_language(organisation, week, smtp_server):
    smtp_server.messages.clear()
    run = weekly_digests_send(organisation=organisation, day=MONDAY)
    assert sorted(run.sent) == ["alex@atelier.example", "camille@atelier.example"]
    mails = {str(m["To"]): m for m in smtp_server.messages}
    assert set(mails) == {"alex@atelier.example", "camille@atelier.example"}

    french = body(mails["camille@atelier.example"])
    assert "semaine de recouvrement du 09/03/2026" in mails["camille@atelier.example"]["Subject"]
    assert "les clients qui vous sont confiés" in french
    assert "La semaine dernière (du 02/03/2026 au 08/03/2026)" in french
    assert "Encaissé : 100,00\xa0€" in french
    assert "Litige ouvert : 1" in french
    assert "Arrive à échéance (reste dû) : 200,00\xa0€" in french
    assert "1. Garage Martin (K1) : 800,00\xa0€, 36 jours de retard" in french
    assert "Boulangerie" not in french  # not one of Camille's customers
    assert "/o/atelier/todo/" in french and "/o/atelier/profile/" in french

    english = body(mails["alex@atelier.example"])
    assert "the organisation" in english  # nobody assigned to Alex: the organisation's week
    assert "Collected: €100.00" in english
    assert "Promised payment: 1 (€300.00)" in english
    assert "Broken promise: 1 (€150.00)" in english
    assert "1. Garage Martin (K1): €800.00" in english
    assert "2. Boulangerie Petit (K2): €300.00, 22 days overdue" in english


def test_a_second_run_the_same_week_sends_nothing(organisation, week, smtp_server):
    weekly_digests_send(organisation=organisation, day=MONDAY)
    smtp_server.messages.clear()
    again = weekly_digests_send(organisation=organisation, day=MONDAY + timedelta(2))
    assert again.sent == [] and len(again.already) == 2
    assert smtp_server.messages == []
    assert WeeklyDigest.objects.filter(week=MONDAY).exclude(sent_at=None).count() == 2
    # the next week is another digest
    assert len(weekly_digests_send(organisation=organisation, day=MONDAY + timedelta(7)).sent) == 2


def test_no_digest_for_who_turned_it_off(organisation, week, actor, smtp_server):
    membership = Membership.objects.get(user=week["alex"], organisation=organisation)
    membership_digest_set(membership=membership, weekly_digest=False, actor=actor)
    smtp_server.messages.clear()
    run = weekly_digests_send(organisation=organisation, day=MONDAY)
    assert run.sent == ["camille@atelier.example"]
    assert [str(m["To"]) for m in smtp_server.messages] == ["camille@atelier.example"]


def test_a_digest_that_did_not_leave_goes_with_a_later_run(organisation, week, smtp_server):
    smtp_server.refuse["alex@atelier.example"] = "550 5.1.1 no such user"
    first = weekly_digests_send(organisation=organisation, day=MONDAY)
    assert first.failed == ["alex@atelier.example"]
    assert first.sent == ["camille@atelier.example"]
    smtp_server.refuse.clear()
    second = weekly_digests_send(organisation=organisation, day=MONDAY)
    assert second.sent == ["alex@atelier.example"]


def test_the_profile_page_turns_it_off(organisation, week, client):
    client.force_login(week["camille"])
    page = client.get("/o/atelier/profile/").content.decode()
    assert 'name="weekly_digest"' in page and "checked" in page
    client.post("/o/atelier/profile/", {"first_name": "Camille", "last_name": "Roux"})
    assert not Membership.objects.get(user=week["camille"]).weekly_digest


def test_queries_do_not_grow_with_the_collectors(organisation, week, actor, smtp_server):
    def queries() -> int:
        WeeklyDigest.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            weekly_digests_send(organisation=organisation, day=MONDAY)
        return len(captured)

    few = queries()
    for n in range(6):
        person(organisation, actor, f"renfort{n}@atelier.example")
    assert len(weekly_digests(organisation, week=MONDAY)) == 8
    assert queries() == few


def test_the_morning_cycle_sends_it_on_mondays_only(organisation, week, actor, smtp_server):
    assert not any(digest_due(MONDAY + timedelta(n)) for n in range(1, 7))
    assert week_of(MONDAY + timedelta(6)) == MONDAY
    sunday = daily_cycle(organisation=organisation, day=MONDAY - timedelta(1), actor=actor)
    assert sunday.digests is None
    smtp_server.messages.clear()
    monday = daily_cycle(organisation=organisation, day=MONDAY, actor=actor)
    assert monday.digests is not None and len(monday.digests.sent) == 2
    assert daily_cycle(organisation=organisation, day=MONDAY, actor=actor).digests.sent == []
    digests = [m for m in smtp_server.messages if "semaine" in str(m["Subject"])
               or "week" in str(m["Subject"])]  # fmt: skip
    assert len(digests) == 2


def test_the_command_dry_run_names_who_would_receive_it(organisation, week, smtp_server):
    smtp_server.messages.clear()
    out = StringIO()
    call_command("digest", "--org", "atelier", "--date", "2026-03-11", "--dry-run", stdout=out)
    assert "atelier (semaine du 2026-03-09) : 2 à envoyer" in out.getvalue()
    assert smtp_server.messages == [] and not WeeklyDigest.objects.exists()
    call_command("digest", "--org", "atelier", "--date", "2026-03-11", stdout=out)
    assert "2 envoyé(s), 0 déjà envoyé(s)" in out.getvalue()
    assert len(smtp_server.messages) == 2


def record_forecast(organisation, as_of, weeks):
    """The forecast as the morning run records it: ``weeks`` maps a currency to its weeks,
    each (Monday, statistical, promised, planned)."""
    for currency, rows in weeks.items():
        forecast = CashForecast.objects.create(
            organisation=organisation, currency=currency, as_of=as_of, later=D("0.00"),
            disputed=D("0.00"), computed_at=timezone.now(),
        )  # fmt: skip
        for start, statistical, promised, planned in rows:
            CashForecastWeek.objects.create(forecast=forecast, week_start=start,
                                            statistical=D(statistical), promised=D(promised),
                                            planned=D(planned))  # fmt: skip


def test_the_weeks_expected_receipts_come_from_the_recorded_forecast(
    organisation, week, smtp_server
):
    """EUR: 120.50 from payment habits + 300.00 promised + 40.00 planned = 460.50 this week
    (the week before and the week after are not this week's); USD: 75.25 from habits."""
    record_forecast(organisation, MONDAY - timedelta(1), {
        "EUR": [(MONDAY - timedelta(7), "999.00", "0.00", "0.00"),
                (MONDAY, "120.50", "300.00", "40.00"),
                (MONDAY + timedelta(7), "500.00", "0.00", "0.00")],
        "USD": [(MONDAY, "75.25", "0.00", "0.00")],
    })  # fmt: skip
    smtp_server.messages.clear()
    weekly_digests_send(organisation=organisation, day=MONDAY)
    mails = {str(m["To"]): body(m) for m in smtp_server.messages}
    french, english = mails["camille@atelier.example"], mails["alex@atelier.example"]
    assert ("Encaissements prévus pour l'organisation (prévision au 08/03/2026) : "
            "460,50\xa0€, 75,25\xa0$") in french  # fmt: skip
    assert "Arrive à échéance (reste dû) : 200,00\xa0€" in french  # kept beside it
    assert ("Expected receipts for the organisation (forecast as of 8 March 2026): "
            "€460.50, $75.25") in english  # fmt: skip


def test_without_a_recorded_forecast_the_digest_says_so(organisation, week, smtp_server):
    smtp_server.messages.clear()
    weekly_digests_send(organisation=organisation, day=MONDAY)
    mails = {str(m["To"]): body(m) for m in smtp_server.messages}
    assert ("Encaissements prévus pour l'organisation : pas encore de prévision"
            in mails["camille@atelier.example"])  # fmt: skip
    assert (
        "Expected receipts for the organisation: no forecast yet" in mails["alex@atelier.example"]
    )


def test_the_morning_cycle_records_the_forecast_the_digest_reads(organisation, week, actor,
                                                                 smtp_server):  # fmt: skip
    smtp_server.messages.clear()
    daily_cycle(organisation=organisation, day=MONDAY, actor=actor)
    expected = weekly_digests(organisation, week=MONDAY)[0].expected
    assert expected.as_of == MONDAY - timedelta(1)
    recorded = CashForecastWeek.objects.get(forecast__currency="EUR", week_start=MONDAY)
    assert expected.amounts == {"EUR": recorded.expected}
    assert expected.amounts["EUR"] > 0  # the bakery's promise of 300.00 falls this week
