"""An export downloaded from the customer list in a real browser, with the list's filters,
and opened as a spreadsheet."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from relance.accounts.services import user_create
from tests.browser.conftest import sign_in
from tests.web.ledger_data import customer, invoice, today

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_customer_list_downloads_as_xlsx_with_its_filters(page, organisation, actor):
    user_create(email="camille@atelier.example", organisation=organisation, role="collector",
                password=PASSWORD, actor=actor)  # fmt: skip
    day = today(organisation)
    garage = customer(organisation, actor, "K1", "Garage Martin")
    bakery = customer(organisation, actor, "K2", "Boulangerie Petit")
    invoice(organisation, actor, garage, "F-1", amount="900.00", due=day - timedelta(45))
    invoice(organisation, actor, bakery, "F-2", amount="300.00", due=day - timedelta(10))
    sign_in(page, "camille@atelier.example", PASSWORD)

    page.goto("/o/atelier/customers/")
    page.locator("form.filters input[name=q]").fill("garage")
    page.locator("form.filters").get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**q=garage**")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX").click()
    download = download_info.value
    assert download.suggested_filename == f"clients-{day.isoformat()}.xlsx"
    data = Path(download.path()).read_bytes()
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Client", "Référence")
    assert rows[1:] == [rows[1]] and rows[1][:2] == ("Garage Martin", "K1")  # filtered
    assert rows[1][rows[0].index("Échu")] == 900
