"""The invoice list as a spreadsheet: one line per due date, every line its filters match.

The lines are read as tuples of one streamed query, the list's own with what the list reads
per page (``line_tuples``); each line's state follows the list's ``line_state``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.accounts.clock import local_day
from relance.dunning.promises import promise_grace_days
from relance.reports.columns import Column
from relance.reports.exports import Row
from relance.web.access import Workspace, org_view
from relance.web.customers.selectors import currencies_of
from relance.web.exports import export_response
from relance.web.invoices.forms import InvoiceFilterForm
from relance.web.invoices.selectors import instalment_list, line_state, line_tuples, state_labels

CHUNK = 2_000
CENT = Decimal("0.01")
# The read columns are those of ``LINE_COLUMNS``; the others are worked out per line.
COLUMNS = (
    Column(gettext_lazy("Facture"), "text", "invoice__number"),
    Column(gettext_lazy("Échéance n°"), "text"),
    Column(gettext_lazy("Client"), "text", "customer__name"),
    Column(gettext_lazy("Référence client"), "text", "customer__external_ref"),
    Column(gettext_lazy("Émise le"), "date", "invoice__issue_date"),
    Column(gettext_lazy("Échéance"), "date", "due_date"),
    Column(gettext_lazy("Devise"), "text", "invoice__currency"),
    Column(gettext_lazy("Montant"), "money", "amount"),
    Column(gettext_lazy("Reste dû"), "money"),
    Column(gettext_lazy("Jours de retard"), "int"),
    Column(gettext_lazy("Statut"), "text"),
)


@org_view
def invoices_export(request: HttpRequest, ws: Workspace, fmt: str) -> StreamingHttpResponse:
    organisation = ws.organisation
    form = InvoiceFilterForm(request.GET, currencies=currencies_of(organisation))
    today, grace = local_day(organisation), promise_grace_days(organisation)
    query = instalment_list(organisation, form.filters(), today=today, grace_days=grace)

    def rows() -> Iterator[Row]:
        labels = state_labels()  # read as the response streams, in the reader's language
        lines = line_tuples(query, today=today, grace_days=grace).iterator(chunk_size=CHUNK)
        for (number, sequence, name, ref, issued, due, currency, amount, allocated, count,
             disputed, promised_on, in_plan) in lines:  # fmt: skip
            # The sum of cents SQLite returns as a float: back to the cent it is.
            owed, days_late = amount - allocated.quantize(CENT), (today - due).days
            state = line_state(outstanding=owed, disputed=disputed, in_plan=in_plan,
                               promised_on=promised_on, days_late=days_late)  # fmt: skip
            yield (
                number, f"{sequence}/{count or 1}", name, ref, issued, due, currency, amount,
                owed, days_late if owed > 0 and days_late > 0 else None, labels[state],
            )  # fmt: skip

    return export_response(fmt=fmt, filename=_("factures"), columns=COLUMNS, rows=rows(),
                           day=today)  # fmt: skip
