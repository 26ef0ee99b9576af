"""Finding an invoice by part of its number and a customer by a word in the middle of its
name, from the header's search box, on a desk and on a phone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.services import user_create
from relance.ledger.services import contact_add, customer_create, invoice_create
from tests.browser.conftest import axe_violations, screenshot, sign_in

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)
DAY = date(2026, 3, 2)


@pytest.fixture
def collector(organisation, actor):
    girard = customer_create(organisation=organisation, external_ref="C-0042",
                             name="Menuiserie Gérard et Fils", actor=actor)  # fmt: skip
    contact_add(customer=girard, actor=actor, email="compta@gerard.example")
    other = customer_create(organisation=organisation, external_ref="C-0043",
                            name="Boulangerie Petit", actor=actor)  # fmt: skip
    for owner, number in ((girard, "FA-2026-00417"), (other, "FA-2026-00500")):
        invoice_create(organisation=organisation, customer=owner, number=number,
                       issue_date=DAY, due_date=DAY, amount_incl_tax=Decimal("1234.56"),
                       actor=actor)  # fmt: skip
    return user_create(email="collector@atelier.example", organisation=organisation,
                       role="collector", password=PASSWORD, actor=actor)  # fmt: skip


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_find_an_invoice_by_part_of_its_number_and_a_customer_by_a_word(
    page, collector, organisation, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, collector.email, PASSWORD)
    box = page.get_by_role("search").get_by_label("Rechercher un client, une facture")
    assert box.is_visible()

    # "/" puts the cursor in the box from anywhere on the page.
    page.locator("main").click()
    page.keyboard.press("/")
    assert box.evaluate("element => element === document.activeElement")
    page.keyboard.type("2026 004")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=2026+004")
    invoices = page.get_by_role("region", name="Factures")
    assert invoices.get_by_role("link").all_inner_texts() == ["FA-2026-00417"]
    assert invoices.locator("mark").count() >= 1
    assert page.get_by_role("region", name="Clients").count() == 0
    assert axe_violations(page) == []
    if width == 1440:
        screenshot(page, "search-invoice")

    box.fill("gerard")
    box.press("Enter")
    page.wait_for_url("**/search/?q=gerard")
    customers = page.get_by_role("region", name="Clients")
    assert customers.get_by_role("link").all_inner_texts() == ["Menuiserie Gérard et Fils"]
    assert customers.locator("mark").inner_text() == "Gérard"
    assert axe_violations(page) == []
    # Nothing wider than the screen: usable on a phone without scrolling sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width == 1440:
        screenshot(page, "search-customer")

    customers.get_by_role("link", name="Menuiserie Gérard et Fils").click()
    page.wait_for_url(f"**/o/{organisation.slug}/customers/*/")
