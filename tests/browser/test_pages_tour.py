"""Every main page in a real browser: it renders, passes axe-core, and is pictured for the guide."""

from __future__ import annotations

import pytest

from relance.accounts.models import Membership
from relance.cycle.daily import daily_cycle
from relance.ledger.models import Customer, Invoice
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.dunning.todo_helpers import RUN_DAY, make_todo

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)

BAD_CUSTOMERS = (
    "id,name,kind,country,email,phone,language,created\n"
    "C1,Conseil Bernard EURL,B2B,FR,compta@bernard.example,+33181590830,fr,2025-08-28\n"
    "C2,,B2B,FR,compta@sans-nom.example,+33181590831,fr,2025-08-28\n"
    "C3,Garage Lemoine,B2B,FR,pas-une-adresse,+33181590832,fr,31/02/2025\n"
)


@pytest.fixture
def admin(organisation, actor):
    todo = make_todo(organisation)
    daily_cycle(organisation=organisation, day=RUN_DAY, actor=actor)
    Membership.objects.filter(user=todo.collector).update(role="admin")
    todo.collector.set_password(PASSWORD)
    todo.collector.save()
    return todo.collector


def test_importing_a_file_with_errors_lists_them_and_writes_nothing(
    page, admin, organisation, tmp_path
):
    before = Customer.objects.filter(organisation=organisation).count()
    upload = tmp_path / "clients.csv"
    upload.write_text(BAD_CUSTOMERS, encoding="utf-8")
    sign_in(page, admin.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/imports/")
    page.get_by_label("Contenu du fichier").select_option("customers")
    page.locator("form[action$='/imports/upload/'] input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Envoyer le fichier").click()
    page.get_by_role("heading", name="1. Correspondance des colonnes").wait_for()
    page.get_by_role("button", name="Vérifier tout le fichier").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "erreurs" in alert.inner_text()
    errors = page.get_by_role("table", name="Erreurs du fichier")
    lines = [cell.strip() for cell in errors.locator("tbody tr td:first-child").all_inner_texts()]
    assert "3" in lines and "4" in lines  # the nameless customer and the bad address / date
    assert page.get_by_role("button", name="Importer").count() == 0
    screenshot(page, "import-errors")
    assert axe_violations(page) == []
    assert Customer.objects.filter(organisation=organisation).count() == before


def test_main_pages_render_and_are_accessible(page, admin, organisation):
    sign_in(page, admin.email, PASSWORD)
    customer = Customer.objects.get(organisation=organisation, external_ref="K-A")
    invoice = Invoice.objects.get(organisation=organisation, number="F-A1")
    base = f"/o/{organisation.slug}"
    pages = {
        "dashboard": f"{base}/",
        "customers": f"{base}/customers/",
        "customer": f"{base}/customers/{customer.uuid}/",
        "invoices": f"{base}/invoices/",
        "invoice": f"{base}/invoices/{invoice.uuid}/",
        "sent": f"{base}/sent/",
        "scenarios": f"{base}/scenarios/",
        "segments": f"{base}/segments/",
        "templates": f"{base}/templates/",
        "imports": f"{base}/imports/",
        "settings": f"{base}/settings/",
    }
    problems: dict[str, list[str]] = {}
    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{name}: {url}"
        page.get_by_role("heading", level=1).first.wait_for()
        screenshot(page, name)
        if found := axe_violations(page):
            problems[name] = found
    assert problems == {}
