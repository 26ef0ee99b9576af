"""The analysis page: the period and filters in the URL, labels (never keys) in French and
English, the cohort heat map with its percentages written in the cells."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.models import User
from relance.reports.services import monthly_figures_record
from tests.reports.analytics_ledger import TODAY, build_history
from tests.web.test_plain_words import read


@pytest.fixture
def history(organisation, actor, settings):
    built = build_history(organisation, actor)
    monthly_figures_record(organisation=organisation, day=TODAY)
    return built


def page(client, organisation, **query: str) -> str:
    url = reverse("analytics", kwargs={"org": organisation.slug})
    base = {"date_from": "2026-03-01", "date_to": "2026-04-30"}
    response = client.get(url, {**base, **query})
    assert response.status_code == 200
    return str(response.content.decode())


def words(html: str) -> str:
    return " ".join(read(html, "/o/").texts)


def test_the_page_in_french_with_filters(collector, organisation, history):
    text = words(page(collector, organisation))
    assert "Première relance" in text and "Mauvais payeur" in text
    assert "40,0 %" in text  # e-mails: 400.00 of 1,000.00 within 7 days
    assert "26,7 %" in text  # the March cohort, 0 to 7 days, written in its cell
    for key in ("reminder_1", "bad_payer", "formal_notice", "days_1_30"):
        assert key not in text
    only_sms = words(page(collector, organisation, channel="sms"))
    assert "40,0 %" not in only_sms and "100,0 %" in only_sms
    by_due = words(page(collector, organisation, basis="due"))
    assert "Cohortes par mois d'échéance" in by_due and "Avant l'échéance" in by_due


def test_the_page_in_english(collector, organisation, history):
    User.objects.filter(email=f"collector@{organisation.slug}.example").update(language="en")
    text = words(page(collector, organisation, segment="standard"))
    assert "First reminder" in text and "Analysis" in text
    assert "Collection rate after a reminder" in text
    assert "Première relance" not in text
    for key in ("reminder_1", "standard_", "bad_payer"):
        assert key not in text


def test_a_bad_period_shows_the_last_90_days(collector, organisation, history):
    html = words(page(collector, organisation, date_from="2026-05-01", date_to="2026-04-01"))
    assert "Période ou filtre invalide" in html


def test_the_page_is_in_the_navigation_and_closed_to_other_organisations(
    collector, organisation, other_organisation, history
):
    dashboard = collector.get(reverse("dashboard", kwargs={"org": organisation.slug}))
    assert reverse("analytics", kwargs={"org": organisation.slug}) in dashboard.content.decode()
    other = collector.get(reverse("analytics", kwargs={"org": other_organisation.slug}))
    assert other.status_code in (403, 404)
