"""The customer list and a customer's page: filters, history, and the changes made there."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from relance.accounts.models import AuditEvent, User
from relance.channels.compose import outbox_fill
from relance.channels.email.tracking import open_pixel_token, record_open
from relance.channels.models import OutboundMessage
from relance.core.text import text_of
from relance.dunning.calls import call_outcome_record
from relance.dunning.completion import reminders_complete
from relance.dunning.models import CustomerDunning, Scenario
from relance.dunning.run import day_plan
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.dunning.segments import segments_ensure_defaults, segments_recompute
from relance.dunning.services import customer_pause, customer_scenario_set, dispute_open
from relance.ledger.models import Contact, Note
from relance.ledger.services import customer_collector_set, note_add, payment_record
from relance.web.customers.selectors import CustomerFilters, CustomerList
from tests.web.ledger_data import (
    D,
    customer,
    invoice,
    reminders_of,
    run_days,
    today,
    working_day,
)


def url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def names_in(page: str) -> list[str]:
    """Customer names in the order the list shows them."""
    return re.findall(r'<a href="/o/[^/]+/customers/[^/]+/">([^<]+)</a>', page)


@pytest.fixture
def book(organisation, actor):
    """Three customers: one 45 days late, one 10 days late, one owing nothing."""
    scenarios_ensure_presets(organisation)
    segments_ensure_defaults(organisation)
    day = today(organisation)
    garage = customer(organisation, actor, "K1", "Garage Martin", siren="732829320")
    bakery = customer(organisation, actor, "K2", "Boulangerie Petit")
    florist = customer(organisation, actor, "K3", "Fleurs Durand")
    invoice(organisation, actor, garage, "F-1", amount="900.00", due=day - timedelta(45))
    invoice(organisation, actor, bakery, "F-2", amount="300.00", due=day - timedelta(10))
    return {"garage": garage, "bakery": bakery, "florist": florist}


def listing(client, organisation, **params):
    response = client.get(url("customers", organisation), params)
    assert response.status_code == 200
    return names_in(response.content.decode())


def test_the_list_is_sorted_by_overdue_amount_then_by_name(collector, organisation, book):
    assert listing(collector, organisation) == ["Garage Martin", "Boulangerie Petit",
                                                "Fleurs Durand"]  # fmt: skip
    assert listing(collector, organisation, sort="name") == [
        "Boulangerie Petit", "Fleurs Durand", "Garage Martin"
    ]  # fmt: skip
    page = collector.get(url("customers", organisation)).content.decode()
    assert "900,00" in page and "45" in page  # overdue amount, days late of the oldest item


def test_search_by_name_reference_siren_and_contact_email(collector, organisation, book):
    assert listing(collector, organisation, q="boul") == ["Boulangerie Petit"]
    assert listing(collector, organisation, q="K3") == ["Fleurs Durand"]
    assert listing(collector, organisation, q="732 829 320") == ["Garage Martin"]
    assert listing(collector, organisation, q="compta@k2.example") == ["Boulangerie Petit"]
    assert listing(collector, organisation, q="personne") == []


def test_each_filter_narrows_the_list(collector, organisation, actor, book):
    camille = User.objects.get(email="collector@atelier.example")
    customer_collector_set(customer=book["florist"], collector=camille, actor=actor)
    customer_pause(customer=book["garage"], reason="Redressement judiciaire", actor=actor)
    bad_payer = Scenario.objects.get(organisation=organisation, key="bad_payer")
    customer_scenario_set(customer=book["bakery"], scenario=bad_payer, actor=actor)
    CustomerDunning.objects.filter(customer=book["bakery"]).update(segment="vip")

    assert listing(collector, organisation, collector=str(camille.uuid)) == ["Fleurs Durand"]
    assert listing(collector, organisation, collector="none") == ["Garage Martin",
                                                                  "Boulangerie Petit"]  # fmt: skip
    assert listing(collector, organisation, paused="yes") == ["Garage Martin"]
    assert listing(collector, organisation, paused="no") == ["Boulangerie Petit",
                                                             "Fleurs Durand"]  # fmt: skip
    assert listing(collector, organisation, bucket="31_60") == ["Garage Martin"]
    assert listing(collector, organisation, bucket="1_30") == ["Boulangerie Petit"]
    assert listing(collector, organisation, bucket="over_90") == []
    assert listing(collector, organisation, segment="vip") == ["Boulangerie Petit"]
    assert listing(collector, organisation, scenario=str(bad_payer.uuid)) == ["Boulangerie Petit"]
    standard = Scenario.objects.get(organisation=organisation, key="standard")
    assert listing(collector, organisation, scenario=str(standard.uuid)) == [
        "Garage Martin", "Fleurs Durand"
    ]  # fmt: skip
    # The same filters when the list is read by name, or searched.
    assert listing(collector, organisation, sort="name", paused="no") == [
        "Boulangerie Petit", "Fleurs Durand"
    ]  # fmt: skip
    assert listing(collector, organisation, sort="name", segment="vip") == ["Boulangerie Petit"]
    assert listing(collector, organisation, q="g", scenario=str(standard.uuid)) == ["Garage Martin"]
    assert listing(collector, organisation, q="g", bucket="1_30") == []
    # A value that is not offered is ignored rather than failing the page.
    assert len(listing(collector, organisation, bucket="never", scenario="x")) == 3


def test_owing_customers_come_first_then_the_others_page_after_page(organisation, actor, book):
    more = customer(organisation, actor, "K4", "Atelier Bernard")
    invoice(organisation, actor, more, "F-4", amount="50.00", due=today(organisation))
    filters = CustomerFilters(currency="EUR")
    listing_ = CustomerList(organisation, filters, today(organisation))
    pages = [[c.name for c in listing_.fetch(offset, 2)] for offset in (0, 2, 4)]
    assert pages == [["Garage Martin", "Boulangerie Petit"], ["Atelier Bernard",
                     "Fleurs Durand"], []]  # fmt: skip


@pytest.fixture
def history(organisation, actor):
    """A customer with an invoice, a payment, e-mail reminders (one opened), a call with a
    promise, and a dispute, each on its own day."""
    day = today(organisation)
    due = day - timedelta(days=80)
    garage = customer(organisation, actor, "K1", "Garage Martin")
    first = invoice(organisation, actor, garage, "F-1", amount="900.00", due=due,
                    issued=due - timedelta(days=30))  # fmt: skip
    second = invoice(organisation, actor, garage, "F-2", amount="500.00", due=due,
                     issued=due - timedelta(days=20))  # fmt: skip
    run_days(organisation, actor, due + timedelta(1), due + timedelta(12))
    emailed = next(r for r in reminders_of(garage) if r.channel == "email")
    outbox_fill(organisation=organisation, day=emailed.run_date, actor=actor)
    record_open(open_pixel_token(OutboundMessage.objects.get(reminder=emailed)))
    reminders_complete(reminder_ids=[emailed.pk], on=emailed.run_date)  # it left that day
    payment_record(organisation=organisation, customer=garage, reference="VIR-1",
                   date=due + timedelta(14), amount=D("500.00"), invoice=second,
                   actor=actor)  # fmt: skip
    run_days(organisation, actor, due + timedelta(13), due + timedelta(30), send=True)
    call = next(r for r in reminders_of(garage) if r.channel == "call")
    call_outcome_record(reminder=call, outcome="promise", day=call.run_date, actor=actor,
                        promised_on=call.run_date + timedelta(5),
                        promised_amount=D("900.00"), notes="Virement annoncé")  # fmt: skip
    dispute_open(invoice=first, reason="Pièce manquante", day=call.run_date + timedelta(9),
                 actor=actor)  # fmt: skip
    segments_recompute(organisation=organisation, as_of=day, actor=actor)
    return garage


def test_the_page_shows_the_segment_and_its_explanation(collector, organisation, history):
    page = collector.get(url("customer", organisation, customer=history.uuid)).content.decode()
    explanation = CustomerDunning.objects.get(customer=history).segment_explanation
    assert explanation["reasons"]
    for reason in explanation["reasons"]:
        assert escape(str(text_of(reason))) in page
    assert "Échéances ouvertes" in page and "F-1" in page


def test_one_timeline_of_everything_newest_first(collector, organisation, history):
    response = collector.post(
        url("customer_note", organisation, customer=history.uuid),
        {"text": "Client rappelé, <b>attend</b> l'avoir"},
    )
    assert response.status_code == 302
    page = collector.get(url("customer", organisation, customer=history.uuid),
                         {"tab": "timeline"}).content.decode()  # fmt: skip
    timeline = page[page.index('id="timeline-events"') :]
    positions = {
        label: timeline.index(text)
        for label, text in {
            "note": "Client rappelé, &lt;b&gt;attend&lt;/b&gt;",
            "dispute": "Litige ouvert sur F-1",
            "call": "Appel : Promesse de paiement",
            "promise": "Promesse de paiement pour le",
            "payment": "Paiement reçu (réf. VIR-1)",
            "reminder": "Relance E-mail, étape « Première relance »",
            "invoice": "Facture F-1 émise",
        }.items()
    }
    assert positions["note"] < positions["dispute"] < positions["call"]
    assert positions["dispute"] < positions["promise"] < positions["payment"]
    assert positions["call"] < positions["payment"] < positions["reminder"] < positions["invoice"]
    reminder_line = timeline[positions["reminder"] : positions["reminder"] + 600]
    assert "Ouvert" in reminder_line and "En attente" in reminder_line  # delivery status
    assert "<b>attend" not in page  # what a user typed is escaped


def test_show_more_raises_the_limit(collector, organisation, actor):
    garage = customer(organisation, actor, "K1", "Garage Martin")
    for n in range(60):
        note_add(customer=garage, text=f"Note n° {n}", actor=actor)
    page_url = url("customer", organisation, customer=garage.uuid)
    page = collector.get(page_url, {"events": "1", "tab": "timeline"})
    assert page.context["timeline"].limit == 50  # never below a page
    html = page.content.decode()
    assert "Note n° 59" in html and "Note n° 9<" not in html
    assert f'href="{page_url}?events=100#timeline"' in html
    more = collector.get(page_url, {"events": "100"}, headers={"HX-Request": "true"})
    partial = more.content.decode()
    assert partial.lstrip().startswith('<div id="timeline-events">') and "<html" not in partial
    assert "Note n° 0<" in partial and "Afficher plus" not in partial


def _planned(organisation, owner, day):
    plan = day_plan(organisation, day=day)
    steps = [(m.step.key, m.step.mode) for m in plan.messages if m.customer_id == owner.pk]
    skips = [s.reason for s in plan.skipped if s.customer_ref == owner.external_ref]
    return steps, skips


def test_pause_then_resume_change_the_daily_plan(collector, organisation, actor):
    day = today(organisation)
    garage = customer(organisation, actor, "K1", "Garage Martin")
    invoice(organisation, actor, garage, "F-1", amount="900.00", due=day - timedelta(20))
    later = working_day(day + timedelta(days=7))
    assert _planned(organisation, garage, later)[0]

    refused = collector.post(url("customer_pause", organisation, customer=garage.uuid), {})
    assert refused.status_code == 200 and "Ce champ est obligatoire" in refused.content.decode()
    response = collector.post(
        url("customer_pause", organisation, customer=garage.uuid), {"reason": "Procédure"}
    )
    assert response.status_code == 302
    assert _planned(organisation, garage, later) == ([], ["paused"])
    page = collector.get(url("customer", organisation, customer=garage.uuid),
                         {"tab": "dunning"}).content.decode()  # fmt: skip
    assert "Relances suspendues" in page and "Procédure" in page

    assert (
        collector.post(url("customer_resume", organisation, customer=garage.uuid)).status_code
        == 302
    )
    assert _planned(organisation, garage, later)[0]
    actions = list(
        AuditEvent.objects.filter(entity_id=str(garage.uuid), action__startswith="customer_p")
        .values_list("action", "after__reason")
    )  # fmt: skip
    assert actions == [("customer_pause", "Procédure")]
    assert AuditEvent.objects.filter(entity_id=str(garage.uuid), action="customer_resume").exists()


def test_a_scenario_of_its_own_changes_the_daily_plan(collector, organisation, actor):
    day = today(organisation)
    garage = customer(organisation, actor, "K1", "Garage Martin")
    invoice(organisation, actor, garage, "F-1", amount="900.00", due=day - timedelta(20))
    later = working_day(day + timedelta(days=7))
    assert _planned(organisation, garage, later)[0] == [("reminder_1", "auto")]  # standard
    vip = Scenario.objects.get(organisation=organisation, key="vip")
    response = collector.post(
        url("customer_scenario", organisation, customer=garage.uuid), {"scenario": str(vip.uuid)}
    )
    assert response.status_code == 302
    assert CustomerDunning.objects.get(customer=garage).scenario == vip
    # The VIP scenario puts its first reminder on the to-do instead of sending it.
    assert _planned(organisation, garage, later)[0] == [("reminder_1", "manual")]
    collector.post(url("customer_scenario", organisation, customer=garage.uuid), {"scenario": ""})
    assert _planned(organisation, garage, later)[0] == [("reminder_1", "auto")]
    assert AuditEvent.objects.filter(action="customer_scenario").count() == 2
    page = collector.get(url("customer", organisation, customer=garage.uuid),
                         {"tab": "timeline"}).content.decode()  # fmt: skip
    assert "Scénario : VIP" in page  # the change is in the history, by its name


def test_collector_and_contacts_are_changed_through_services(collector, organisation, actor):
    garage = customer(organisation, actor, "K1", "Garage Martin")
    camille = User.objects.get(email="collector@atelier.example")
    response = collector.post(
        url("customer_collector", organisation, customer=garage.uuid),
        {"collector": str(camille.uuid)},
    )
    assert response.status_code == 302
    garage.refresh_from_db()
    assert garage.collector == camille
    assert AuditEvent.objects.filter(action="customer_collector").count() == 1

    bad = collector.post(
        url("customer_contact_add", organisation, customer=garage.uuid),
        {"name": "Paul", "phone": "0612", "role": "billing"},
    )
    assert bad.status_code == 200 and "format international" in bad.content.decode()
    added = collector.post(
        url("customer_contact_add", organisation, customer=garage.uuid),
        {"name": "Paul", "phone": "+33612345678", "role": "accounting", "is_primary": "on"},
    )
    assert added.status_code == 302
    paul = Contact.objects.get(name="Paul")
    assert paul.is_primary and not Contact.objects.get(email="compta@k1.example").is_primary
    edit = url("customer_contact_edit", organisation, customer=garage.uuid, contact=paul.uuid)
    assert "Paul" in collector.get(edit).content.decode()
    changed = collector.post(edit, {"name": "Paul Roux", "email": "paul@k1.example",
                                    "phone": "", "role": "accounting"})  # fmt: skip
    assert changed.status_code == 302
    paul.refresh_from_db()
    assert (paul.name, paul.email, paul.phone, paul.is_primary) == (
        "Paul Roux", "paul@k1.example", "", False
    )  # fmt: skip
    event = AuditEvent.objects.get(action="contact_update")
    assert event.before["name"] == "Paul" and event.after["name"] == "Paul Roux"


def test_a_note_is_recorded_with_its_author(collector, organisation, actor):
    garage = customer(organisation, actor, "K1", "Garage Martin")
    empty = collector.post(url("customer_note", organisation, customer=garage.uuid), {"text": " "})
    assert empty.status_code == 200 and not Note.objects.exists()
    collector.post(url("customer_note", organisation, customer=garage.uuid), {"text": "Vu"})
    note = Note.objects.get()
    assert (note.text, note.author.email, note.invoice) == ("Vu", "collector@atelier.example",
                                                            None)  # fmt: skip
    assert AuditEvent.objects.filter(action="note_add", entity_id=str(garage.uuid)).exists()


def test_a_viewer_reads_but_cannot_change(viewer, organisation, actor):
    garage = customer(organisation, actor, "K1", "Garage Martin")
    page = viewer.get(url("customer", organisation, customer=garage.uuid))
    assert page.status_code == 200
    assert '<form method="post" action="/o/' not in page.content.decode()
    contact = Contact.objects.get()
    for name, kwargs, data in (
        ("customer_pause", {}, {"reason": "x"}),
        ("customer_resume", {}, {}),
        ("customer_scenario", {}, {"scenario": ""}),
        ("customer_segment", {}, {"segment": "automatic"}),
        ("customer_collector", {}, {"collector": ""}),
        ("customer_contact_add", {}, {"email": "a@b.example", "role": "billing"}),
        ("customer_contact_edit", {"contact": contact.uuid},
         {"email": "a@b.example", "role": "billing"}),
        ("customer_note", {}, {"text": "x"}),
    ):  # fmt: skip
        response = viewer.post(url(name, organisation, customer=garage.uuid, **kwargs), data)
        assert response.status_code == 403, name
    assert not Note.objects.exists() and not CustomerDunning.objects.exists()


def test_another_organisations_customer_is_not_found(
    collector, organisation, other_organisation, actor
):
    theirs = customer(other_organisation, actor, "B1", "Brasserie")
    ours = customer(organisation, actor, "K1", "Garage Martin")
    their_contact = Contact.objects.get(customer=theirs)
    assert collector.get(url("customer", organisation, customer=theirs.uuid)).status_code == 404
    for name in ("customer_pause", "customer_note", "customer_contact_add"):
        response = collector.post(url(name, organisation, customer=theirs.uuid), {"text": "x"})
        assert response.status_code == 404
    edit = url("customer_contact_edit", organisation, customer=ours.uuid,
               contact=their_contact.uuid)  # fmt: skip
    assert collector.get(edit).status_code == 404
    assert "Brasserie" not in collector.get(url("customers", organisation)).content.decode()
    # The organisation in the URL must be one of the user's own.
    assert collector.get(url("customers", other_organisation)).status_code == 404


def test_reading_a_customer_writes_no_settings(collector, organisation, book):
    from relance.dunning.models import DunningSettings

    DunningSettings.objects.filter(organisation=organisation).delete()
    for target in book.values():  # the next reminder is planned with the default rules
        page = collector.get(url("customer", organisation, customer=target.uuid))
        assert page.status_code == 200
    assert not DunningSettings.objects.filter(organisation=organisation).exists()
