"""The dashboard's reports as spreadsheets: the aged balance and the last twelve months, per
currency (amounts of different currencies are never added)."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.accounts.clock import local_day
from relance.reports.exports import Row
from relance.reports.monthly import month_range
from relance.reports.selectors import BUCKETS, aged_balances, monthly_trend
from relance.web.access import Workspace, org_view
from relance.web.dashboard.views import BUCKET_LABELS
from relance.web.exports import export_response

MONTHLY_HEADERS = (
    gettext_lazy("Devise"), gettext_lazy("Mois"), gettext_lazy("Arrêté au"),
    gettext_lazy("Encours fin de mois"), gettext_lazy("dont échu"), gettext_lazy("Facturé TTC"),
    gettext_lazy("Encaissé"), gettext_lazy("DSO (jours)"), gettext_lazy("DSO minimum"),
)  # fmt: skip


def _aged(ws: Workspace) -> tuple[list[str], Iterator[Row]]:
    headers = [
        str(_("Devise")), str(_("Soldes au")), str(_("Clients")),
        *(str(BUCKET_LABELS[key]) for key in BUCKETS), str(_("Total")), str(_("dont échu")),
    ]  # fmt: skip
    rows: list[Row] = [
        (balance.currency, balance.as_of, balance.customers,
         *(balance.bucket(key) for key in BUCKETS), balance.outstanding, balance.overdue)
        for balance in aged_balances(ws.organisation)
    ]  # fmt: skip
    return headers, iter(rows)


def _monthly(ws: Workspace) -> tuple[list[str], Iterator[Row]]:
    today = local_day(ws.organisation)
    trend = monthly_trend(ws.organisation, today)
    months = month_range(today, 12)

    def rows() -> Iterator[Row]:
        for currency, figures in trend.items():
            for month, known in zip(months, figures, strict=True):
                if known is None:  # no snapshot for that month yet: the page says so too
                    yield (currency, month, None, None, None, None, None, None, "")
                    continue
                dso = known.dso
                yield (
                    currency, month, known.as_of, known.outstanding, known.overdue,
                    known.invoiced, known.collected, dso.days if dso else None,
                    _("oui") if dso and not dso.complete else "",
                )  # fmt: skip

    return [str(header) for header in MONTHLY_HEADERS], rows()


REPORTS = {
    "aged": (_aged, gettext_lazy("balance-agee")),
    "monthly": (_monthly, gettext_lazy("douze-mois")),
}


@org_view
def report_export(
    request: HttpRequest, ws: Workspace, report: str, fmt: str
) -> StreamingHttpResponse:
    if report not in REPORTS:
        raise Http404(report)
    build, filename = REPORTS[report]
    headers, rows = build(ws)
    return export_response(fmt=fmt, filename=str(filename), headers=headers, rows=rows,
                           day=local_day(ws.organisation))  # fmt: skip
