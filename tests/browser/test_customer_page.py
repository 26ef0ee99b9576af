"""The customer page and forgiving actions in a real browser, on a wide and a phone screen:
a bounced address fixed and the message sent again to a local SMTP server, a pause until a
date, a dispute opened and resolved, a deleted scenario step put back. The page updates in
place (no reload) and axe-core finds no accessibility problem."""

from __future__ import annotations

from datetime import timedelta

import pytest

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.channels.email.tracking import inbound_message
from relance.channels.manual import todo_send_email
from relance.channels.models import OutboundMessage
from relance.dunning.models import CustomerDunning, Dispute, DisputeAttachment, Scenario
from relance.ledger.models import Contact
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.channels.test_tracking import dsn_for
from tests.dunning.todo_helpers import RUN_DAY, make_todo

PASSWORD = "un mot de passe solide"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WIDTHS = {"wide": (1440, 900), "phone": (390, 844)}
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=list(WIDTHS))
def screen(request, page):
    width, height = WIDTHS[request.param]
    page.set_viewport_size({"width": width, "height": height})
    return request.param


@pytest.fixture
def todo(organisation):
    todo = make_todo(organisation)
    todo.collector.set_password(PASSWORD)
    todo.collector.save()
    return todo


def shot(page, screen: str, name: str) -> None:
    if screen == "wide":  # the guide shows the wide screen
        screenshot(page, name)


def no_reload_since_marked(page) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def customer_url(organisation, customer, tab: str = "") -> str:
    url = f"/o/{organisation.slug}/customers/{customer.uuid}/"
    return f"{url}?tab={tab}" if tab else url


def test_fix_a_bounced_address_and_send_again(page, screen, todo, organisation, smtp_server):
    todo_send_email(reminder=todo.email, today=RUN_DAY, actor=Actor(user=todo.collector),
                    fingerprint=None)  # fmt: skip
    message = OutboundMessage.objects.get(reminder=todo.email)
    assert inbound_message(dsn_for(message, status="5.1.1")).kind == "bounced"
    sent_before = len(smtp_server.messages)

    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/todo/{todo.email.uuid}/")
    bounce = page.get_by_role("region", name="Message non distribué")
    bounce.get_by_text("L'adresse n'existe pas chez le destinataire").wait_for()
    assert page.get_by_text("Envoi précédent").count() == 0
    shot(page, screen, "todo-bounce")
    assert axe_violations(page) == []

    bounce.get_by_label("Adresse corrigée").fill("comptabilite@lefevre.example")
    bounce.get_by_role("button", name="Corriger et renvoyer").click()
    page.wait_for_url(f"**/o/{organisation.slug}/todo/")
    page.get_by_text("Relance envoyée à Boulangerie Lefèvre SARL").wait_for()
    assert len(smtp_server.messages) == sent_before + 1
    assert smtp_server.messages[-1]["To"] == "comptabilite@lefevre.example"
    contact = Contact.objects.get(customer=todo.email.customer, is_primary=True)
    assert contact.email == "comptabilite@lefevre.example" and contact.bounced_at is None


def test_the_page_fits_and_a_pause_until_a_date_updates_it_in_place(
    page, screen, todo, organisation
):
    customer = todo.email.customer
    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(customer_url(organisation, customer))
    head = page.get_by_role("region", name="Situation du client")
    head.get_by_text("Prochaine relance").wait_for()
    # The reminder waiting on the to-do, by its label, not its key.
    assert "Première relance · E-mail" in head.inner_text()
    assert "reminder_1" not in head.inner_text() and "standard" not in head.inner_text()
    if screen == "wide":
        # The essentials and the first invoices above the fold of a 1440×900 screen.
        box = page.get_by_role("link", name="F-A1").bounding_box()
        assert box is not None and box["y"] + box["height"] < 900
    shot(page, screen, "customer-page")
    assert axe_violations(page) == []

    page.get_by_role("navigation", name="Sections de la fiche client").get_by_role(
        "link", name="Contacts et adresse"
    ).click()
    page.get_by_role("link", name="compta@lefevre.example").wait_for()
    assert page.get_by_role("link", name="+33612345678").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Relances", exact=True).click()
    page.get_by_label("Raison de la suspension").wait_for()
    page.evaluate("window.__sameDocument = true")
    until = local_day(organisation) + timedelta(days=10)
    page.get_by_label("Raison de la suspension").fill("Congés du gérant")
    page.get_by_label("Jusqu'au (inclus)").fill(until.isoformat())
    page.get_by_role("button", name="Suspendre les relances").click()
    shown = until.strftime("%d/%m/%Y")
    page.get_by_role("status").get_by_text(f"suspendues jusqu'au {shown} inclus").wait_for()
    assert no_reload_since_marked(page)
    assert page.get_by_text(f"Suspendues jusqu'au {shown}").first.is_visible()
    dunning = CustomerDunning.objects.get(customer=customer)
    assert dunning.paused and dunning.paused_until == until
    shot(page, screen, "customer-pause")
    assert axe_violations(page) == []


