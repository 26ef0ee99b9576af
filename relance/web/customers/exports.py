"""The customer list as a spreadsheet: every customer its filters match, in its order, read
as tuples of the list's own queries."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.reports.columns import Column
from relance.reports.exports import Row
from relance.web.access import Workspace, org_view
from relance.web.customers.views import customer_listing
from relance.web.exports import export_response, person_name

ZERO = Decimal("0.00")
COLUMNS = (
    Column(gettext_lazy("Client"), "text", "name"),
    Column(gettext_lazy("Référence"), "text", "external_ref"),
    Column(gettext_lazy("Segment"), "text", "dunning__segment"),
    Column(gettext_lazy("Chargé de recouvrement"), "text"),
    Column(gettext_lazy("Devise"), "text"),
    Column(gettext_lazy("Encours"), "money", "outstanding"),
    Column(gettext_lazy("Échu"), "money", "overdue"),
    Column(gettext_lazy("Jours de retard"), "int"),
    Column(gettext_lazy("Dernière relance"), "date", "dunning__last_contact_on"),
    Column(gettext_lazy("Relances"), "text"),
)
READ = (
    "name", "external_ref", "dunning__segment", "collector__first_name",
    "collector__last_name", "collector__email", "outstanding", "overdue", "oldest_due_date",
    "dunning__last_contact_on", "dunning__paused",
)  # fmt: skip


@org_view
def customers_export(request: HttpRequest, ws: Workspace, fmt: str) -> StreamingHttpResponse:
    _form, listing, names = customer_listing(request, ws)
    currency, today = listing.filters.currency, listing.today

    def rows() -> Iterator[Row]:
        paused, active = _("Suspendues"), _("Actives")  # in the reader's language
        for (name, ref, segment, first_name, last_name, email, outstanding, overdue, oldest,
             last_contact_on, is_paused) in listing.every_values(READ):  # fmt: skip
            yield (
                name, ref, names.segment(segment or ""), person_name(first_name, last_name, email),
                currency, outstanding or ZERO, overdue or ZERO,
                (today - oldest).days if oldest else None, last_contact_on,
                paused if is_paused else active,
            )  # fmt: skip

    return export_response(fmt=fmt, filename=_("clients"), columns=COLUMNS, rows=rows(),
                           day=today)  # fmt: skip
