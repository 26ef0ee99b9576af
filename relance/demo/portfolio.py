"""A realistic, deterministic receivables portfolio for the demo organisation.

The output is two CSV files in relance's reference import format (UTF-8, ``,``, ``\\n``),
so the demo goes through the real importer. Only the standard library is used, nothing is
read from the clock (``today`` is an argument) and the only randomness is
``random.Random(seed)``: the same arguments always give byte-identical files.

The model
---------
*Customers.* The population is dealt from a deck, so the proportions hold exactly (up to
rounding) even for a handful of customers: 70 % French, 30 % Belgian; 60 % companies
(``B2B``), 30 % private persons (``B2C``), 10 % public bodies (``PUBLIC``). Belgian customers
speak ``nl`` (55 %), ``fr`` (40 %), ``en`` or ``de``; names, contacts, towns and mailboxes
follow the language. Companies carry valid identifiers: a SIREN (Luhn) with its FR VAT
number, or a Belgian enterprise number (mod 97) with its BE VAT number. Public bodies have a
SIREN or enterprise number but no VAT number; persons have none. Emails use the
``example.*`` domains and French phones the ranges reserved for fiction.

*History.* Each customer starts 90 to 900 days before ``today``; invoices cover the last two
years of that (``HISTORY_DAYS``), one every 24-40 days for a company, 28-48 for a public
body, 50-100 for a person, with some jitter. Amounts are log-normal around a per-customer
typical amount: 150-25,000 EUR for companies and public bodies, 40-900 EUR for persons.
Terms: ``NET30`` mostly, ``NET45``, ``EOM45`` (issue + 45 days, then end of month) and
``NET60``; persons are ``NET30``, public bodies ``NET30`` or ``NET60``.

*Payment behaviour* (days after the due date; negative is early):

* ``good`` (20 %): -10 to +3.
* ``standard`` (55 %): 10 % -5 to 0, 78 % 0 to 14, 12 % 15 to 45 (so that, as in practice,
  most of them stay under the "paid over 15 days late" threshold of the bad-payer segment).
* ``bad`` (20 %): 20 to 120, and 15 % of invoices never paid.
* ``disputing`` (5 %): standard, except one or two invoices due 20-240 days ago that are
  contested and never paid.

About 3 % of invoices (1 % good, 2.5 % standard, 6 % bad) are paid only in part (20-80 %).
A payment dated after ``today`` has not happened: the invoice is open with nothing paid.
Debt that would be open more than ``MAX_OPEN_AGE`` days past due is settled as if it had
gone through collection, so open ages stay under a year, like a ledger that hands over very
old debt. As of ``today`` this gives invoices not yet due, overdue ones in every ageing
bucket (1-30, 31-60, 61-90, > 90 days) and a few partially paid.

Invoices are numbered ``F-YYYY-NNNNN``, sequential per issue year in (issue date, customer)
order, and the file is sorted that way.
"""

from __future__ import annotations

import calendar
import csv
import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from . import names as n

HISTORY_DAYS = 730
MAX_OPEN_AGE = 330
CUSTOMER_HEADER = (
    "id", "name", "kind", "country", "language", "email", "phone", "contact", "vat", "siren",
    "enterprise_number", "payment_terms", "created",
)  # fmt: skip
INVOICE_HEADER = (
    "number", "customer_id", "issue_date", "due_date", "amount_incl_tax", "currency",
    "paid_date", "paid_amount", "payment_term",
)  # fmt: skip

_SEGMENTS = (
    (("FR", "B2B"), 42), (("FR", "B2C"), 21), (("FR", "PUBLIC"), 7),
    (("BE", "B2B"), 18), (("BE", "B2C"), 9), (("BE", "PUBLIC"), 3),
)  # fmt: skip
_BE_LANGUAGES = (("nl", 55), ("fr", 40), ("en", 3), ("de", 2))
_PROFILES = (("good", 20), ("standard", 55), ("bad", 20), ("disputing", 5))
_B2B_TERMS = (("NET30", 60), ("NET45", 15), ("EOM45", 15), ("NET60", 10))
# SIREN prefixes of French public bodies: communes, hospitals, groupings of communes.
_PUBLIC_SIREN = {"Mairie": "21", "Commune": "21", "Centre": "26", "Communauté": "24"}
_PUBLIC_TERMS = (("NET30", 50), ("NET60", 50))
_PARTIAL_RATE = {"good": 0.02, "standard": 0.05, "bad": 0.12, "disputing": 0.05}
# Amount bounds in cents and log-normal parameters (median EUR, spread, per-invoice spread).
_AMOUNTS = {
    "B2B": (15_000, 2_500_000, 1500.0, 0.9, 0.45),
    "PUBLIC": (15_000, 2_500_000, 2500.0, 0.8, 0.4),
    "B2C": (4_000, 90_000, 180.0, 0.6, 0.35),
}
# Mean days between two invoices, drawn per customer.
_INTERVALS = {"B2B": (24.0, 40.0), "PUBLIC": (28.0, 48.0), "B2C": (50.0, 100.0)}

