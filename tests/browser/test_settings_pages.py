from __future__ import annotations

import pytest

from relance.accounts.services import user_create
from relance.channels.email.domains import sending_domain_setup
from tests.browser.conftest import axe_violations, screenshot, sign_in

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)


def test_settings_pages_are_accessible(page, organisation, actor):
    admin = user_create(email="admin@atelier.example", organisation=organisation, role="admin",
                        password=PASSWORD, actor=actor)  # fmt: skip
    sending_domain_setup(organisation=organisation, domain="atelier.example", actor=actor)
    sign_in(page, admin.email, PASSWORD)
    page.get_by_role("link", name="Paramètres").click()
    for tab, shot in [("Organisation", "settings-organisation"),
                      ("Envoi des e-mails", "settings-sending"),
                      ("Utilisateurs et rôles", "settings-users"),
                      ("Règles de relance", "settings-rules")]:  # fmt: skip
        tabs = page.get_by_role("navigation", name="Sections des paramètres")
        tabs.get_by_role("link", name=tab).click()
        page.wait_for_load_state()
        assert tabs.locator('[aria-current="page"]').inner_text() == tab
        assert axe_violations(page) == [], tab
        screenshot(page, shot)


def test_password_reset_pages_are_accessible(page, db):
    page.goto("/login/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    assert axe_violations(page) == []
    page.get_by_label("Adresse e-mail").fill("personne@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    assert page.get_by_role("heading", name="Vérifiez votre messagerie").is_visible()
    assert axe_violations(page) == []
