"""Read side of the outbox: what became of each message, and the filters of the sent list.

A message's *delivery* is derived from its outbox status and from what came back after it
left (``DeliveryEvent``): a bounce outweighs a reply, which outweighs an opening. Everything
is one query, never a query per message. The list walks the ``(organisation, created_at)``
index backwards and stops after a page; what no index serves (events, lateness, scenario) is
a correlated scalar subquery checked row by row as the walk goes, so that no database plans
it as a join over the whole table, and that walk is bounded (``scan_limit``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    CharField,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation
from relance.channels.models import DeliveryEvent, DeliveryEventKind, OutboundMessage, OutboxStatus
from relance.dunning.models import CustomerDunning, ReminderItem, Scenario, Segment
from relance.dunning.scenarios import DEFAULT_SCENARIO

# Delivery -> label, in the order of the filter.
DELIVERIES = {
    "sent": _("Envoyé"),
    "opened": _("Ouvert"),
    "replied": _("Réponse reçue"),
    "bounced": _("Non distribué (rejeté)"),
    "failed": _("Échec"),
    "uncertain": _("Envoi incertain"),
    "cancelled": _("Annulé"),
    "pending": _("En attente d'envoi"),
}
# Outbox statuses of a message that left (an uncertain one may have).
LEFT = (OutboxStatus.SENT, OutboxStatus.UNCERTAIN)
FAILED = (OutboxStatus.FAILED, OutboxStatus.DEAD)
PENDING = (OutboxStatus.QUEUED, OutboxStatus.SENDING)

# Messages read one by one at most, per page of a filtered list (see ``scan_limit``).
SCAN_WINDOW = 5_000

# Days between the oldest covered item's due date and the day the message was planned.
LATENESS: dict[str, tuple[int | None, int | None]] = {
    "before": (None, 0),
    "1-15": (1, 15),
    "16-30": (16, 30),
    "31-60": (31, 60),
    "60+": (61, None),
}
LATENESS_LABELS = {
    "before": _("Avant l'échéance"),
    "1-15": _("1 à 15 jours"),
    "16-30": _("16 à 30 jours"),
    "31-60": _("31 à 60 jours"),
    "60+": _("Plus de 60 jours"),
}


def _event() -> Subquery:
    """The kind of the weightiest event that came back for the message, or NULL."""
    rank = Case(
        When(kind=DeliveryEventKind.BOUNCED, then=Value(0)),
        When(kind=DeliveryEventKind.REPLIED, then=Value(1)),
        default=Value(2),
    )
    return Subquery(
        DeliveryEvent.objects.filter(message_id=OuterRef("pk"), kind__in=DeliveryEventKind.values)
        .order_by(rank)
        .values("kind")[:1],
        output_field=CharField(),
    )


def delivery_q(delivery: str) -> Q:
    """The messages (annotated with ``event``) whose derived delivery is ``delivery``."""
    left = Q(status__in=LEFT)
    found = {
        "cancelled": Q(status=OutboxStatus.CANCELLED),
        "failed": Q(status__in=FAILED),
        "pending": Q(status__in=PENDING),
        "bounced": left & Q(event=DeliveryEventKind.BOUNCED),
        "replied": left & Q(event=DeliveryEventKind.REPLIED),
        "opened": left & Q(event=DeliveryEventKind.OPENED),
        "uncertain": Q(status=OutboxStatus.UNCERTAIN, event__isnull=True),
        "sent": Q(status=OutboxStatus.SENT, event__isnull=True),
    }
    return found[delivery]


def _delivery_case() -> Case:
    left = Q(status__in=LEFT)
    return Case(
        When(status=OutboxStatus.CANCELLED, then=Value("cancelled")),
        When(status__in=FAILED, then=Value("failed")),
        When(status__in=PENDING, then=Value("pending")),
        When(left & Q(event__isnull=False), then=F("event")),
        When(status=OutboxStatus.UNCERTAIN, then=Value("uncertain")),
        default=Value("sent"),
        output_field=CharField(),
    )


class DaysBetween(Func):
    """Whole days from the second date to the first, with the database's own date arithmetic
    (Django's portable date subtraction calls back into Python on SQLite for every row)."""

    arity = 2
    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _days_late() -> DaysBetween:
    oldest_due = Subquery(
        ReminderItem.objects.filter(reminder_id=OuterRef("reminder_id"))
        .order_by("instalment__due_date")
        .values("instalment__due_date")[:1],
        output_field=DateField(),
    )
    return DaysBetween(F("reminder__run_date"), oldest_due)


@dataclass(frozen=True)
class SentFilters:
    reply_to: str | None = None  # the collector's address; "" = signed by the organisation
    channel: str = ""
    lateness: str = ""  # a key of LATENESS
    scenario: Scenario | None = None
    step: str = ""
    delivery: str = ""  # a key of DELIVERIES
    since: date | None = None
    until: date | None = None
    before: datetime | None = None  # where a "search further" goes on from (see scan_limit)

    @property
    def scans(self) -> bool:
        """Whether a filter must be checked message by message (no index serves it)."""
        return bool(
            self.reply_to is not None
            or self.channel
            or self.lateness
            or self.scenario is not None
            or self.step
            or self.delivery
        )


def _in_period(organisation: Organisation, filters: SentFilters) -> QuerySet[OutboundMessage]:
    """The organisation's messages of the chosen days (in its time zone): an index range."""
    messages = OutboundMessage.objects.filter(organisation=organisation)
    zone = ZoneInfo(organisation.timezone)
    if filters.since is not None:
        messages = messages.filter(created_at__gte=datetime.combine(filters.since, time(), zone))
    if filters.until is not None:
        end = datetime.combine(filters.until + timedelta(days=1), time(), zone)
        messages = messages.filter(created_at__lt=end)
    if filters.before is not None:
        messages = messages.filter(created_at__lte=filters.before)
    return messages


def scan_limit(organisation: Organisation, filters: SentFilters) -> datetime | None:
    """When filters must read messages one by one, they read the newest ``SCAN_WINDOW`` of
    the period only, so that a page never waits on millions of rows: the time of the newest
    message left out, or None when the window holds the whole period."""
    if not filters.scans:
        return None
    beyond = (
        _in_period(organisation, filters)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)[SCAN_WINDOW : SCAN_WINDOW + 1]
    )
    return next(iter(beyond), None)


