"""A collector's morning in a real browser: preview, edit and send; a call and its outcome."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from relance.dunning.models import Promise
from relance.dunning.run import day_plan
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.dunning.todo_helpers import make_todo

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def todo(organisation):
    todo = make_todo(organisation)
    todo.collector.set_password(PASSWORD)
    todo.collector.save()
    return todo


def test_preview_edit_and_send_a_reminder_that_reaches_the_smtp_server(
    page, todo, organisation, smtp_server
):
    sign_in(page, todo.collector.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="À faire").click()
    page.wait_for_url(f"**/o/{organisation.slug}/todo/")
    assert page.get_by_text("Boulangerie Lefèvre SARL").first.is_visible()
    screenshot(page, "todo")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Ouvrir la tâche de Boulangerie Lefèvre SARL").click()
    preview = page.frame_locator("#preview iframe")
    assert preview.get_by_text("F-A1").first.is_visible()
    page.get_by_label("Objet").fill("Boulangerie Lefèvre : votre facture F-A1")
    # the preview follows the edit without a reload (htmx)
    page.locator("#preview").get_by_text("Boulangerie Lefèvre : votre facture F-A1").wait_for()
    screenshot(page, "todo-message")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.wait_for_url(f"**/o/{organisation.slug}/todo/")
    page.get_by_role("status").wait_for()
    assert [str(mail["Subject"]) for mail in smtp_server.messages] == [
        "Boulangerie Lefèvre : votre facture F-A1"
    ]
    assert smtp_server.messages[0]["To"] == "compta@lefevre.example"
    assert page.get_by_role("link", name="Ouvrir la tâche de Boulangerie Lefèvre SARL").count() == 0


def test_a_call_outcome_changes_the_plan(page, todo, organisation):
    tomorrow = date.today() + timedelta(days=1)
    ref = todo.call.customer.external_ref

    def why_left_out() -> set[str]:
        plan = day_plan(organisation, day=tomorrow)
        assert todo.call.customer_id not in {m.customer_id for m in plan.messages}
        return {skip.reason for skip in plan.skipped if skip.customer_ref == ref}

    assert why_left_out() == {"in_progress"}  # the call waits on the to-do

    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/todo/")
    page.get_by_role("link", name="Ouvrir la tâche de Garage Martin").click()
    page.get_by_role("combobox", name="Résultat de l'appel").select_option("promise")
    promised_on = date.today() + timedelta(days=10)
    page.get_by_label("Paiement promis pour le").fill(promised_on.isoformat())
    page.get_by_label("Montant promis").fill("5000")
    screenshot(page, "todo-call")
    page.get_by_role("button", name="Enregistrer le résultat").click()
    page.get_by_role("status").wait_for()

    promise = Promise.objects.get(customer=todo.call.customer)
    assert promise.promised_on == promised_on and promise.amount == Decimal("5000.00")
    assert why_left_out() == {"promise"}  # the call is done; the promise now holds the plan
    page.goto(f"/o/{organisation.slug}/todo/")
    assert page.get_by_role("link", name="Ouvrir la tâche de Garage Martin").count() == 0
