"""The dashboard's forecast chart, drawn by the real chart library in chromium."""

from __future__ import annotations

from datetime import timedelta

import pytest

from relance.accounts.services import user_create
from relance.reports.forecast_record import cash_forecast_record
from tests.browser.conftest import axe_violations, sign_in
from tests.reports.forecast_ledger import AS_OF, build

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)


def test_forecast_chart_is_drawn_stacked_with_patterns(page, organisation, actor):
    build(organisation, actor)
    cash_forecast_record(organisation=organisation, day=AS_OF + timedelta(days=1))
    user = user_create(email="camille@atelier.example", organisation=organisation,
                       role="collector", password=PASSWORD, actor=actor)  # fmt: skip
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, user.email, PASSWORD)
    find = "document.querySelector('canvas[data-chart=\"forecast-EUR\"]')"
    page.wait_for_function(f"() => window.Chart && Chart.getChart({find})")
    drawn = page.evaluate(
        """() => {
            const chart = Chart.getChart(FIND);
            return chart.data.datasets.map(d => ({
                label: d.label, stacked: chart.options.scales.y.stacked,
                pattern: d.backgroundColor instanceof CanvasPattern,
                week3: d.data[2],
            }));
        }""".replace("FIND", find)
    )
    assert drawn == [
        {"label": "D'après les habitudes de paiement", "stacked": True, "pattern": True,
         "week3": 0},
        {"label": "Promesses", "stacked": True, "pattern": True, "week3": 200},
        {"label": "Échéanciers", "stacked": True, "pattern": True, "week3": 100},
    ]  # fmt: skip
    assert errors == []
    assert axe_violations(page) == []
