#!/usr/bin/env python3
# The reference portfolio generator, kept byte for byte as every benchmarked system uses it
# (so it is left out of ruff and mypy).
"""Deterministic synthetic receivables portfolio generator.

README
======

Purpose
-------
Produce the *same* synthetic accounts-receivable ledger for every system that
is benchmarked (relance, and peers such as Tryton's ``account_dunning``), so
that timings and reminder counts can be compared side by side on identical
data.  It is also the reference input format that ``relance import`` reads
natively.  Python 3.11 standard library only.

Usage
-----
::

    python3 gen_portfolio.py --customers 1000 --invoices-per-customer 10 \\
        --as-of 2026-06-30 --seed 42 --out /tmp/portfolio

The same arguments always produce byte-identical files (the only source of
randomness is ``random.Random(seed)``; nothing depends on the clock, the
locale or hash randomisation).  A summary is printed on stderr.

Output files (UTF-8, ``,``-separated, header line, ``\\n`` line endings)
-------------------------------------------------------------------------
``customers.csv``
    ``id, name, kind, country, email, phone, language, created``

    * ``id``        ``C000001`` ...
    * ``kind``      ``B2B`` (about 55 %) or ``B2C``
    * ``country``   ``FR`` (about 70 %) or ``BE``
    * ``language``  ``fr`` for FR; ``nl`` / ``fr`` / ``en`` for BE
    * ``email``/``phone``  fake but well-formed (``example.com/.net/.org``
      domains, E.164 phone numbers)
    * ``created``   ISO date, 60 to 900 days before ``--as-of``

``invoices.csv``
    ``number, customer_id, issue_date, due_date, amount_incl_tax, currency,
    paid_date, paid_amount, payment_term``

    * ``number``          ``INV-YYYY-NNNNNN``, sequential per issue year in
      (issue_date, customer_id) order; the file is sorted by issue date.
    * ``amount_incl_tax`` decimal string with 2 decimals, always > 0
    * ``currency``        always ``EUR``
    * ``paid_date``       ISO date of the (last) payment, empty if nothing
      has been paid by ``--as-of``
    * ``paid_amount``     decimal string, 2 decimals:
        - ``== amount_incl_tax``  -> fully paid on ``paid_date``
        - ``0 < x < amount``      -> partially paid on ``paid_date``, the
          remainder is still open
        - ``0.00``                -> nothing paid (``paid_date`` empty)
    * ``payment_term``    extra column (not needed to dun, but lets an ERP
      recompute the due date): ``NET30`` (issue + 30 days), ``EOM45``
      (issue + 45 days, then end of that month, the French
      "45 jours fin de mois") or ``NET60`` (issue + 60 days).

``customer_profiles.csv``
    ``customer_id, profile`` - the hidden payment behaviour used by the
    generator (``good`` / ``standard`` / ``bad``).  Ground truth for later
    analysis (e.g. scoring); a system under test must NOT read it.

Payment behaviour model
-----------------------
Each customer gets a profile:

* ``good`` (15 %): pays 10 days early to 3 days late; 2 % of invoices up
  to 10 days late.
* ``standard`` (60 %): 15 % on time or early, 70 % 0-20 days late,
  12 % 20-45 days late, 3 % 45-120 days late, 0.5 % never paid
  (disputes); 1 % of invoices are partially paid.
* ``bad`` (25 %): 20 % 0-20 days late, 50 % 20-90 days late, 15 % 90-200
  days late, 15 % never paid; 5 % of invoices partially paid.

Each customer has exactly ``--invoices-per-customer`` invoices whose issue
dates are spread over the customer's active window, i.e. from
``max(created, as_of - 730 days)`` to ``as_of``: about two years of history.
A payment whose simulated date falls after ``--as-of`` has not happened yet,
so the invoice is open: recent invoices are open and not yet due, late
payers' invoices are open and overdue.  "Never paid" invoices whose due date
is more than 400 days before ``--as-of`` are treated as settled through
collection (paid 120-400 days after due), so open overdue ages stay within
1-400 days, like a ledger that writes off / hands over very old debt.

Determinism contract: the output depends only on the four arguments
(``--customers``, ``--invoices-per-customer``, ``--as-of``, ``--seed``).
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import os
import random
import sys
import unicodedata
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

HISTORY_DAYS = 730
MAX_OPEN_AGE = 400
CENT = Decimal("0.01")

FR_FIRST = [
    "Marie", "Jean", "Pierre", "Sophie", "Nicolas", "Camille", "Julien",
    "Isabelle", "Thomas", "Nathalie", "Antoine", "Claire", "Louis", "Emma",
    "Hugo", "Chloé", "Lucas", "Léa", "Mathieu", "Manon", "Élodie", "François",
]
FR_LAST = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
    "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel",
    "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
    "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet",
]
BE_FIRST = [
    "Lucas", "Emma", "Noah", "Olivia", "Louis", "Louise", "Liam", "Mila",
    "Arthur", "Elena", "Jules", "Lina", "Wout", "Lotte", "Pieter", "Sofie",
]
BE_LAST = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes",
    "Goossens", "Wouters", "De Smet", "Dubois", "Lambert", "Dupont",
    "Martin", "Vermeulen", "Van Damme", "Hermans", "Lemaire", "Leclercq",
]
COMPANY_WORDS = [
    "Atelier", "Boulangerie", "Transports", "Imprimerie", "Menuiserie",
    "Garage", "Pharmacie", "Bureau", "Cabinet", "Brasserie", "Électricité",
    "Plomberie", "Informatique", "Conseil", "Logistique", "Agence",
    "Jardins", "Bâtiment", "Studio", "Distribution",
]
FR_LEGAL = ["SARL", "SAS", "SA", "EURL", "SASU", "SCI"]
BE_LEGAL = ["SRL", "BV", "SA", "NV", "SC", "CommV"]
DOMAINS = ["example.com", "example.net", "example.org"]

PROFILE_WEIGHTS = [("good", 15), ("standard", 60), ("bad", 25)]
TERMS = ["NET30", "EOM45", "NET60"]


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    out = []
    for c in text.lower():
        if c.isalnum():
            out.append(c)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def weighted(rng: random.Random, choices):
    total = sum(w for _, w in choices)
    x = rng.random() * total
    for value, w in choices:
        x -= w
        if x < 0:
            return value
    return choices[-1][0]


def due_date(issue: dt.date, term: str) -> dt.date:
    if term == "NET30":
        return issue + dt.timedelta(days=30)
    if term == "NET60":
        return issue + dt.timedelta(days=60)
    if term == "EOM45":
        d = issue + dt.timedelta(days=45)
        return d.replace(day=calendar.monthrange(d.year, d.month)[1])
    raise ValueError(term)


def make_customer(rng: random.Random, idx: int, as_of: dt.date):
    cid = f"C{idx:06d}"
    kind = "B2B" if rng.random() < 0.55 else "B2C"
    country = "FR" if rng.random() < 0.70 else "BE"
    if country == "FR":
        first, last = rng.choice(FR_FIRST), rng.choice(FR_LAST)
        language = "fr"
        phone = "+33" + rng.choice("1234567") + "".join(
            rng.choice("0123456789") for _ in range(8))
    else:
        first, last = rng.choice(BE_FIRST), rng.choice(BE_LAST)
        language = weighted(rng, [("nl", 55), ("fr", 40), ("en", 5)])
        phone = "+32" + rng.choice("23456789") + "".join(
            rng.choice("0123456789") for _ in range(7))
    domain = rng.choice(DOMAINS)
    if kind == "B2B":
        legal = rng.choice(FR_LEGAL if country == "FR" else BE_LEGAL)
        name = f"{rng.choice(COMPANY_WORDS)} {last} {legal}"
        mailbox = rng.choice(["compta", "factures", "accounting", "finance"])
        email = f"{mailbox}.{idx}@{slug(name)}.{domain}"
        terms = [("NET30", 40), ("EOM45", 35), ("NET60", 25)]
    else:
        name = f"{first} {last}"
        email = f"{slug(first)}.{slug(last)}.{idx}@{domain}"
        terms = [("NET30", 85), ("EOM45", 10), ("NET60", 5)]
    created = as_of - dt.timedelta(days=rng.randint(60, 900))
    profile = weighted(rng, PROFILE_WEIGHTS)
    default_term = weighted(rng, terms)
    return {
        "id": cid, "name": name, "kind": kind, "country": country,
        "email": email, "phone": phone, "language": language,
        "created": created, "profile": profile, "term": default_term,
    }


def payment_delay(rng: random.Random, profile: str):
    """Days between due date and payment; None = never paid."""
    r = rng.random()
    if profile == "good":
        if r < 0.02:
            return rng.randint(4, 10)
        return rng.randint(-10, 3)
    if profile == "standard":
        if r < 0.005:
            return None
        if r < 0.155:
            return rng.randint(-5, 0)
        if r < 0.855:
            return int(rng.triangular(0, 20, 3))
        if r < 0.975:
            return rng.randint(21, 45)
        return rng.randint(46, 120)
    # bad
    if r < 0.15:
        return None
    if r < 0.35:
        return rng.randint(0, 20)
    if r < 0.85:
        return int(rng.triangular(21, 90, 35))
    return rng.randint(91, 200)


def make_amount(rng: random.Random, kind: str) -> Decimal:
    if kind == "B2B":
        value = rng.lognormvariate(7.3, 0.9)  # median ~1500 EUR
        value = min(max(value, 50.0), 150000.0)
    else:
        value = rng.lognormvariate(4.8, 0.8)  # median ~120 EUR
        value = min(max(value, 5.0), 5000.0)
    return q2(Decimal(repr(value)))


def generate(customers_n: int, per_customer: int, as_of: dt.date, seed: int):
    rng = random.Random(seed)
    customers = [make_customer(rng, i + 1, as_of) for i in range(customers_n)]
    invoices = []
    history_start = as_of - dt.timedelta(days=HISTORY_DAYS)
    for cust in customers:
        start = max(cust["created"], history_start)
        span = (as_of - start).days
        partial_rate = {"good": 0.0, "standard": 0.01, "bad": 0.05}[
            cust["profile"]]
        issues = sorted(
            start + dt.timedelta(days=rng.randint(0, span))
            for _ in range(per_customer))
        for issue in issues:
            term = cust["term"] if rng.random() < 0.9 else rng.choice(TERMS)
            due = due_date(issue, term)
            amount = make_amount(rng, cust["kind"])
            delay = payment_delay(rng, cust["profile"])
            partial = rng.random() < partial_rate
            partial_ratio = Decimal(rng.randint(30, 70)) / 100
            partial_delay = rng.randint(0, 30)
            settle_delay = rng.randint(120, 400)
            if delay is None and (as_of - due).days > MAX_OPEN_AGE:
                delay = settle_delay  # settled through collection
            paid_date, paid_amount = None, Decimal("0.00")
            if partial and (as_of - due).days <= MAX_OPEN_AGE:
                pdate = due + dt.timedelta(days=partial_delay)
                if pdate < issue:
                    pdate = issue
                if pdate <= as_of:
                    paid_date, paid_amount = pdate, q2(amount * partial_ratio)
                    if paid_amount <= 0 or paid_amount >= amount:
                        paid_date, paid_amount = None, Decimal("0.00")
            elif delay is not None:
                pdate = due + dt.timedelta(days=delay)
                if pdate < issue:
                    pdate = issue
                if pdate <= as_of:
                    paid_date, paid_amount = pdate, amount
            invoices.append({
                "customer_id": cust["id"], "issue_date": issue,
                "due_date": due, "amount": amount, "paid_date": paid_date,
                "paid_amount": paid_amount, "term": term,
            })
    invoices.sort(key=lambda i: (i["issue_date"], i["customer_id"]))
    seq = Counter()
    for inv in invoices:
        year = inv["issue_date"].year
        seq[year] += 1
        inv["number"] = f"INV-{year}-{seq[year]:06d}"
    return customers, invoices


def write(out: str, customers, invoices):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "customers.csv"), "w", newline="",
            encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "kind", "country", "email", "phone",
                "language", "created"])
        for c in customers:
            w.writerow([c["id"], c["name"], c["kind"], c["country"],
                    c["email"], c["phone"], c["language"],
                    c["created"].isoformat()])
    with open(os.path.join(out, "customer_profiles.csv"), "w", newline="",
            encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer_id", "profile"])
        for c in customers:
            w.writerow([c["id"], c["profile"]])
    with open(os.path.join(out, "invoices.csv"), "w", newline="",
            encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["number", "customer_id", "issue_date", "due_date",
                "amount_incl_tax", "currency", "paid_date", "paid_amount",
                "payment_term"])
        for i in invoices:
            w.writerow([i["number"], i["customer_id"],
                    i["issue_date"].isoformat(), i["due_date"].isoformat(),
                    f"{i['amount']:.2f}", "EUR",
                    i["paid_date"].isoformat() if i["paid_date"] else "",
                    f"{i['paid_amount']:.2f}", i["term"]])


def summary(customers, invoices, as_of: dt.date) -> str:
    profiles = Counter(c["profile"] for c in customers)
    status = Counter()
    ages = Counter()
    buckets = [(1, 5), (6, 15), (16, 30), (31, 45), (46, 90), (91, 180),
        (181, 400), (401, 10**6)]
    open_amount = Decimal(0)
    max_age = 0
    for i in invoices:
        if i["paid_amount"] == i["amount"]:
            status["paid"] += 1
            continue
        open_amount += i["amount"] - i["paid_amount"]
        if i["paid_amount"] > 0:
            status["partial"] += 1
        age = (as_of - i["due_date"]).days
        if age <= 0:
            status["open_not_due"] += 1
        else:
            status["open_overdue"] += 1
            max_age = max(max_age, age)
            for lo, hi in buckets:
                if lo <= age <= hi:
                    ages[f"{lo}-{hi}"] += 1
    lines = [
        f"customers={len(customers)} profiles={dict(profiles)}",
        f"invoices={len(invoices)} paid={status['paid']} "
        f"open_not_due={status['open_not_due']} "
        f"open_overdue={status['open_overdue']} "
        f"(of which partially paid={status['partial']}) "
        f"open_amount={open_amount} max_overdue_age={max_age}",
        "overdue ages: " + ", ".join(
            f"{lo}-{hi}d={ages[f'{lo}-{hi}']}" for lo, hi in buckets),
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--invoices-per-customer", type=int, required=True)
    parser.add_argument("--as-of", required=True,
        type=dt.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    customers, invoices = generate(args.customers,
        args.invoices_per_customer, args.as_of, args.seed)
    write(args.out, customers, invoices)
    print(summary(customers, invoices, args.as_of), file=sys.stderr)


if __name__ == "__main__":
    main()