def sent_messages(
    organisation: Organisation, filters: SentFilters, *, after: datetime | None = None
) -> QuerySet[OutboundMessage]:
    """The organisation's messages that pass the filters, newest first (read a page of their
    ids, then the page with ``sent_page``); ``after``: only those written later (see
    ``scan_limit``)."""
    messages = _in_period(organisation, filters)
    if after is not None:
        messages = messages.filter(created_at__gt=after)
    if filters.reply_to is not None:
        messages = messages.filter(reply_to=filters.reply_to)
    if filters.channel:
        messages = messages.filter(channel=filters.channel)
    if filters.step:
        messages = messages.filter(reminder__step=filters.step)
    if filters.scenario is not None:
        messages = _with_scenario(organisation, messages, filters.scenario)
    if filters.delivery:
        messages = messages.annotate(event=_event()).filter(delivery_q(filters.delivery))
    if filters.lateness:
        messages = messages.annotate(days_late=_days_late())
        low, high = LATENESS[filters.lateness]
        if low is None:
            messages = messages.filter(days_late__lte=high)
        elif high is None:
            messages = messages.filter(days_late__gte=low)
        else:  # BETWEEN: SQLite evaluates the subquery once, not twice
            messages = messages.filter(days_late__range=(low, high))
    return messages.order_by("-created_at", "-id")


def sent_values(
    messages: QuerySet[OutboundMessage], fields: Sequence[str]
) -> QuerySet[OutboundMessage, tuple[Any, ...]]:
    """``messages`` (``sent_messages``) as tuples of one query, each with what the list shows
    of it (``fields`` may name ``delivery`` and ``days_late``): every message at once, for an
    export read as the cursor goes, with no page of ids and no model built."""
    annotated = messages.query.annotations  # a filter may have added them already
    if "event" not in annotated:
        messages = messages.annotate(event=_event())
    if "days_late" not in annotated:
        messages = messages.annotate(days_late=_days_late())
    return messages.annotate(delivery=_delivery_case()).values_list(*fields)


