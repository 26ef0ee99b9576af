"""The reconciliation page as a spreadsheet: every bank movement waiting for a person, with
what matching proposes for it."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.accounts.clock import local_day
from relance.imports.bank_report import REASONS
from relance.imports.models import BankEntryStatus
from relance.imports.selectors import reconciliation_entries, suggested_invoices
from relance.lib.bulk import chunks
from relance.reports.columns import Column
from relance.reports.exports import Row
from relance.web.access import Workspace, org_view
from relance.web.exports import export_response

CHUNK = 2_000
COLUMNS = (
    Column(gettext_lazy("Date"), "date", "booking_date"),
    Column(gettext_lazy("Devise"), "text", "currency"),
    Column(gettext_lazy("Montant"), "money", "amount"),
    Column(gettext_lazy("Payeur"), "text", "counterparty_name"),
    Column(gettext_lazy("IBAN du payeur"), "text", "counterparty_iban"),
    Column(gettext_lazy("Libellé"), "text", "text"),
    Column(gettext_lazy("Référence"), "text", "reference"),
    Column(gettext_lazy("Statut"), "text", "status"),
    Column(gettext_lazy("Motif"), "text", "reason"),
    Column(gettext_lazy("Client proposé"), "text", "customer__name"),
    Column(gettext_lazy("Factures proposées"), "text"),
)


@org_view
def bank_entries_export(request: HttpRequest, ws: Workspace, fmt: str) -> StreamingHttpResponse:
    organisation = ws.organisation
    entries = reconciliation_entries(organisation)
    statuses = dict(BankEntryStatus.choices)

    def rows() -> Iterator[Row]:
        for chunk in chunks(entries.iterator(chunk_size=CHUNK), CHUNK):
            invoices = suggested_invoices(chunk)
            for entry in chunk:
                reason = str(REASONS.get(entry.reason, "")) or entry.reason
                yield (
                    entry.booking_date, entry.currency, entry.amount, entry.counterparty_name,
                    entry.counterparty_iban, entry.text, entry.reference,
                    str(statuses.get(entry.status, entry.status)), reason,
                    entry.customer.name if entry.customer else "",
                    ", ".join(invoice.number for invoice in invoices.get(entry.pk, [])),
                )  # fmt: skip

    return export_response(fmt=fmt, filename=_("rapprochement"), columns=COLUMNS, rows=rows(),
                           day=local_day(organisation))  # fmt: skip
