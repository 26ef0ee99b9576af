"""What customers do after a reminder: reply, dispute, promise, and how far the chase goes.

Definitions (docs/reports.md, "Analyse"), over the reminders done in the period as the
filters keep them:

- **Reply rate**: of the e-mails that left, the share that got a reply (a reply read back
  by relance); **bounce rate**: the share rejected by the recipient's server.
- **Dispute rate**: the share of reminders followed, within ``FOLLOW_DAYS`` days from their
  day, by a dispute opened on one of the invoices they listed.
- **Promise rate**: the share of reminders followed, within ``FOLLOW_DAYS`` days, by a
  promise to pay from the customer. **Promises kept**: of those promises whose date and
  grace have passed, the share never found broken.
- **Escalation rate**: of the customers reminded in the period, the share who received a
  formal notice, and the share handed over to legal action, from the period's start to
  today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from relance.accounts.models import Organisation
from relance.channels.models import DeliveryEvent, DeliveryEventKind, OutboundMessage
from relance.dunning.models import Dispute, Promise, Reminder, ReminderStatus
from relance.dunning.promises import promises_holding_since
from relance.lib.days import DaysBetween
from relance.reports.analytics_filters import AnalyticsFilters, reminder_items
from relance.reports.collection import percent

FOLLOW_DAYS = 30
ESCALATIONS = ("formal_notice", "legal")


@dataclass(frozen=True)
class Engagement:
    reminders: int
    customers: int
    emails: int
    replied: int
    bounced: int
    disputed: int  # reminders followed by a dispute
    promised: int  # reminders followed by a promise
    promises: int  # promises that followed a reminder
    promises_kept: int
    promises_broken: int
    formal_notice: int  # reminded customers who received a formal notice
    legal: int  # reminded customers handed over to legal action

    @property
    def rates(self) -> dict[str, Decimal | None]:
        return {
            "reply": percent(Decimal(self.replied), Decimal(self.emails)),
            "bounce": percent(Decimal(self.bounced), Decimal(self.emails)),
            "dispute": percent(Decimal(self.disputed), Decimal(self.reminders)),
            "promise": percent(Decimal(self.promised), Decimal(self.reminders)),
            "promise_kept": percent(
                Decimal(self.promises_kept), Decimal(self.promises_kept + self.promises_broken)
            ),
            "formal_notice": percent(Decimal(self.formal_notice), Decimal(self.customers)),
            "legal": percent(Decimal(self.legal), Decimal(self.customers)),
        }

    def as_dict(self) -> dict[str, Any]:
        counts = {name: getattr(self, name) for name in self.__dataclass_fields__}
        rates = {f"{name}_rate": None if value is None else f"{value}"
                 for name, value in self.rates.items()}  # fmt: skip
        return counts | rates


def engagement(organisation: Organisation, filters: AnalyticsFilters, today: date) -> Engagement:
    """Replies, bounces, disputes, promises and escalations after the period's reminders."""
    reminders = Reminder.objects.filter(
        pk__in=reminder_items(organisation, filters).values("reminder_id")
    )
    dispute_after = (
        Dispute.objects.filter(invoice__instalments__reminder_items__reminder=OuterRef("pk"))
        .alias(after=DaysBetween("opened_on", OuterRef("run_date")))
        .filter(after__gte=0, after__lte=FOLLOW_DAYS)
    )
    promise_after = (
        Promise.objects.filter(customer=OuterRef("customer_id"))
        .alias(after=DaysBetween("recorded_on", OuterRef("run_date")))
        .filter(after__gte=0, after__lte=FOLLOW_DAYS)
    )
    counts = reminders.aggregate(
        reminders=Count("pk"),
        customers=Count("customer_id", distinct=True),
        disputed=Count("pk", filter=Q(Exists(dispute_after))),
        promised=Count("pk", filter=Q(Exists(promise_after))),
    )
    return Engagement(
        **counts,
        **_emails(reminders),
        **_promises(organisation, reminders, today),
        **_escalations(organisation, reminders, filters),
    )


def _emails(reminders: Any) -> dict[str, int]:
    def event(kind: str) -> Exists:
        return Exists(DeliveryEvent.objects.filter(message=OuterRef("pk"), kind=kind))

    return OutboundMessage.objects.filter(
        reminder__in=reminders, channel="email", sent_at__isnull=False
    ).aggregate(
        emails=Count("pk"),
        replied=Count("pk", filter=Q(event(DeliveryEventKind.REPLIED))),
        bounced=Count("pk", filter=Q(event(DeliveryEventKind.BOUNCED))),
    )


def _promises(organisation: Organisation, reminders: Any, today: date) -> dict[str, int]:
    """Promises recorded within FOLLOW_DAYS days after one of the reminders."""
    followed = (
        reminders.filter(customer_id=OuterRef("customer_id"))
        .alias(after=DaysBetween(OuterRef("recorded_on"), "run_date"))
        .filter(after__gte=0, after__lte=FOLLOW_DAYS)
    )
    since = promises_holding_since(organisation, today=today)
    return (
        Promise.objects.filter(organisation=organisation)
        .filter(Exists(followed))
        .aggregate(
            promises=Count("pk"),
            promises_kept=Count("pk", filter=Q(broken_on__isnull=True, promised_on__lt=since)),
            promises_broken=Count("pk", filter=Q(broken_on__isnull=False)),
        )
    )


def _escalations(
    organisation: Organisation, reminders: Any, filters: AnalyticsFilters
) -> dict[str, int]:
    """Reminded customers who received a formal notice, or were handed over to legal action,
    since the period's start: read from the organisation's reminders by day (indexed), not
    customer by customer."""
    reached = dict(
        Reminder.objects.filter(
            organisation=organisation, run_date__gte=filters.date_from,
            status=ReminderStatus.SENT, channel__in=ESCALATIONS,
            customer_id__in=reminders.values("customer_id"),
        )
        .values_list("channel")
        .annotate(customers=Count("customer_id", distinct=True))
        .order_by()
    )  # fmt: skip
    return {channel: reached.get(channel, 0) for channel in ESCALATIONS}