T = TypeVar("T")


@dataclass(frozen=True)
class DemoPortfolio:
    customers_csv: bytes
    invoices_csv: bytes
    customers: int
    invoices: int


@dataclass(frozen=True)
class _Customer:
    index: int
    id: str
    name: str
    kind: str
    country: str
    language: str
    email: str
    phone: str
    contact: str
    vat: str
    siren: str
    enterprise_number: str
    terms: str
    created: date
    profile: str


@dataclass(frozen=True)
class _Invoice:
    customer: _Customer
    seq: int
    issue: date
    due: date
    cents: int
    paid_date: date | None
    paid_cents: int


def build_demo_portfolio(*, today: date, customers: int = 120, seed: int = 2026) -> DemoPortfolio:
    """Generate the demo portfolio as of ``today`` (see the module docstring)."""
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if isinstance(today, datetime):  # a datetime would leak a time into the ISO dates
        today = today.date()
    rng = random.Random(seed)
    segments = _deal(rng, customers, _SEGMENTS)
    profiles = _deal(rng, customers, _PROFILES)
    be_count = sum(1 for country, _ in segments if country == "BE")
    be_languages = iter(_deal(rng, be_count, _BE_LANGUAGES))
    people: list[_Customer] = []
    invoices: list[_Invoice] = []
    taken = {"-"}  # names, emails and identifiers used so far; only tested, never iterated
    for index, ((country, kind), profile) in enumerate(zip(segments, profiles, strict=True), 1):
        language = next(be_languages) if country == "BE" else "fr"
        customer = _customer(rng, index, country, kind, language, profile, today, taken)
        people.append(customer)
        invoices.extend(_invoices(rng, customer, today))
    invoices.sort(key=lambda inv: (inv.issue, inv.customer.index, inv.seq))
    return DemoPortfolio(
        customers_csv=_csv(CUSTOMER_HEADER, (_customer_row(c) for c in people)),
        invoices_csv=_csv(INVOICE_HEADER, _invoice_rows(invoices)),
        customers=len(people),
        invoices=len(invoices),
    )


# --- customers -------------------------------------------------------------------------------


def _customer(
    rng: random.Random,
    index: int,
    country: str,
    kind: str,
    language: str,
    profile: str,
    today: date,
    taken: set[str],
) -> _Customer:
    style = language if country == "BE" and language in ("nl", "de") else "fr"
    if country == "BE" and language == "en":
        style = rng.choice(("nl", "fr"))
    community = "FR" if country == "FR" else f"BE-{style}"
    for _ in range(20):  # look for an unused name, accept a homonym in huge portfolios
        town, zone = rng.choice(n.towns(community))
        if kind == "B2C":
            name = n.person(rng, language if language == "en" else community)
        elif kind == "PUBLIC":
            name = n.public_body(rng, community, town)
        else:
            name = n.company(rng, community)
        if name not in taken:
            break
    taken.add(name)
    contact = "" if kind == "B2C" else n.person(rng, language if language == "en" else community)
    siren = enterprise = vat = ""
    while kind != "B2C" and (siren or enterprise or "-") in taken:
        if country == "FR":  # SIREN: 8 digits and a Luhn check digit
            prefix = rng.choice("356789") if kind == "B2B" else _PUBLIC_SIREN[name.split()[0]]
            siren = _luhn_complete(prefix, 9, rng)
            vat = f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
        else:  # 8 digits and 97 - (those mod 97); public bodies start with 02
            first = "02" if kind == "PUBLIC" else rng.choice(("04", "05", "06", "07", "08", "10"))
            body = first + "".join(rng.choice("0123456789") for _ in range(8 - len(first)))
            enterprise = f"{body}{97 - int(body) % 97:02d}"
            vat = f"BE{enterprise}"
    taken.add(siren or enterprise)
    vat = vat if kind == "B2B" else ""
    if kind == "B2B":
        terms = n.weighted(rng, _B2B_TERMS)
    else:
        terms = n.weighted(rng, _PUBLIC_TERMS) if kind == "PUBLIC" else "NET30"
    return _Customer(
        index=index,
        id=f"C{index:05d}",
        name=name,
        kind=kind,
        country=country,
        language=language,
        email=n.email(rng, name, kind, country, language, index, taken),
        phone=n.phone(rng, country, kind, zone),
        contact=contact,
        vat=vat,
        siren=siren,
        enterprise_number=enterprise,
        terms=terms,
        created=today - timedelta(days=rng.randint(90, 900)),
        profile=profile,
    )


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    """Random digits after ``prefix``, then the Luhn check digit, ``length`` digits in all."""
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - 1 - len(prefix)))
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return f"{body}{(10 - total % 10) % 10}"


# --- invoices --------------------------------------------------------------------------------


