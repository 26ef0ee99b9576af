"""The weekly digest of each collector: last week and the week ahead, read for all the
collectors of an organisation at once.

Each figure is one grouped query over the organisation (by the customers' collector), so
that the number of queries does not grow with the number of collectors. A collector with
customers assigned reads the figures of their own customers; one without reads the
organisation's.

The week starts on a Monday (``week``): "last week" is the seven days before it, "this
week" the seven days from it. Amounts stay per currency.

What the week should bring in is the organisation's cash-in forecast, as the morning run
recorded it (``CashForecastWeek``): the same figures in every digest, since the forecast is
made for the organisation, not per collector. What falls due stays beside it: it is what
is owed, the forecast what is likely to be paid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Min, Sum, Window
from django.db.models.functions import RowNumber

from relance.accounts.models import Membership, Organisation, Role, User
from relance.dunning.models import Dispute, Promise
from relance.ledger.models import Customer, CustomerBalance, Payment
from relance.ledger.selectors import open_instalments
from relance.reports.models import CashForecastWeek

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TOP = 10
ORGANISATION = None  # the key of the organisation's own figures (collector ids otherwise)


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


@dataclass
class Tally:
    """An amount per currency and how many items made it."""

    amounts: dict[str, Decimal] = field(default_factory=dict)
    count: int = 0

    def add(self, currency: str, amount: Decimal, count: int = 1) -> None:
        total = self.amounts.get(currency, ZERO) + Decimal(str(amount or 0))
        self.amounts[currency] = total.quantize(CENT)
        self.count += count


@dataclass(frozen=True)
class OverdueCustomer:
    name: str
    external_ref: str
    currency: str
    overdue: Decimal
    days_late: int | None


@dataclass
class Figures:
    collected: Tally = field(default_factory=Tally)  # last week
    promised: Tally = field(default_factory=Tally)  # promises falling this week
    broken: Tally = field(default_factory=Tally)  # promises found broken last week
    disputes_opened: int = 0  # last week
    falling_due: Tally = field(default_factory=Tally)  # still owed, due this week
    top_overdue: list[OverdueCustomer] = field(default_factory=list)


@dataclass(frozen=True)
class Expected:
    """The organisation's forecast receipts of the week, per currency; ``as_of`` is the last
    day of payments the forecast knew (None: no forecast recorded for the week)."""

    amounts: dict[str, Decimal] = field(default_factory=dict)
    as_of: date | None = None


@dataclass(frozen=True)
class Digest:
    user: User
    organisation: Organisation
    week: date
    own_customers: bool  # the figures are the user's customers' (else the organisation's)
    figures: Figures
    expected: Expected = field(default_factory=Expected)

    @property
    def last_week(self) -> tuple[date, date]:
        return self.week - timedelta(days=7), self.week - timedelta(days=1)

    @property
    def this_week(self) -> tuple[date, date]:
        return self.week, self.week + timedelta(days=6)


def digest_recipients(organisation: Organisation) -> list[User]:
    """The organisation's collectors who did not turn the digest off."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            organisation=organisation, role=Role.COLLECTOR, weekly_digest=True,
            user__is_active=True,
        ).select_related("user").order_by("user__email")
    ]  # fmt: skip


def weekly_digests(
    organisation: Organisation, *, week: date, users: Iterable[User] | None = None
) -> list[Digest]:
    """The digest of each of ``users`` (default: the recipients) for the week of ``week``."""
    week = week_of(week)
    people = list(digest_recipients(organisation) if users is None else users)
    figures, expected = _figures(organisation, week), expected_receipts(organisation, week)
    owners = set(
        Customer.objects.filter(organisation=organisation, collector__in=people)
        .order_by().values_list("collector_id", flat=True).distinct()
    )  # fmt: skip
    return [
        Digest(
            user=user, organisation=organisation, week=week, own_customers=user.pk in owners,
            figures=figures.get(user.pk, Figures()) if user.pk in owners
            else figures.get(ORGANISATION, Figures()), expected=expected,
        )
        for user in people
    ]  # fmt: skip


