"""The customer list as a spreadsheet: every customer its filters match, in its order."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.reports.exports import Row
from relance.web.access import Workspace, org_view
from relance.web.customers.views import customer_listing, list_row
from relance.web.exports import export_response, person

ZERO = Decimal("0.00")
HEADERS = (
    gettext_lazy("Client"), gettext_lazy("Référence"), gettext_lazy("Segment"),
    gettext_lazy("Chargé de recouvrement"), gettext_lazy("Devise"), gettext_lazy("Encours"),
    gettext_lazy("Échu"), gettext_lazy("Jours de retard"), gettext_lazy("Dernière relance"),
    gettext_lazy("Relances"),
)  # fmt: skip


@org_view
def customers_export(request: HttpRequest, ws: Workspace, fmt: str) -> StreamingHttpResponse:
    _form, listing, names = customer_listing(request, ws)

    def rows() -> Iterator[Row]:
        currency = listing.filters.currency
        for customer in listing.every():
            line = list_row(customer, names, listing.today)
            yield (
                customer.name, customer.external_ref, line["segment"], person(customer.collector),
                currency, getattr(customer, "outstanding", None) or ZERO,
                getattr(customer, "overdue", None) or ZERO, line["days_late"],
                line["last_contact_on"], _("Suspendues") if line["paused"] else _("Actives"),
            )  # fmt: skip

    return export_response(fmt=fmt, filename=_("clients"), headers=HEADERS, rows=rows(),
                           day=listing.today)  # fmt: skip
