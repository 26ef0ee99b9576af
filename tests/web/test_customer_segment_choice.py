"""Choosing a customer's segment by hand from their page, and giving it back to the rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from relance.accounts.models import AuditEvent
from relance.dunning.models import CustomerDunning, Segment
from relance.dunning.segments import segments_ensure_defaults, segments_recompute
from tests.web.ledger_data import customer, invoice, today


def url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def late_garage(organisation, actor):
    """One invoice unpaid 60 days after its due date: 100 % of its items late, so the default
    rules (late items above 30 %) make it a bad payer."""
    segments_ensure_defaults(organisation)
    garage = customer(organisation, actor, "K1", "Garage Martin")
    invoice(organisation, actor, garage, "F-1", amount="900.00",
            due=today(organisation) - timedelta(days=60))  # fmt: skip
    segments_recompute(organisation=organisation, as_of=today(organisation), actor=actor)
    return garage


def dunning_of(garage):
    row = CustomerDunning.objects.get(customer=garage)
    return row.segment, row.segment_is_manual


def test_a_segment_chosen_by_hand_stays_through_the_recompute(
    collector, organisation, actor, late_garage
):
    assert dunning_of(late_garage) == ("bad_payer", False)
    vip = Segment.objects.get(organisation=organisation, key="vip")
    target = url("customer_segment", organisation, customer=late_garage.uuid)
    response = collector.post(target, {"segment": str(vip.uuid), "tab": "dunning"}, follow=True)
    page = response.content.decode()
    assert "Le segment du client est choisi à la main." in page
    assert dunning_of(late_garage) == ("vip", True)
    event = AuditEvent.objects.get(action="customer_segment_manual")
    assert (event.actor.email, event.before, event.after) == (
        "collector@atelier.example",
        {"segment": "bad_payer", "manual": False},
        {"segment": "vip", "manual": True},
    )
    day = today(organisation).strftime("%d/%m/%Y")
    assert escape(f"Choisi à la main par collector@atelier.example le {day}.") in page
    assert "Les règles le placeraient aujourd'hui dans « Mauvais payeur »." in page

    segments_recompute(organisation=organisation, as_of=today(organisation), actor=actor)
    assert dunning_of(late_garage) == ("vip", True)
    history = collector.get(
        url("customer", organisation, customer=late_garage.uuid) + "?tab=timeline"
    ).content.decode()
    assert "Segment : Mauvais payeur → Client privilégié" in history
    assert "Segment choisi à la main" in history


def test_automatic_gives_the_customer_back_to_the_rules_at_once(
    collector, organisation, late_garage
):
    vip = Segment.objects.get(organisation=organisation, key="vip")
    target = url("customer_segment", organisation, customer=late_garage.uuid)
    collector.post(target, {"segment": str(vip.uuid)})
    response = collector.post(target, {"segment": "automatic"}, follow=True)
    assert "Le segment du client est rendu aux règles." in response.content.decode()
    assert dunning_of(late_garage) == ("bad_payer", False)
    explanation = CustomerDunning.objects.get(customer=late_garage).segment_explanation
    assert (explanation["segment"], explanation["manual"]) == ("bad_payer", False)
    assert explanation["as_of"] == today(organisation).isoformat()
    event = AuditEvent.objects.get(action="customer_segment_automatic")
    assert (event.before, event.after) == ({"segment": "vip", "manual": True},
                                           {"segment": "bad_payer", "manual": False})  # fmt: skip
    # Asking again for what is already so records nothing.
    collector.post(target, {"segment": "automatic"})
    assert AuditEvent.objects.filter(action="customer_segment_automatic").count() == 1


def test_another_organisations_segment_is_refused_and_nothing_changes(
    collector, organisation, other_organisation, late_garage
):
    segments_ensure_defaults(other_organisation)
    theirs = Segment.objects.get(organisation=other_organisation, key="vip")
    for value in (str(theirs.uuid), "not-a-segment", ""):
        response = collector.post(
            url("customer_segment", organisation, customer=late_garage.uuid), {"segment": value}
        )
        assert response.status_code == 200  # the page again, with the form's error
        page = response.content.decode()
        assert 'aria-invalid="true"' in page or "errorlist" in page
        assert dunning_of(late_garage) == ("bad_payer", False)
    assert not AuditEvent.objects.filter(action__startswith="customer_segment_").exists()


def test_a_viewer_sees_the_segment_but_cannot_choose_it(viewer, organisation, late_garage):
    vip = Segment.objects.get(organisation=organisation, key="vip")
    page = viewer.get(url("customer", organisation, customer=late_garage.uuid) + "?tab=dunning")
    assert "Mauvais payeur" in page.content.decode()
    assert "Changer de segment" not in page.content.decode()
    response = viewer.post(url("customer_segment", organisation, customer=late_garage.uuid),
                           {"segment": str(vip.uuid)})  # fmt: skip
    assert response.status_code == 403
    assert dunning_of(late_garage) == ("bad_payer", False)