def expected_receipts(organisation: Organisation, week: date) -> Expected:
    """What the recorded forecast expects in the week starting on ``week``: from payment
    habits, promises and payment plans together, per currency (one query)."""
    rows = CashForecastWeek.objects.filter(
        forecast__organisation=organisation, week_start=week
    ).values_list("forecast__currency", "forecast__as_of", "statistical", "promised", "planned")
    amounts: dict[str, Decimal] = {}
    known: list[date] = []
    for currency, as_of, statistical, promised, planned in rows:
        amounts[currency] = (statistical + promised + planned).quantize(CENT)
        known.append(as_of)
    return Expected(dict(sorted(amounts.items())), max(known, default=None))


def _figures(organisation: Organisation, week: date) -> dict[int | None, Figures]:
    """The figures of every collector's customers, and of the whole organisation."""
    found: dict[int | None, Figures] = defaultdict(Figures)

    def each(collector: int | None) -> list[Figures]:
        return [found[ORGANISATION]] if collector is None else [found[collector],
                                                                found[ORGANISATION]]  # fmt: skip

    last_monday, next_monday = week - timedelta(days=7), week + timedelta(days=7)
    payments = (
        Payment.objects.filter(organisation=organisation, date__gte=last_monday, date__lt=week,
                               reversed_on=None)
        .values_list("customer__collector_id", "currency").annotate(total=Sum("amount"),
                                                                     n=Count("id"))
        .order_by()
    )  # fmt: skip
    for collector, currency, total, count in payments:
        for figures in each(collector):
            figures.collected.add(currency, total, count)
    promises = Promise.objects.filter(organisation=organisation).annotate(
        currency=Min("invoices__currency")
    )
    coming = promises.filter(broken_on=None, promised_on__gte=week, promised_on__lt=next_monday)
    broken = promises.filter(broken_on__gte=last_monday, broken_on__lt=week)
    for rows, tally in ((coming, "promised"), (broken, "broken")):
        for collector, currency, amount in rows.values_list(
            "customer__collector_id", "currency", "amount"
        ):
            for figures in each(collector):
                getattr(figures, tally).add(currency or organisation.default_currency, amount)
    disputes = (
        Dispute.objects.filter(organisation=organisation, opened_on__gte=last_monday,
                               opened_on__lt=week)
        .values_list("invoice__customer__collector_id").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    for collector, count in disputes:
        for figures in each(collector):
            figures.disputes_opened += count
    due = (
        open_instalments(organisation).filter(due_date__gte=week, due_date__lt=next_monday)
        .values_list("customer__collector_id", "invoice__currency")
        .annotate(total=Sum("outstanding"), n=Count("id")).order_by()
    )  # fmt: skip
    for collector, currency, total, count in due:
        for figures in each(collector):
            figures.falling_due.add(currency, total, count)
    for collector, customers in _top_overdue(organisation, week).items():
        found[collector].top_overdue = customers
    return found


def _top_overdue(organisation: Organisation, week: date) -> dict[int | None, list[OverdueCustomer]]:
    """The ten customers owing most overdue, for each collector and for the organisation: two
    queries, a window numbering each collector's customers."""
    owing = CustomerBalance.objects.filter(organisation=organisation, overdue__gt=0)
    columns = ("customer__collector_id", "customer__name", "customer__external_ref", "currency",
               "overdue", "oldest_due_date")  # fmt: skip
    ranked = owing.filter(customer__collector__isnull=False).annotate(
        rank=Window(RowNumber(), partition_by=F("customer__collector_id"),
                    order_by=(F("overdue").desc(), F("id").asc())),
    ).filter(rank__lte=TOP)  # fmt: skip
    found: dict[int | None, list[OverdueCustomer]] = defaultdict(list)
    everyone = owing.order_by("-overdue", "id")[:TOP].values_list(*columns)
    rows = [(ORGANISATION, row) for row in everyone]
    rows += [(row[0], row) for row in ranked.order_by("customer__collector_id", "rank")
             .values_list(*columns)]  # fmt: skip
    for key, (_collector, name, ref, currency, overdue, oldest) in rows:
        late = (week - oldest).days if oldest and oldest < week else None
        found[key].append(OverdueCustomer(name, ref, currency, Decimal(overdue), late))
    return found