def _invoices(rng: random.Random, customer: _Customer, today: date) -> list[_Invoice]:
    start = max(customer.created, today - timedelta(days=HISTORY_DAYS))
    low, high = _INTERVALS[customer.kind]
    interval = rng.uniform(low, high)
    issues: list[date] = []
    day = start + timedelta(days=rng.randint(0, int(interval)))
    while day <= today:
        issues.append(day)
        day += timedelta(days=max(7, round(interval * rng.uniform(0.6, 1.4))))
    if not issues:
        issues.append(start + timedelta(days=rng.randint(0, (today - start).days)))
    min_cents, max_cents, median, spread, jitter = _AMOUNTS[customer.kind]
    typical = rng.lognormvariate(0.0, spread) * median
    dues = [_due_date(issue, customer.terms) for issue in issues]
    disputed = _disputed(rng, dues, today) if customer.profile == "disputing" else set()
    result = []
    for seq, (issue, due) in enumerate(zip(issues, dues, strict=True)):
        for _ in range(10):  # redraw outliers rather than pile them up on the bounds
            cents = round(typical * rng.lognormvariate(0.0, jitter) * 100)
            if min_cents <= cents <= max_cents:
                break
        cents = min(max(cents, min_cents), max_cents)
        paid_date, paid_cents = _payment(rng, customer.profile, seq in disputed, due, cents, today)
        if paid_date is not None:
            paid_date = max(paid_date, issue)
        result.append(_Invoice(customer, seq, issue, due, cents, paid_date, paid_cents))
    return result


def _due_date(issue: date, terms: str) -> date:
    if terms == "EOM45":
        day = issue + timedelta(days=45)
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return issue + timedelta(days=int(terms.removeprefix("NET")))


def _disputed(rng: random.Random, dues: list[date], today: date) -> set[int]:
    """One or two invoices, due 20 to 240 days ago (else the latest overdue), never paid."""
    overdue = [i for i, due in enumerate(dues) if due < today]
    recent = [i for i in overdue if 20 <= (today - dues[i]).days <= 240] or overdue[-2:]
    return set(rng.sample(recent, min(len(recent), rng.choice((1, 1, 2)))))


def _payment(
    rng: random.Random, profile: str, disputed: bool, due: date, cents: int, today: date
) -> tuple[date | None, int]:
    """When and how much was paid by ``today``: ``(None, 0)`` when nothing was."""
    draw = rng.random()
    never = disputed or (profile == "bad" and draw < 0.15)
    if profile == "good":
        delay = rng.randint(-10, 3)
    elif profile == "bad":
        delay = rng.randint(20, 120)
    elif draw < 0.10:
        delay = rng.randint(-5, 0)
    else:
        delay = rng.randint(0, 14) if draw < 0.88 else rng.randint(15, 45)
    partial = rng.random() < _PARTIAL_RATE[profile]
    settled = today - due > timedelta(days=MAX_OPEN_AGE)
    if never:  # contested or defaulted: collected later if it is very old, else still open
        if not settled:
            return None, 0
        return due + timedelta(days=rng.randint(120, MAX_OPEN_AGE)), cents
    paid = due + timedelta(days=delay)
    if paid > today:
        return None, 0
    if partial:
        balance = paid + timedelta(days=rng.randint(20, 120))
        if settled and balance <= today:
            return balance, cents
        return paid, min(max(round(cents * rng.uniform(0.2, 0.8)), 1), cents - 1)
    return paid, cents


# --- helpers ---------------------------------------------------------------------------------


def _deal(rng: random.Random, count: int, weights: Sequence[tuple[T, int]]) -> list[T]:
    """``count`` values in the given proportions (largest remainder), in random order."""
    total = sum(weight for _, weight in weights)
    quotas = [count * weight / total for _, weight in weights]
    shares = [int(quota) for quota in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - quotas[i], i))
    for i in by_remainder[: count - sum(shares)]:
        shares[i] += 1
    deck = [value for (value, _), share in zip(weights, shares, strict=True) for _ in range(share)]
    rng.shuffle(deck)
    return deck


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _customer_row(c: _Customer) -> tuple[str, ...]:
    return (
        c.id, c.name, c.kind, c.country, c.language, c.email, c.phone, c.contact, c.vat,
        c.siren, c.enterprise_number, c.terms, c.created.isoformat(),
    )  # fmt: skip


def _invoice_rows(invoices: list[_Invoice]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    counters: dict[int, int] = {}
    for inv in invoices:
        counters[inv.issue.year] = counters.get(inv.issue.year, 0) + 1
        paid = inv.paid_date.isoformat() if inv.paid_date else ""
        row = (
            f"F-{inv.issue.year}-{counters[inv.issue.year]:05d}", inv.customer.id,
            inv.issue.isoformat(), inv.due.isoformat(), _money(inv.cents), "EUR", paid,
            _money(inv.paid_cents), inv.customer.terms,
        )  # fmt: skip
        rows.append(row)
    return rows


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