def test_open_a_dispute_on_chosen_invoices_then_resolve_it(
    page, screen, todo, organisation, tmp_path
):
    customer = todo.email.customer
    delivery_note = tmp_path / "bon de livraison.pdf"
    delivery_note.write_bytes(PDF)
    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(customer_url(organisation, customer))
    page.get_by_role("link", name="Ouvrir un litige").first.click()
    form = page.get_by_role("region", name="Ouvrir un litige")
    form.get_by_label("F-A1").check()
    form.get_by_label("Catégorie").select_option("not_received")
    form.get_by_label("Motif").fill("Livraison du 2 février jamais reçue")
    form.get_by_label("À régler pour le").fill((local_day(organisation) + timedelta(7)).isoformat())
    form.get_by_label("Pièce jointe").set_input_files(str(delivery_note))
    shot(page, screen, "customer-dispute")
    assert axe_violations(page) == []
    page.evaluate("window.__sameDocument = true")
    form.get_by_role("button", name="Ouvrir le litige").click()
    page.get_by_role("status").get_by_text("Litige ouvert sur F-A1").wait_for()
    assert no_reload_since_marked(page)
    dispute = Dispute.objects.get(invoice__number="F-A1")
    assert (dispute.category, dispute.owner) == ("not_received", todo.collector)
    assert DisputeAttachment.objects.get(dispute=dispute).name == "bon de livraison.pdf"
    assert page.get_by_role("link", name="bon de livraison.pdf").is_visible()
    assert axe_violations(page) == []

    page.get_by_text("Résoudre le litige sur F-A1").click()
    page.get_by_label("Issue").select_option("credit_note")
    page.get_by_label("Note de résolution").fill("Avoir A-12 émis")
    page.get_by_role("button", name="Résoudre", exact=True).click()
    page.get_by_role("status").get_by_text("Litige sur F-A1 résolu").wait_for()
    dispute.refresh_from_db()
    assert dispute.outcome == "credit_note" and dispute.closed_on is not None
    page.get_by_text("Avoir émis").wait_for()
    page.get_by_role("link", name="Historique et notes").click()
    page.get_by_text("Litige clos sur F-A1").wait_for()


def test_undo_a_deleted_scenario_step(page, screen, todo, organisation):
    standard = Scenario.objects.get(organisation=organisation, key="standard")
    keys = list(standard.steps.order_by("position").values_list("key", flat=True))
    todo.collector.memberships.update(role="admin")
    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/scenarios/{standard.uuid}/")
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("button", name="Supprimer l'étape Deuxième relance").click()
    offer = page.get_by_role("status").filter(has_text="Étape « Deuxième relance » supprimée.")
    offer.wait_for()
    assert "reminder_2" not in standard.steps.values_list("key", flat=True)
    shot(page, screen, "scenario-undo")
    assert axe_violations(page) == []
    offer.get_by_role("button", name="Annuler").click()
    page.get_by_text("Étape « Deuxième relance » rétablie.").wait_for()
    assert no_reload_since_marked(page)
    assert list(standard.steps.order_by("position").values_list("key", flat=True)) == keys
