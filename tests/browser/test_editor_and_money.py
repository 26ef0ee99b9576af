"""In a real browser: what the collector types is what leaves; amounts typed the French way."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from relance.dunning.models import Promise
from relance.ledger.models import Invoice
from tests.browser.conftest import sign_in
from tests.dunning.todo_helpers import make_todo

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


@pytest.fixture
def todo(organisation):
    todo = make_todo(organisation)
    todo.collector.set_password(PASSWORD)
    todo.collector.save()
    return todo


def _preview_answered(page):
    return page.expect_response(lambda response: "/preview" in response.url)


def test_the_text_typed_while_the_preview_refreshes_is_exactly_what_leaves(
    page, todo, organisation, smtp_server
):
    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/todo/")
    page.get_by_role("link", name="Ouvrir Première relance de Boulangerie Lefèvre SARL").click()
    body, subject = page.locator("textarea[name=body]"), page.locator("input[name=subject]")
    page.evaluate("window.typedInto = document.querySelector('textarea[name=body]')")

    # A preview asked for while the text still follows the template (the invoices listed
    # change), and the collector starts typing before it answers.
    with _preview_answered(page):
        page.get_by_label("Factures citées").select_option("overdue")
        body.click()
        page.keyboard.press("Control+A")
        body.press_sequentially("Bonjour Madame Lefèvre,\n\n", delay=15)
    body.press_sequentially("Vous nous aviez promis un virement", delay=15)
    # The debounce fires, and the typing goes on while the preview is on its way.
    page.wait_for_timeout(450)
    body.press_sequentially(" pour la facture F-A1 ;", delay=40)
    subject.click()
    page.keyboard.press("Control+A")
    subject.press_sequentially("Facture F-A1 : le virement promis", delay=40)
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" nous ne l'avons pas reçu.\n\nCamille", delay=25)
    # Never replaced, still focused: the caret stayed where the collector typed.
    assert page.evaluate(
        "window.typedInto === document.querySelector('textarea[name=body]')"
        " && document.activeElement === window.typedInto"
    )
    typed = (
        "Bonjour Madame Lefèvre,\n\nVous nous aviez promis un virement pour la facture F-A1 ;"
        " nous ne l'avons pas reçu.\n\nCamille"
    )
    assert body.input_value() == typed
    # "Send" at once, before the preview has caught up with the last words.
    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.wait_for_url(f"**/o/{organisation.slug}/todo/customer/**")  # done, next customer
    status = page.get_by_role("status").inner_text()
    assert "Relance envoyée à Boulangerie Lefèvre SARL (compta@lefevre.example)." in status
    [mail] = smtp_server.messages
    assert str(mail["Subject"]) == "Facture F-A1 : le virement promis"
    text = mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text == typed + "\n"


def test_a_promise_typed_the_french_way_is_recorded_and_shown_so(page, todo, organisation):
    invoice = Invoice.objects.get(number="F-B1")  # Garage Martin, 5 000,00 owed
    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/invoices/{invoice.uuid}/")
    promised_on = date.today() + timedelta(days=10)
    form = page.locator("form", has=page.get_by_role("button", name="Enregistrer la promesse"))
    form.get_by_label("Date promise").fill(promised_on.isoformat())
    form.get_by_label("Montant promis").fill("5000,01")
    form.get_by_role("button", name="Enregistrer la promesse").click()
    assert "dépasse" in page.locator("main").inner_text()
    assert not Promise.objects.exists()
    form = page.locator("form", has=page.get_by_role("button", name="Enregistrer la promesse"))
    form.get_by_label("Date promise").fill(promised_on.isoformat())
    form.get_by_label("Montant promis").fill("3088,65")
    form.get_by_role("button", name="Enregistrer la promesse").click()
    page.get_by_role("status").wait_for()
    assert Promise.objects.get().amount == Decimal("3088.65")
    promises = page.locator(
        "section", has=page.get_by_role("heading", name="Promesses de paiement")
    )
    assert "3 088,65 € promis pour le" in promises.inner_text().translate(SPACES)
