"""MessageContext, the money and date formatters, and a realistic context for other tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.channels.templating import (
    Collector,
    Customer,
    MessageContext,
    OpenItem,
    Organisation,
    Penalties,
    StepInfo,
    render,
)
from relance.channels.templating.formatting import format_date, format_money

D = Decimal


def make_context(
    *,
    language: str = "fr",
    country: str = "FR",
    kind: str = "B2B",
    step: tuple[str, str, str] = ("reminder_1", "courteous", "none"),
    count: int = 3,
    portal_url: str = "https://pay.atelier-dupont.fr/c/7f3a9b",
) -> MessageContext:
    """Several open items (one part-paid, one not yet due), penalties, a portal link."""
    items = [
        OpenItem(
            number=f"F2025-{101 + n}",
            issue_date=date(2025, 11, 3 + n),
            due_date=date(2025, 12, 3 + n),
            days_late=38 - n,
            amount=D("1234.56") + n * D("1000.10"),
            outstanding=D("1234.56") + n * D("1000.10") - (D("200.00") if n == 1 else 0),
        )
        for n in range(count)
    ]
    if count > 1:
        items.append(
            OpenItem("F2026-007", date(2026, 1, 5), date(2026, 2, 4), -25, D("480.00"), D("480.00"))
        )
    overdue = sum((i.outstanding for i in items if i.days_late > 0), D("0.00"))
    indemnity = D("0.00") if kind == "B2C" else D("40.00") * count
    interest = D("38.17")
    belgian = country == "BE"
    return MessageContext(
        organisation=Organisation(
            name="Atelier Dupont SAS",
            address="12 rue des Lilas\n75011 Paris",
            sender_name="Atelier Dupont — comptabilité",
            iban="FR76 3000 6000 0112 3456 7890 189",
            bic="AGRIFRPP",
            phone="+33 1 23 45 67 89",
            email="compta@atelier-dupont.fr",
            registration="SIREN 123 456 789",
        ),
        customer=Customer(
            name="Brasserie Lambert SRL" if belgian else "Menuiserie Martin SARL",
            reference="C-0042",
            kind=kind,
            country=country,
            language=language,
            address="Rue Haute 5\n1000 Bruxelles" if belgian else "3 place du Marché\n69002 Lyon",
        ),
        collector=Collector(
            name="Marie Leroy", email="marie.leroy@atelier-dupont.fr", phone="+33 1 23 45 67 80"
        ),
        step=StepInfo(*step),
        items=tuple(reversed(items)),  # the context sorts them by due date
        total_due=sum((i.outstanding for i in items), D("0.00")),
        total_overdue=overdue,
        today=date(2026, 1, 10),
        payment_reference="+++090/9337/55493+++" if belgian else "RF18 5390 0754 7034",
        portal_url=portal_url,
        penalties=Penalties(
            interest=interest,
            indemnity=indemnity,
            total=interest + indemnity,
            lines=("Du 04/12/2025 au 10/01/2026 : 37 jours à 12,15 % sur 1 234,56 € = 15,20 €",),
        ),
        deadline=date(2026, 1, 25),
    )


def test_items_are_sorted_by_due_date():
    context = make_context()
    assert [i.due_date for i in context.items] == sorted(i.due_date for i in context.items)
    assert context.items[-1].number == "F2026-007"


def test_amount_claimed_adds_penalties_only_when_claimed():
    mentioned = make_context(step=("reminder_2", "neutral", "mentioned"))
    claimed = make_context(step=("last_warning", "firm", "claimed"))
    assert mentioned.amount_claimed == mentioned.total_overdue
    assert claimed.penalties is not None
    assert claimed.amount_claimed == claimed.total_overdue + claimed.penalties.total


def test_unknown_language_or_kind_is_refused():
    with pytest.raises(ValueError, match="langue"):
        make_context(language="es")
    with pytest.raises(ValueError, match="type de client"):
        make_context(kind="B2X")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "1\u202f234,56\u00a0€"),
        ("nl", "€\u00a01.234,56"),
        ("de", "1.234,56\u00a0€"),
        ("en", "€1,234.56"),
    ],
)
def test_money(language, expected):
    assert format_money(D("1234.555"), language) == expected


def test_money_rounds_half_up_and_keeps_the_sign():
    assert format_money(D("0.005"), "en") == "€0.01"
    assert format_money(D("-1234567.8"), "fr") == "-1\u202f234\u202f567,80\u00a0€"
    assert format_money(D("-5"), "nl") == "€\u00a0-5,00"
    assert format_money(D("12"), "en", "CHF") == "CHF 12.00"


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [
        ("fr", "31/01/2026", "31 janvier 2026"),
        ("nl", "31-01-2026", "31 januari 2026"),
        ("de", "31.01.2026", "31. Januar 2026"),
        ("en", "31 January 2026", "31 January 2026"),
    ],
)
def test_dates(language, short, long):
    assert format_date(date(2026, 1, 31), language) == short
    assert format_date(date(2026, 1, 31), language, "long") == long


def test_filters_follow_the_message_language():
    context = make_context(language="de")
    out = render("{{ total_overdue|money }} {{ today|date }} {{ today|date('long') }}", context,
                 html=False)  # fmt: skip
    assert out == f"{format_money(context.total_overdue, 'de')} 10.01.2026 10. Januar 2026"
    assert render("{{ 5|money(language='en') }}", context, html=False) == "€5.00"
