"""The analysis page in a real browser: a filter applied from the form, the cohort heat map
with its values written in the cells, axe-core clean, readable at 390 px."""

from __future__ import annotations

import pytest

from relance.accounts.models import User
from relance.reports.services import monthly_figures_record
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.reports.analytics_ledger import TODAY, build_history

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(organisation, actor) -> User:
    history = build_history(organisation, actor)
    monthly_figures_record(organisation=organisation, day=TODAY)
    history.alice.set_password(PASSWORD)
    history.alice.save()
    return history.alice


def test_filter_and_read_the_heat_map(page, alice, organisation):
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/analytics/?date_from=2026-03-01&date_to=2026-04-30")
    page.get_by_role("heading", level=1, name="Analyse").wait_for()
    heat_map = page.locator("table.heat-map")
    march = heat_map.get_by_role("row").filter(has_text="mars 2026").filter(has_text="EUR")
    assert march.locator("td.heat").first.inner_text() == "26,7 %"  # 0 to 7 days
    assert axe_violations(page) == []
    screenshot(page, "analytics")

    page.get_by_label("Canal").select_option(label="SMS")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url("**channel=sms**")
    by_channel = page.get_by_role("table", name="Par canal")
    assert by_channel.get_by_role("row").filter(has_text="E-mail").count() == 0
    assert by_channel.get_by_role("row").filter(has_text="SMS").count() == 1
    # The heat map follows items, not reminders: the channel leaves it as it was.
    assert march.locator("td.heat").first.inner_text() == "26,7 %"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the tables scroll inside their frame, not the page
    assert axe_violations(page) == []