def _with_scenario(
    organisation: Organisation, messages: QuerySet[OutboundMessage], scenario: Scenario
) -> QuerySet[OutboundMessage]:
    """Messages to customers chased with ``scenario`` today, resolved as the daily run does:
    their own scenario, else their segment's, else the scenario named like their segment, else
    the default. A reminder does not record its scenario, so this is the customer's current
    one."""
    chosen = dict(
        Segment.objects.filter(organisation=organisation, scenario__isnull=False).values_list(
            "key", "scenario_id"
        )
    )
    keys = set(Scenario.objects.filter(organisation=organisation).values_list("key", flat=True))
    dunning = CustomerDunning.objects.filter(customer_id=OuterRef("customer_id"))
    messages = messages.annotate(
        own_scenario=Subquery(dunning.values("scenario_id")[:1]),
        segment=Subquery(dunning.values("segment")[:1]),
    )
    no_own = Q(own_scenario__isnull=True)
    no_segment = Q(segment__isnull=True)
    by_segment = Q(segment__in=[key for key, pk in chosen.items() if pk == scenario.pk])
    unchosen = ~Q(segment__in=list(chosen)) | no_segment
    found = Q(own_scenario=scenario.pk) | (
        no_own & (by_segment | (Q(segment=scenario.key) & unchosen))
    )
    if scenario.key == DEFAULT_SCENARIO:
        unnamed = ~Q(segment__in=sorted(keys - {scenario.key})) | no_segment
        found |= no_own & unchosen & unnamed
    return messages.filter(found)


def message_items(message: OutboundMessage) -> list[tuple[str, date, object]]:
    """(invoice number, due date, outstanding when planned) of the items a message covers."""
    if message.reminder_id is None:
        return []
    return list(
        ReminderItem.objects.filter(reminder_id=message.reminder_id)
        .order_by("instalment__due_date", "instalment__invoice__number")
        .values_list("instalment__invoice__number", "instalment__due_date", "outstanding")
    )


def message_events(message: OutboundMessage) -> QuerySet[DeliveryEvent]:
    return DeliveryEvent.objects.filter(message=message).order_by("at", "id")


def delivery_of(message: OutboundMessage) -> tuple[str, int | None]:
    """The derived delivery and the days late of a message read by this module."""
    return message.delivery, message.days_late  # type: ignore[attr-defined]


def sent_page(organisation: Organisation, ids: list[int]) -> list[OutboundMessage]:
    """The messages of one page (``ids`` from ``sent_messages``), annotated for display.

    Read apart from the page's ids so that the rows a page skips are only walked through the
    index, never given their delivery and lateness."""
    messages = OutboundMessage.objects.filter(organisation=organisation, id__in=ids)
    # A list shows no message's content: the bodies (kilobytes each) stay in the database.
    shown = _for_display(messages).defer("body_text", "body_html", "references", "items")
    return list(shown.order_by("-created_at", "-id"))


def _for_display(messages: QuerySet[OutboundMessage]) -> QuerySet[OutboundMessage]:
    return (
        messages.annotate(event=_event())
        .annotate(delivery=_delivery_case(), days_late=_days_late())
        .select_related("customer", "reminder")
    )


def sent_message(organisation: Organisation, uuid: str) -> OutboundMessage | None:
    """One message of the organisation, with its ``delivery`` and ``days_late``."""
    messages = OutboundMessage.objects.filter(organisation=organisation, uuid=uuid)
    return _for_display(messages).first()


def without_open_pixel(html: str) -> str:
    """The HTML as it left, minus the open-tracking image: showing it to a colleague must
    not count as the debtor opening it."""
    path = reverse("open-pixel", args=["TOKEN"]).replace("TOKEN.gif", "")
    return re.sub(rf"<img[^>]*{re.escape(path)}[^>]*>", "", html)
