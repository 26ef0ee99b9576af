from __future__ import annotations

import pytest

from relance.accounts.services import user_create
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.imports.helpers import fixture, run_import

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def collector_account(organisation, actor):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    run_import(organisation, "invoices", fixture("ref-invoices.csv"))
    return user_create(
        email="camille@atelier.example", organisation=organisation, role="collector",
        password=PASSWORD, actor=actor,
    )  # fmt: skip


def test_sign_in_lands_on_the_dashboard(page, collector_account, organisation):
    sign_in(page, collector_account.email, PASSWORD)
    assert page.url.endswith(f"/o/{organisation.slug}/")
    assert page.get_by_role("navigation", name="Navigation principale").is_visible()
    screenshot(page, "dashboard")


def test_wrong_password_is_explained(page, collector_account):
    page.goto("/login/")
    page.get_by_label("Adresse e-mail").fill(collector_account.email)
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").is_visible()
    assert "/login/" in page.url


def test_sign_in_page_is_accessible(page, db):
    page.goto("/login/")
    assert axe_violations(page) == []
