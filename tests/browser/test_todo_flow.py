"""A collector's morning in a real browser: the to-do by customer, shortcuts from one customer
to the next, a bulk send that reaches the SMTP server, a message edited and sent, a call and
its outcome, a letter printed; at desktop width and on a phone, checked by axe-core."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from relance.channels.models import PostalDispatch
from relance.core.calendar import BusinessCalendar
from relance.dunning.models import Promise
from relance.dunning.run import day_plan
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.dunning.todo_helpers import make_todo

PASSWORD = "un mot de passe solide"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def todo(organisation):
    todo = make_todo(organisation)
    todo.collector.set_password(PASSWORD)
    todo.collector.save()
    return todo


def _rows(page):
    return page.locator(".todo-board tbody tr[data-row]")


def _fits(page, width: int) -> None:
    """Nothing is cut or pushes the page sideways at this width."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_morning_on_the_todo_by_customer(page, todo, organisation, smtp_server):
    page.set_viewport_size(DESKTOP)
    sign_in(page, todo.collector.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="À faire").click()
    page.wait_for_url(f"**/o/{organisation.slug}/todo/")
    # One row per customer, the largest overdue amount first; the name leads to the customer.
    names = [row.locator(".customer-cell > a").first.inner_text() for row in _rows(page).all()]
    assert names == ["Garage Martin", "Boulangerie Lefèvre SARL", "Pharmacie Petit",
                     "Menuiserie Roux"]  # fmt: skip
    link = _rows(page).first.get_by_role("link", name="Garage Martin", exact=True)
    assert f"/customers/{todo.call.customer.uuid}/" in (link.get_attribute("href") or "")
    why = _rows(page).first.locator(".why").inner_text()
    assert "jours de retard" in why and "Étape atteinte : Premier appel" in why
    assert "call_1" not in page.content().replace(str(todo.call.uuid), "")
    _fits(page, DESKTOP["width"])
    screenshot(page, "todo")
    assert axe_violations(page) == []

    # "?" lists the shortcuts; j then e opens the first customer; n goes to the next one.
    page.keyboard.press("?")
    help_box = page.get_by_role("dialog", name="Raccourcis clavier")
    help_box.wait_for()
    assert "Client suivant" in help_box.inner_text()
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("e")
    page.get_by_role("heading", level=1, name="Garage Martin").wait_for()
    page.keyboard.press("n")
    page.get_by_role("heading", level=1, name="Boulangerie Lefèvre SARL").wait_for()
    screenshot(page, "todo-customer")
    assert axe_violations(page) == []

    # Back on the list: tick two customers' e-mails and send them in one go, without a reload.
    page.get_by_role("link", name="← À faire").click()
    page.wait_for_url(f"**/o/{organisation.slug}/todo/")
    page.evaluate("window.sameDocument = true")
    page.get_by_label("Première relance — Boulangerie Lefèvre SARL").check()
    page.get_by_label("Première relance — Menuiserie Roux").check()
    page.get_by_role("button", name="Envoyer les e-mails et SMS cochés").click()
    page.get_by_text("2 relance(s) envoyée(s).").wait_for()
    assert page.evaluate("window.sameDocument === true")  # updated in place (htmx)
    assert sorted(mail["To"] for mail in smtp_server.messages) == [
        "compta@lefevre.example",
        "compta@roux.example",
    ]
    names = [row.locator(".customer-cell > a").first.inner_text() for row in _rows(page).all()]
    assert names == ["Garage Martin", "Pharmacie Petit"]


def test_the_todo_a_customer_and_a_task_on_a_phone(page, todo, organisation):
    page.set_viewport_size(PHONE)
    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/todo/")
    first = _rows(page).first
    box = first.bounding_box()
    assert box is not None and box["y"] < PHONE["height"]  # the first customer is in sight
    treat = first.get_by_role("link", name="Traiter le dossier de Garage Martin")
    button = treat.bounding_box()
    assert button is not None and button["x"] + button["width"] <= PHONE["width"]
    _fits(page, PHONE["width"])
    screenshot(page, "todo-phone")
    assert axe_violations(page) == []

    treat.click()
    page.get_by_role("heading", level=1, name="Garage Martin").wait_for()
    _fits(page, PHONE["width"])
    assert axe_violations(page) == []

    page.goto(f"/o/{organisation.slug}/todo/{todo.email.uuid}/")
    page.locator("#preview iframe").wait_for()
    _fits(page, PHONE["width"])
    frame = page.locator("#preview iframe").bounding_box()
    assert frame is not None and frame["x"] + frame["width"] <= PHONE["width"]
    assert axe_violations(page) == []


def test_preview_edit_and_send_a_reminder_that_reaches_the_smtp_server(
    page, todo, organisation, smtp_server
):
    page.set_viewport_size(DESKTOP)
    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/todo/customer/{todo.email.customer.uuid}/")
    page.get_by_role("link", name="Ouvrir Première relance de Boulangerie Lefèvre SARL").click()
    preview = page.frame_locator("#preview iframe")
    assert preview.get_by_text("F-A1").first.is_visible()
    # one total, and what it is made of: the invoice not yet due is listed, not claimed
    claim = page.get_by_role("region", name="Montant réclamé")
    assert "1 234,56" in claim.inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert "À échoir, non réclamé" in claim.inner_text()
    page.get_by_label("Objet").fill("Boulangerie Lefèvre : votre facture F-A1")
    # the preview follows the edit without a reload (htmx)
    page.locator("#preview").get_by_text("Boulangerie Lefèvre : votre facture F-A1").wait_for()
    _fits(page, DESKTOP["width"])
    screenshot(page, "todo-message")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Envoyer", exact=True).click()
    # done, next: the bakery has nothing left today; the next customer opens
    page.get_by_role("heading", level=1, name="Pharmacie Petit").wait_for()
    assert [str(mail["Subject"]) for mail in smtp_server.messages] == [
        "Boulangerie Lefèvre : votre facture F-A1"
    ]
    assert smtp_server.messages[0]["To"] == "compta@lefevre.example"


def test_printing_a_letter_updates_its_page_at_once(page, todo, organisation):
    page.set_viewport_size(DESKTOP)
    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/todo/{todo.formal.uuid}/")
    section = page.locator("#letter-post")
    assert "Pas encore imprimée." in section.inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Imprimer cette lettre").click()
    assert download.value.suggested_filename.endswith(".pdf")
    section.get_by_text("Imprimée le").wait_for()
    assert "Pas encore imprimée." not in section.inner_text()
    assert page.get_by_role("button", name="Marquer comme postée, suivant").is_visible()
    assert PostalDispatch.objects.filter(reminder=todo.formal).exists()


def test_a_call_outcome_changes_the_plan(page, todo, organisation):
    # The next run: the planner only runs (and explains what it leaves out) on business days.
    next_run = BusinessCalendar("FR", None).add_business_days(date.today(), 1)
    ref = todo.call.customer.external_ref

    def why_left_out() -> set[str]:
        plan = day_plan(organisation, day=next_run)
        assert todo.call.customer_id not in {m.customer_id for m in plan.messages}
        return {skip.reason for skip in plan.skipped if skip.customer_ref == ref}

    assert why_left_out() == {"in_progress"}  # the call waits on the to-do

    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/todo/")
    page.get_by_role("link", name="Ouvrir Premier appel de Garage Martin").click()
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
    assert page.get_by_role("link", name="Ouvrir Premier appel de Garage Martin").count() == 0
