"""The dashboard's 13 weeks of expected receipts, read from what the morning run recorded."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse

from relance.reports.forecast_record import cash_forecast_record
from relance.reports.models import CashForecast
from tests.reports.forecast_ledger import AS_OF, build

D = Decimal


def test_weeks_table_and_chart_per_currency(collector, organisation, actor):
    build(organisation, actor)
    # The morning of 1 July: the payments known up to 30 June (tests/reports/test_forecast.py).
    assert cash_forecast_record(organisation=organisation, day=AS_OF + timedelta(days=1)) == 2
    assert CashForecast.objects.get(organisation=organisation, currency="EUR").as_of == AS_OF
    page = collector.get(reverse("dashboard", kwargs={"org": organisation.slug}))
    html = page.content.decode()
    assert "Encaissements attendus (13 semaines)" in html
    table = html[html.index("Encaissements attendus par semaine en EUR") :]
    table = table[: table.index("</table>")]
    # Week of 13 July: 200.00 promised and 100.00 by plan, 300.00 in all.
    row = table[table.index("13/07/2026") :]
    row = row[: row.index("</tr>")]
    assert [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]] == [
        "0,00\xa0€", "200,00\xa0€", "100,00\xa0€", "300,00\xa0€",
    ]  # fmt: skip
    assert "500,00\xa0€" in table  # disputed, not counted
    charts = json.loads(html.split('id="dashboard-charts" type="application/json">')[1]
                        .split("</script>")[0])  # fmt: skip
    chart = charts["forecast-EUR"]
    assert chart["kind"] == "forecast" and len(chart["labels"]) == 13
    assert [series["values"][2] for series in chart["series"]] == [0.0, 200.0, 100.0]
    assert "forecast-CHF" in charts


def test_recording_again_replaces_the_forecast(organisation, actor):
    build(organisation, actor)
    cash_forecast_record(organisation=organisation, day=date(2026, 7, 1))
    cash_forecast_record(organisation=organisation, day=date(2026, 7, 2))
    saved = CashForecast.objects.filter(organisation=organisation)
    assert sorted(saved.values_list("currency", "as_of")) == [
        ("CHF", date(2026, 7, 1)), ("EUR", date(2026, 7, 1)),
    ]  # fmt: skip
    assert all(forecast.weeks.count() == 13 for forecast in saved)


def test_without_a_forecast_the_page_says_when_it_comes(collector, organisation):
    page = collector.get(reverse("dashboard", kwargs={"org": organisation.slug}))
    assert "La prévision se calcule lors du passage quotidien" in page.content.decode()
