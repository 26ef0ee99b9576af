"""The invoice list as a spreadsheet: one line per due date, every line its filters match.

The lines are read in chunks along the list's own query; what is owed and what pauses them
is read per chunk with the list's ``lines_of`` (a few queries per two thousand lines).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.accounts.clock import local_day
from relance.dunning.promises import promise_grace_days
from relance.lib.bulk import chunks
from relance.reports.exports import Row
from relance.web.access import Workspace, org_view
from relance.web.customers.selectors import currencies_of
from relance.web.exports import export_response
from relance.web.invoices.forms import InvoiceFilterForm
from relance.web.invoices.selectors import instalment_list, lines_of

CHUNK = 2_000
HEADERS = (
    gettext_lazy("Facture"), gettext_lazy("Échéance n°"), gettext_lazy("Client"),
    gettext_lazy("Référence client"), gettext_lazy("Émise le"), gettext_lazy("Échéance"),
    gettext_lazy("Devise"), gettext_lazy("Montant"), gettext_lazy("Reste dû"),
    gettext_lazy("Jours de retard"), gettext_lazy("Statut"),
)  # fmt: skip


@org_view
def invoices_export(request: HttpRequest, ws: Workspace, fmt: str) -> StreamingHttpResponse:
    organisation = ws.organisation
    form = InvoiceFilterForm(request.GET, currencies=currencies_of(organisation))
    today, grace = local_day(organisation), promise_grace_days(organisation)
    query = instalment_list(organisation, form.filters(), today=today, grace_days=grace)

    def rows() -> Iterator[Row]:
        for chunk in chunks(query.iterator(chunk_size=CHUNK), CHUNK):
            for line in lines_of(organisation, chunk, today=today, grace_days=grace):
                item, invoice = line.instalment, line.instalment.invoice
                late = line.days_late if line.outstanding > 0 and line.days_late > 0 else None
                yield (
                    invoice.number, f"{item.sequence}/{line.count}", item.customer.name,
                    item.customer.external_ref, invoice.issue_date, item.due_date,
                    invoice.currency, item.amount, line.outstanding, late, line.status[0],
                )  # fmt: skip

    return export_response(fmt=fmt, filename=_("factures"), headers=HEADERS, rows=rows(),
                           day=today)  # fmt: skip
