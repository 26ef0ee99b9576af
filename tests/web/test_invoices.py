"""The invoice list and an invoice's page: filters, penalties explained, and what is agreed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from relance.accounts.models import AuditEvent
from relance.core.penalties import compute_penalties, explain
from relance.core.rates import RateNotFoundError, load_rate_tables
from relance.dunning.models import Dispute, PaymentPlan, Promise
from relance.dunning.run import day_plan
from relance.dunning.services import dispute_open, promise_record
from relance.ledger.models import Note
from relance.ledger.services import credit_note_create, invoice_create, payment_record
from tests.web.ledger_data import D, customer, invoice, today, working_day


def url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def numbers_in(page: str) -> list[str]:
    return re.findall(r'<a href="/o/[^/]+/invoices/[^/]+/">([^<]+)</a>', page)


@pytest.fixture
def book(organisation, actor):
    """F-1 overdue, F-2 paid, F-3 not yet due, F-4 disputed, F-5 promised, F-6 in USD."""
    day = today(organisation)
    garage = customer(organisation, actor, "K1", "Garage Martin")
    bakery = customer(organisation, actor, "K2", "Boulangerie Petit")
    found = {
        number: invoice(organisation, actor, owner, number, amount=amount, due=day + timedelta(n))
        for number, owner, amount, n in (
            ("F-1", garage, "900.00", -40), ("F-2", garage, "120.00", -60),
            ("F-3", bakery, "300.00", 10), ("F-4", bakery, "450.00", -5),
            ("F-5", bakery, "75.00", -3),
        )
    }  # fmt: skip
    found["F-6"] = invoice_create(
        organisation=organisation, customer=garage, number="F-6", currency="USD",
        issue_date=day - timedelta(20), due_date=day - timedelta(1),
        amount_incl_tax=D("1000.00"), actor=actor,
    )  # fmt: skip
    payment_record(organisation=organisation, customer=garage, reference="VIR-2",
                   date=day - timedelta(50), amount=D("120.00"), invoice=found["F-2"],
                   actor=actor)  # fmt: skip
    dispute_open(invoice=found["F-4"], reason="Erreur de prix", day=day, actor=actor)
    promise_record(customer=bakery, invoices=[found["F-5"]], promised_on=day + timedelta(5),
                   amount=D("75.00"), day=day, actor=actor)  # fmt: skip
    return found


def listing(client, organisation, **params):
    response = client.get(url("invoices", organisation), params)
    assert response.status_code == 200
    return numbers_in(response.content.decode())


def test_each_filter_narrows_the_list(collector, organisation, book):
    day = today(organisation)
    assert listing(collector, organisation) == ["F-3", "F-6", "F-5", "F-4", "F-1", "F-2"]
    assert listing(collector, organisation, sort="due") == ["F-2", "F-1", "F-4", "F-5", "F-6",
                                                            "F-3"]  # fmt: skip
    assert listing(collector, organisation, sort="-amount") == ["F-6", "F-1", "F-4", "F-3",
                                                                "F-2", "F-5"]  # fmt: skip
    assert set(listing(collector, organisation, status="open")) == {"F-1", "F-3", "F-4", "F-5",
                                                                    "F-6"}  # fmt: skip
    assert listing(collector, organisation, status="overdue", sort="due") == ["F-1", "F-4", "F-5",
                                                                              "F-6"]  # fmt: skip
    assert listing(collector, organisation, status="paid") == ["F-2"]
    assert listing(collector, organisation, status="disputed") == ["F-4"]
    assert listing(collector, organisation, status="promised") == ["F-5"]
    assert listing(collector, organisation, customer="boul", sort="due") == ["F-4", "F-5", "F-3"]
    assert listing(collector, organisation, customer="K1", status="open") == ["F-6", "F-1"]
    assert listing(collector, organisation, currency="USD") == ["F-6"]
    assert listing(collector, organisation, amount_min="100", amount_max="450",
                   sort="amount") == ["F-2", "F-3", "F-4"]  # fmt: skip
    since = (day - timedelta(6)).isoformat()
    until = (day + timedelta(1)).strftime("%d/%m/%Y")
    assert listing(collector, organisation, due_from=since, due_to=until) == ["F-6", "F-5", "F-4"]
    page = collector.get(url("invoices", organisation), {"amount_min": "abc"}).content.decode()
    assert "Montant illisible « abc »" in page  # shown in error, the other filters still apply


def test_the_list_shows_status_and_what_is_left(collector, organisation, book):
    page = collector.get(url("invoices", organisation), {"status": "open"}).content.decode()
    assert "En litige" in page and "Promesse" in page and "Échue" in page and "À échoir" in page
    assert "900,00" in page


def test_the_list_pages_without_counting(collector, organisation, actor):
    owner = customer(organisation, actor, "K1", "Garage Martin")
    day = today(organisation)
    for n in range(51):
        invoice(organisation, actor, owner, f"G-{n:02d}", amount="10.00", due=day + timedelta(n))
    first = collector.get(url("invoices", organisation)).content.decode()
    assert 'rel="next"' in first and len(numbers_in(first)) == 50
    second = collector.get(url("invoices", organisation), {"page": "2"}).content.decode()
    assert numbers_in(second) == ["G-00"] and 'rel="prev"' in second


@pytest.fixture
def part_paid(organisation, actor):
    """900 € due 70 days ago, 300 € paid 20 days after, an avoir of 100 €, two instalments."""
    day = today(organisation)
    owner = customer(organisation, actor, "K1", "Garage Martin")
    due = day - timedelta(70)
    found = invoice_create(
        organisation=organisation, customer=owner, number="F-9", issue_date=due - timedelta(30),
        instalments=[(due, D("900.00")), (day + timedelta(20), D("100.00"))],
        amount_incl_tax=D("1000.00"), actor=actor,
    )  # fmt: skip
    payment_record(organisation=organisation, customer=owner, reference="VIR-9",
                   date=due + timedelta(20), amount=D("300.00"), invoice=found,
                   actor=actor)  # fmt: skip
    credit_note_create(organisation=organisation, customer=owner, number="AV-1",
                       issue_date=due + timedelta(30), amount=D("100.00"), invoice=found,
                       actor=actor)  # fmt: skip
    return found


def test_the_page_explains_the_penalties_like_the_formal_notice(collector, organisation, part_paid):
    day = today(organisation)
    due = day - timedelta(70)
    page = collector.get(url("invoice", organisation, invoice=part_paid.uuid)).content.decode()
    assert "VIR-9" in page and "AV-1" in page and "600,00" in page  # left on instalment 1
    try:
        expected = explain(
            compute_penalties(
                regime="FR-B2B", amount=Decimal("900.00"), due_date=due, until=day,
                payments=[(due + timedelta(20), D("300.00")), (due + timedelta(30),
                                                                D("100.00"))],
                tables=load_rate_tables(),
            )
        )  # fmt: skip
    except RateNotFoundError as exc:  # the shipped tables end before today
        assert escape(str(exc)) in page
        return
    section = page[page.index('id="penalties"') :]
    shown = re.findall(r"<li>([^<]+)</li>", section[: section.index("</section>")])
    # The same lines as the formal notice's (the page groups digits with no-break spaces).
    shown = [line.replace("\xa0", " ").replace("\u202f", " ") for line in shown]
    assert shown[: len(expected)] == [escape(line) for line in expected]
    assert "Indemnité forfaitaire : 40,00 €" in expected
    assert "Échéance 2" not in section  # not due yet: no penalties


def test_a_missing_rate_is_explained_not_an_error(collector, organisation, actor):
    owner = customer(organisation, actor, "K1", "Garage Martin")
    old = invoice(organisation, actor, owner, "F-OLD", amount="100.00", due=date(2014, 6, 30))
    response = collector.get(url("invoice", organisation, invoice=old.uuid))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Calcul impossible" in page and "aucun taux en vigueur le 2014-07-01" in page


def _skips(organisation, owner, day):
    plan = day_plan(organisation, day=day)
    return (
        [m for m in plan.messages if m.customer_id == owner.pk],
        [s.reason for s in plan.skipped if s.customer_ref == owner.external_ref],
    )


def test_a_dispute_stops_reminders_of_the_invoice_until_closed(collector, organisation, actor):
    day = today(organisation)
    owner = customer(organisation, actor, "K1", "Garage Martin")
    found = invoice(organisation, actor, owner, "F-1", amount="900.00", due=day - timedelta(20))
    later = working_day(day + timedelta(7))
    assert _skips(organisation, owner, later)[0]
    response = collector.post(url("invoice_dispute", organisation, invoice=found.uuid),
                              {"reason": "Marchandise abîmée", "category": "quality"})  # fmt: skip
    assert response.status_code == 302
    assert _skips(organisation, owner, later) == ([], ["dispute"])
    dispute = Dispute.objects.get()
    page = collector.get(url("invoice", organisation, invoice=found.uuid)).content.decode()
    assert "Marchandise abîmée" in page and "Clore le litige" in page
    again = collector.post(url("invoice_dispute", organisation, invoice=found.uuid),
                           {"reason": "Encore", "category": "other"}, follow=True)  # fmt: skip
    assert "déjà en litige" in again.content.decode()
    closed = collector.post(
        url("invoice_dispute_close", organisation, invoice=found.uuid, dispute=dispute.uuid),
        {"outcome": "rejected", "note": "Avoir refusé"},
    )
    assert closed.status_code == 302
    assert _skips(organisation, owner, later)[0]
    assert list(
        AuditEvent.objects.filter(entity_id=str(found.uuid)).values_list("action", flat=True)
    )[-2:] == ["dispute_open", "dispute_close"]


def test_a_promise_is_checked_then_recorded(collector, organisation, actor):
    day = today(organisation)
    owner = customer(organisation, actor, "K1", "Garage Martin")
    found = invoice(organisation, actor, owner, "F-1", amount="900.00", due=day - timedelta(20))
    target = url("invoice_promise", organisation, invoice=found.uuid)
    for data, error in (
        ({"promised_on": (day - timedelta(1)).isoformat(), "amount": "100"}, "déjà passée"),
        ({"promised_on": day.isoformat(), "amount": "0"}, "doit être positif"),
        ({"promised_on": day.isoformat(), "amount": "900.01"}, "dépasse le reste dû"),
        ({"promised_on": "demain", "amount": "10"}, "Saisissez une date valide"),
    ):
        response = collector.post(target, data)
        assert response.status_code == 200 and error in response.content.decode(), error
    assert not Promise.objects.exists()
    response = collector.post(target, {"promised_on": (day + timedelta(10)).isoformat(),
                                       "amount": "900.00"})  # fmt: skip
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert (promise.amount, list(promise.invoices.all())) == (D("900.00"), [found])
    assert AuditEvent.objects.filter(action="promise_record").count() == 1
    assert _skips(organisation, owner, working_day(day + timedelta(3))) == ([], ["promise"])


def test_a_payment_plan_must_add_up_to_what_is_owed(collector, organisation, actor):
    day = today(organisation)
    owner = customer(organisation, actor, "K1", "Garage Martin")
    found = invoice(organisation, actor, owner, "F-1", amount="1000.00", due=day - timedelta(20))
    target = url("invoice_plan", organisation, invoice=found.uuid)
    first, second = day + timedelta(10), day + timedelta(40)
    short = collector.post(target, {"mode": "lines", "lines": (
        f"{first:%d/%m/%Y} ; 400,00\n{second:%d/%m/%Y} ; 500,00")})  # fmt: skip
    assert short.status_code == 200
    assert "doivent faire le reste dû" in short.content.decode()
    unreadable = collector.post(target, {"mode": "lines", "lines": "bientôt ; cent"})
    assert "ligne 1 illisible" in unreadable.content.decode()
    missing = collector.post(target, {"mode": "regular", "frequency": "monthly"})
    assert escape("Indiquez le nombre d'échéances") in missing.content.decode()
    assert not PaymentPlan.objects.exists()

    response = collector.post(target, {"mode": "regular", "count": "3", "frequency": "monthly",
                                       "first_date": first.isoformat()})  # fmt: skip
    assert response.status_code == 302
    plan = PaymentPlan.objects.get()
    parts = [(p.due_date, p.amount) for p in plan.instalments.all()]
    assert [amount for _, amount in parts] == [D("333.33"), D("333.33"), D("333.34")]
    assert parts[0][0] == first and parts[1][0].month != first.month
    assert AuditEvent.objects.filter(action="payment_plan_create").count() == 1
    assert _skips(organisation, owner, working_day(day + timedelta(3))) == ([], ["payment_plan"])


def test_explicit_plan_lines_are_accepted_when_they_add_up(collector, organisation, actor):
    day = today(organisation)
    owner = customer(organisation, actor, "K1", "Garage Martin")
    found = invoice(organisation, actor, owner, "F-1", amount="1000.00", due=day - timedelta(20))
    first, second = day + timedelta(10), day + timedelta(40)
    lines = f"{first:%d/%m/%Y} ; 400,00\n{second.isoformat()} 600"
    response = collector.post(
        url("invoice_plan", organisation, invoice=found.uuid), {"mode": "lines", "lines": lines}
    )
    assert response.status_code == 302
    plan = PaymentPlan.objects.get()
    assert [(p.due_date, p.amount) for p in plan.instalments.all()] == [
        (first, D("400.00")), (second, D("600.00"))
    ]  # fmt: skip


def test_a_note_on_an_invoice_shows_there_and_in_the_customer_history(
    collector, organisation, actor
):
    owner = customer(organisation, actor, "K1", "Garage Martin")
    found = invoice(organisation, actor, owner, "F-1", amount="10.00", due=today(organisation))
    response = collector.post(url("invoice_note", organisation, invoice=found.uuid),
                              {"text": "Bon de commande demandé"})  # fmt: skip
    assert response.status_code == 302
    assert Note.objects.get().invoice == found
    assert "Bon de commande demandé" in collector.get(
        url("invoice", organisation, invoice=found.uuid)).content.decode()  # fmt: skip
    history = collector.get(url("customer", organisation, customer=owner.uuid),
                            {"tab": "timeline"}).content.decode()  # fmt: skip
    assert "Note sur la facture F-1" in history


def test_a_viewer_sees_no_action_and_cannot_post(viewer, organisation, actor):
    day = today(organisation)
    owner = customer(organisation, actor, "K1", "Garage Martin")
    found = invoice(organisation, actor, owner, "F-1", amount="900.00", due=day - timedelta(20))
    dispute = dispute_open(invoice=found, reason="Prix", day=day, actor=actor)
    page = viewer.get(url("invoice", organisation, invoice=found.uuid)).content.decode()
    assert "Clore le litige" not in page and "Enregistrer la promesse" not in page
    assert "Accorder l'échéancier" not in page and "Ajouter la note" not in page
    for name, kwargs in (("invoice_dispute", {}), ("invoice_promise", {}), ("invoice_plan", {}),
                         ("invoice_note", {}),
                         ("invoice_dispute_close", {"dispute": dispute.uuid})):  # fmt: skip
        response = viewer.post(url(name, organisation, invoice=found.uuid, **kwargs),
                               {"reason": "x", "text": "x"})  # fmt: skip
        assert response.status_code == 403, name
    assert Dispute.objects.get().closed_on is None and not Note.objects.exists()


def test_another_organisations_invoice_is_not_found(
    collector, organisation, other_organisation, actor
):
    theirs_owner = customer(other_organisation, actor, "B1", "Brasserie")
    theirs = invoice(other_organisation, actor, theirs_owner, "B-1", amount="10.00",
                     due=today(other_organisation))  # fmt: skip
    their_dispute = dispute_open(invoice=theirs, reason="x", day=today(other_organisation),
                                 actor=actor)  # fmt: skip
    owner = customer(organisation, actor, "K1", "Garage Martin")
    ours = invoice(organisation, actor, owner, "F-1", amount="10.00", due=today(organisation))
    assert collector.get(url("invoice", organisation, invoice=theirs.uuid)).status_code == 404
    for name in ("invoice_dispute", "invoice_promise", "invoice_plan", "invoice_note"):
        response = collector.post(url(name, organisation, invoice=theirs.uuid), {"reason": "x"})
        assert response.status_code == 404, name
    close = url("invoice_dispute_close", organisation, invoice=ours.uuid,
                dispute=their_dispute.uuid)  # fmt: skip
    assert collector.post(close, {}).status_code == 404
    assert "B-1" not in collector.get(url("invoices", organisation)).content.decode()


def test_the_invoice_page_shows_its_own_payment_reference(collector, organisation, actor):
    owner = customer(organisation, actor, "K9", "Garage Martin")
    found = invoice(organisation, actor, owner, "F-9", amount="90.00", due=today(organisation))
    page = collector.get(url("invoice", organisation, invoice=found.uuid)).content.decode()
    assert "payment-reference" not in page
    found.payment_reference = "RF18539007547034"
    found.save(update_fields=["payment_reference"])
    page = collector.get(url("invoice", organisation, invoice=found.uuid)).content.decode()
    assert '<span id="payment-reference">RF18539007547034</span>' in page


def test_the_penalties_are_explained_in_the_readers_language(collector, organisation, part_paid):
    from relance.accounts.models import User

    User.objects.filter(email=f"collector@{organisation.slug}.example").update(language="en")
    page = collector.get(url("invoice", organisation, invoice=part_paid.uuid)).content.decode()
    section = page[page.index('id="penalties"') :]
    section = section[: section.index("</section>")]
    assert "Late payment interest:" in section or "Cannot calculate" in section
    assert "Intérêts de retard" not in section and "Indemnité forfaitaire" not in section
    assert "Régime :" not in section and "France, entre professionnels" not in section
