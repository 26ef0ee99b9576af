"""The messages that left, as a spreadsheet: every message the list's filters match, newest
first, read as tuples of one streamed query."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.accounts.clock import local_day
from relance.channels.sent import DELIVERIES, sent_messages, sent_values
from relance.dunning.labels import channel_label, step_label
from relance.reports.columns import Column
from relance.reports.exports import Row
from relance.web.access import Workspace, org_view
from relance.web.exports import export_response, local_time
from relance.web.sent.forms import SentFilterForm

CHUNK = 2_000
COLUMNS = (
    Column(gettext_lazy("Date"), "datetime", "sent_at"),
    Column(gettext_lazy("Client"), "text", "customer__name"),
    Column(gettext_lazy("Référence client"), "text", "customer__external_ref"),
    Column(gettext_lazy("Étape"), "text", "reminder__step"),
    Column(gettext_lazy("Canal"), "text", "channel"),
    Column(gettext_lazy("Jours de retard"), "int", "days_late"),
    Column(gettext_lazy("Devise"), "text", "reminder__currency"),
    Column(gettext_lazy("Montant"), "money", "reminder__amount_due"),
    Column(gettext_lazy("Destinataire"), "text", "recipients"),
    Column(gettext_lazy("Expéditeur"), "text", "reply_to"),
    Column(gettext_lazy("Objet"), "text", "subject"),
    Column(gettext_lazy("Statut"), "text", "delivery"),
)
READ = (
    "sent_at", "created_at", "customer__name", "customer__external_ref", "reminder_id",
    "reminder__step", "channel", "days_late", "reminder__currency", "reminder__amount_due",
    "recipients", "reply_to", "sender", "subject", "delivery",
)  # fmt: skip


@org_view
def sent_export(request: HttpRequest, ws: Workspace, fmt: str) -> StreamingHttpResponse:
    organisation = ws.organisation
    form = SentFilterForm(request.GET, organisation=organisation)
    form.is_valid()
    messages = sent_values(sent_messages(organisation, form.filters()), READ)
    zone, names = ZoneInfo(organisation.timezone), form.names

    def rows() -> Iterator[Row]:
        for (sent_at, created_at, name, ref, reminder_id, step, channel, days_late, currency,
             amount, recipients, reply_to, sender, subject, delivery,
             ) in messages.iterator(chunk_size=CHUNK):  # fmt: skip
            yield (
                local_time(sent_at or created_at, zone), name, ref,
                step_label(step) if reminder_id else "", channel_label(channel), days_late,
                currency or "", amount, ", ".join(recipients),
                names.get(reply_to, reply_to) or sender, subject, str(DELIVERIES[delivery]),
            )  # fmt: skip

    return export_response(fmt=fmt, filename=_("relances-envoyees"), columns=COLUMNS,
                           rows=rows(), day=local_day(organisation))  # fmt: skip
