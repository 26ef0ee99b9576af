"""In a real browser: a step with a new key gets its own template; its Dutch text is written by
inserting variables from the plain-word list, previewed for a real customer, and the test
sent to oneself arrives with exactly that text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.audit import Actor
from relance.accounts.services import user_create
from relance.channels.models import MessageTemplate, OutboundMessage
from relance.dunning.models import ScenarioStep
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.ledger.services import contact_add, customer_create, invoice_create
from tests.browser.conftest import axe_violations, screenshot, sign_in

PASSWORD = "un mot de passe solide"
EMAIL = "camille@atelier.example"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ledger(organisation):
    actor = Actor.system("test")
    user_create(email=EMAIL, organisation=organisation, role="collector", actor=actor,
                password=PASSWORD)  # fmt: skip
    scenarios_ensure_presets(organisation)
    dutch = customer_create(organisation=organisation, external_ref="K-NL", actor=actor,
                            name="Bakkerij Peeters", country="BE", language="nl")  # fmt: skip
    contact_add(customer=dutch, email="boekhouding@peeters.example", is_primary=True, actor=actor)
    invoice_create(organisation=organisation, customer=dutch, number="F-7", actor=actor,
                   issue_date=date(2026, 1, 5), due_date=date(2026, 2, 4),
                   amount_incl_tax=Decimal("1500.00"))  # fmt: skip


def _insert(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()


def test_a_new_step_gets_its_template_written_in_dutch_and_tested(
    page, organisation, ledger, smtp_server
):
    sign_in(page, EMAIL, PASSWORD)
    page.goto(f"/o/{organisation.slug}/scenarios/")
    page.get_by_role("link", name="Standard").first.click()
    page.get_by_label("Clé de l'étape").fill("arrangement")
    page.get_by_label("Délai (jours après l'échéance)").fill("25")
    page.locator("select[name=channel]").select_option("email")
    page.locator("select[name=mode]").select_option("auto")
    page.get_by_role("button", name="Ajouter l'étape").click()
    page.get_by_text("Modèle « arrangement » créé dans les quatre langues").wait_for()
    assert ScenarioStep.objects.get(key="arrangement").template == "arrangement"
    assert MessageTemplate.objects.filter(key="arrangement").count() == 4

    page.goto(f"/o/{organisation.slug}/templates/arrangement/fr/")
    page.get_by_role("navigation", name="Langues").get_by_role("link", name="Nederlands").click()
    page.wait_for_url("**/templates/arrangement/nl/")
    assert not page.locator("textarea[name=html]").is_visible()  # made from the text
    subject, text = (
        page.get_by_role("textbox", name="Objet"),
        page.get_by_role("textbox", name="Texte"),
    )
    subject.fill("Herinnering ")
    _insert(page, "Nom du client")
    text.fill("Goedendag ")
    _insert(page, "Nom du client")
    page.keyboard.type(",\n\nU bent ons ")
    _insert(page, "Montant dû")
    page.keyboard.type(" verschuldigd sinds ")
    _insert(page, "Date d'échéance")
    page.keyboard.type(".\n")
    with page.expect_response(lambda response: "/preview" in response.url):
        page.get_by_label("Client de l'aperçu").select_option(label="Bakkerij Peeters (K-NL)")
    preview = page.locator("#preview")
    shown = page.frame_locator("#preview iframe")  # the HTML made from the text
    shown.get_by_text("Goedendag Bakkerij Peeters,").wait_for()
    assert " ".join(shown.locator("body").inner_text().replace("\u00a0", " ").split()) == (
        "Goedendag Bakkerij Peeters, U bent ons € 1.500,00 verschuldigd sinds 04-02-2026."
    )
    preview.get_by_text("Version texte").click()
    assert preview.locator("pre").inner_text().startswith("Goedendag Bakkerij Peeters,\n")
    assert preview.get_by_text("Score").is_visible()
    assert axe_violations(page) == []
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "modele-etape")

    page.get_by_role("button", name="M'envoyer un test").click()
    page.get_by_text(f"Test envoyé à {EMAIL}.").wait_for()
    [mail] = smtp_server.messages
    assert str(mail["To"]) == EMAIL
    assert str(mail["Subject"]) == "[TEST] Herinnering Bakkerij Peeters"
    received = mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert received == (
        "Goedendag Bakkerij Peeters,\n\nU bent ons €\u00a01.500,00 verschuldigd sinds 04-02-2026.\n"
    )
    assert not OutboundMessage.objects.exists()
