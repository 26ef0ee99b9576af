"""The to-do as a spreadsheet: one line per customer, as the list shows them, every customer
its filters keep (not one page)."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.accounts.clock import local_day
from relance.dunning.labels import step_label
from relance.dunning.todo import KINDS, todo_withdraw_settled
from relance.dunning.todo_board import CustomerTodo, customer_todos, todo_customers
from relance.lib.bulk import chunks
from relance.reports.columns import Column
from relance.reports.exports import Row
from relance.web.access import Workspace, org_view
from relance.web.exports import export_response, person
from relance.web.todo import common
from relance.web.todo.views import STILL_DUE_CHECK

CHUNK = 1_000
COLUMNS = (
    Column(gettext_lazy("Client"), "text"),
    Column(gettext_lazy("Référence"), "text"),
    Column(gettext_lazy("Chargé de recouvrement"), "text"),
    Column(gettext_lazy("Devise"), "text"),
    Column(gettext_lazy("Échu"), "money"),
    Column(gettext_lazy("Jours de retard"), "int"),
    Column(gettext_lazy("À faire aujourd'hui"), "text"),
    Column(gettext_lazy("Demandes du débiteur"), "int"),
    Column(gettext_lazy("Dernière relance"), "date"),
    Column(gettext_lazy("Dernier appel"), "date"),
    Column(gettext_lazy("Promesse non tenue du"), "date"),
    Column(gettext_lazy("Remarques"), "text"),
)


def _tasks(row: CustomerTodo) -> str:
    """``Appel : Premier appel, E-mail : Dernière relance`` — the kinds as the list badges them."""
    return ", ".join(
        _("%(kind)s : %(step)s")
        % {
            "kind": KINDS.get(task.kind, task.kind),  # type: ignore[attr-defined]
            "step": step_label(task.step),
        }
        for task in row.tasks
    )


@org_view
def todo_export(request: HttpRequest, ws: Workspace, fmt: str) -> StreamingHttpResponse:
    organisation = ws.organisation
    today = local_day(organisation)
    # As the list: what was paid, disputed or promised since the morning is not listed.
    todo_withdraw_settled(organisation=organisation, today=today, actor=STILL_DUE_CHECK)
    collector, kind = common.filters(request)
    ordered = todo_customers(organisation, today=today, collector=collector, kind=kind)

    def rows() -> Iterator[Row]:
        ids = (row["customer_id"] for row in ordered.iterator(chunk_size=CHUNK))
        for chunk in chunks(ids, CHUNK):
            for row in customer_todos(organisation, chunk, today=today, collector=collector,
                                      kind=kind):  # fmt: skip
                customer = row.customer
                yield (
                    customer.name, customer.external_ref, person(customer.collector),
                    row.currency, row.overdue, row.days_late, _tasks(row), len(row.requests),
                    row.last_contact_on, row.last_call_on, row.broken_promise_on,
                    " | ".join(row.notes),
                )  # fmt: skip

    return export_response(fmt=fmt, filename=_("a-faire"), columns=COLUMNS, rows=rows(),
                           day=today)  # fmt: skip
