"""The analysis page reads the payments kept per reminded item (tests/reports/facts_ledger.py:
the rates there are worked out by hand in tests/reports/test_reminder_facts.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.reports.facts_ledger import build_facts_ledger


@pytest.fixture
def ledger(organisation, actor):
    return build_facts_ledger(organisation, actor)


def test_the_page_shows_the_rates(collector, organisation, ledger):
    url = reverse("analytics", kwargs={"org": organisation.slug})
    response = collector.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    page = response.content.decode()
    assert response.status_code == 200
    # First reminders: 800.00 of 1,700.00 within 15 days; second: 150.00 of 600.00 within 7.
    assert "47,1 %" in page and "25,0 %" in page
