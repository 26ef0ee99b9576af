"""A segment chosen by hand on the customer's page, in a real browser: it stays through the
nightly recompute, and the page says who chose it and what the rules would give. A contact
whose number said STOP is marked as such."""

from __future__ import annotations

import pytest

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.channels.sms.service import sms_opt_out_record
from relance.dunning.models import CustomerDunning
from relance.dunning.segments import segments_ensure_defaults, segments_recompute
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.dunning.todo_helpers import make_todo

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_segment_chosen_by_hand_stays_after_the_recompute(page, organisation):
    todo = make_todo(organisation)
    todo.collector.set_password(PASSWORD)
    todo.collector.save()
    customer = todo.email.customer
    segments_ensure_defaults(organisation)
    today = local_day(organisation)
    segments_recompute(organisation=organisation, as_of=today, actor=Actor.system("test"))
    by_rules = CustomerDunning.objects.get(customer=customer).segment
    assert by_rules != "vip"

    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/customers/{customer.uuid}/?tab=dunning")
    card = page.get_by_role("region", name="Segment", exact=True)
    card.get_by_label("Segment du client").select_option(label="Client privilégié")
    card.get_by_role("button", name="Changer de segment").click()
    page.get_by_role("status").get_by_text("Le segment du client est choisi à la main.").wait_for()
    card = page.get_by_role("region", name="Segment", exact=True)
    card.get_by_text("choisi à la main", exact=True).wait_for()
    assert f"le {today:%d/%m/%Y}" in card.inner_text()
    assert "Les règles le placeraient aujourd'hui dans" in card.inner_text()
    screenshot(page, "customer-segment-manual")
    assert axe_violations(page) == []

    # The nightly recompute, as `relance run-day` calls it: the choice is left alone.
    segments_recompute(organisation=organisation, as_of=today, actor=Actor.system("run-day"))
    assert CustomerDunning.objects.get(customer=customer).segment == "vip"
    page.reload()
    head = page.get_by_role("region", name="Situation du client")
    assert "Client privilégié" in head.inner_text()
    card = page.get_by_role("region", name="Segment", exact=True)
    assert (
        card.get_by_label("Segment du client").evaluate(
            "select => select.options[select.selectedIndex].text"
        )
        == "Client privilégié"
    )

    sms_opt_out_record(organisation=organisation, phone="+33612345678", source="sms",
                       actor=Actor.system("SMS entrant"))  # fmt: skip
    page.goto(f"/o/{organisation.slug}/customers/{customer.uuid}/?tab=contacts")
    page.get_by_text("STOP SMS").wait_for()
    assert axe_violations(page) == []
