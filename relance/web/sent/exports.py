"""The messages that left, as a spreadsheet: every message the list's filters match, newest
first (the list's page of ids, then the page, chunk after chunk)."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.accounts.clock import local_day
from relance.channels.sent import DELIVERIES, delivery_of, sent_messages, sent_page
from relance.dunning.labels import channel_label, step_label
from relance.lib.bulk import chunks
from relance.reports.exports import Row
from relance.web.access import Workspace, org_view
from relance.web.exports import export_response, local_time
from relance.web.sent.forms import SentFilterForm

CHUNK = 2_000
HEADERS = (
    gettext_lazy("Date"), gettext_lazy("Client"), gettext_lazy("Référence client"),
    gettext_lazy("Étape"), gettext_lazy("Canal"), gettext_lazy("Jours de retard"),
    gettext_lazy("Devise"), gettext_lazy("Montant"), gettext_lazy("Destinataire"),
    gettext_lazy("Expéditeur"), gettext_lazy("Objet"), gettext_lazy("Statut"),
)  # fmt: skip


@org_view
def sent_export(request: HttpRequest, ws: Workspace, fmt: str) -> StreamingHttpResponse:
    organisation = ws.organisation
    form = SentFilterForm(request.GET, organisation=organisation)
    form.is_valid()
    ids = sent_messages(organisation, form.filters()).values_list("id", flat=True)
    zone, names = ZoneInfo(organisation.timezone), form.names

    def rows() -> Iterator[Row]:
        for chunk in chunks(ids.iterator(chunk_size=CHUNK), CHUNK):
            for message in sent_page(organisation, chunk):
                delivery, days_late = delivery_of(message)
                reminder = message.reminder
                yield (
                    local_time(message.sent_at or message.created_at, zone),
                    message.customer.name, message.customer.external_ref,
                    step_label(reminder.step) if reminder else "",
                    channel_label(message.channel), days_late,
                    reminder.currency if reminder else "",
                    reminder.amount_due if reminder else None,
                    ", ".join(message.recipients),
                    names.get(message.reply_to, message.reply_to) or message.sender,
                    message.subject, str(DELIVERIES[delivery]),
                )  # fmt: skip

    return export_response(fmt=fmt, filename=_("relances-envoyees"), headers=HEADERS,
                           rows=rows(), day=local_day(organisation))  # fmt: skip
