"""The demo portfolio generator: determinism, format, valid identifiers, a consistent ledger and
an interesting ageing as of ``today``. No database needed."""

from __future__ import annotations

import ast
import calendar
import csv
import hashlib
import io
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren

from relance.demo.portfolio import DemoPortfolio, build_demo_portfolio

TODAY = date(2026, 6, 30)
LEAP_DAY = date(2028, 2, 29)
NEW_YEAR = date(2027, 1, 1)
NEW_YEARS_EVE = date(2026, 12, 31)
CUSTOMER_HEADER = (
    "id,name,kind,country,language,email,phone,contact,vat,siren,enterprise_number,"
    "payment_terms,created"
)
INVOICE_HEADER = (
    "number,customer_id,issue_date,due_date,amount_incl_tax,currency,paid_date,paid_amount,"
    "payment_term"
)
DEMO_DIR = Path(__file__).resolve().parents[2] / "relance" / "demo"

Row = dict[str, str]
BUCKETS = ((0, "not due"), (30, "1-30"), (60, "31-60"), (90, "61-90"), (10**6, ">90"))
PUBLIC_BODY = re.compile(
    r"(Mairie|Commune|Centre|Communauté|Ville|CPAS|Gemeente|Stad|OCMW|Gemeinde|ÖSHZ) "
)


def rows(data: bytes) -> list[Row]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.fixture(scope="module")
def portfolio() -> DemoPortfolio:
    return build_demo_portfolio(today=TODAY)


@pytest.fixture(scope="module")
def customers(portfolio: DemoPortfolio) -> list[Row]:
    return rows(portfolio.customers_csv)


@pytest.fixture(scope="module")
def invoices(portfolio: DemoPortfolio) -> list[Row]:
    return rows(portfolio.invoices_csv)


def ageing(invoices: list[Row], today: date) -> Counter[str]:
    """Open invoices by bucket of days past due, plus the partially paid ones."""
    buckets: Counter[str] = Counter()
    for inv in invoices:
        amount, paid = Decimal(inv["amount_incl_tax"]), Decimal(inv["paid_amount"])
        if 0 < paid < amount:
            buckets["partial"] += 1
        if paid == amount:
            continue
        late = (today - date.fromisoformat(inv["due_date"])).days
        buckets[next(name for limit, name in BUCKETS if late <= limit)] += 1
    return buckets


# --- determinism and purity ------------------------------------------------------------------


def test_same_arguments_give_the_same_bytes(portfolio: DemoPortfolio) -> None:
    again = build_demo_portfolio(today=TODAY, customers=120, seed=2026)
    assert again == portfolio


def test_another_seed_or_day_gives_another_portfolio(portfolio: DemoPortfolio) -> None:
    other = build_demo_portfolio(today=TODAY, seed=2027)
    assert other.customers_csv != portfolio.customers_csv
    assert other.invoices_csv != portfolio.invoices_csv
    assert build_demo_portfolio(today=NEW_YEAR).invoices_csv != portfolio.invoices_csv


def test_a_datetime_is_taken_as_its_date(portfolio: DemoPortfolio) -> None:
    assert build_demo_portfolio(today=datetime(2026, 6, 30, 17, 45)) == portfolio


def test_output_does_not_depend_on_hash_randomisation(portfolio: DemoPortfolio) -> None:
    code = (
        "import hashlib, datetime\n"
        "from relance.demo.portfolio import build_demo_portfolio\n"
        "p = build_demo_portfolio(today=datetime.date(2026, 6, 30))\n"
        "print(hashlib.sha256(p.customers_csv + p.invoices_csv).hexdigest())\n"
    )
    expected = hashlib.sha256(portfolio.customers_csv + portfolio.invoices_csv).hexdigest()
    root = str(DEMO_DIR.parents[1])
    for hash_seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": root}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, check=True
        )
        assert out.stdout.decode().strip() == expected


def test_the_generator_imports_only_the_standard_library() -> None:
    for path in sorted(DEMO_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [] if node.level else [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top in sys.stdlib_module_names or top == "__future__", (path, module)
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\.(now|today|utcnow|time)\(", source), path


# --- format ----------------------------------------------------------------------------------


def test_headers_line_endings_and_counts(portfolio: DemoPortfolio) -> None:
    for data, header, count in (
        (portfolio.customers_csv, CUSTOMER_HEADER, portfolio.customers),
        (portfolio.invoices_csv, INVOICE_HEADER, portfolio.invoices),
    ):
        text = data.decode("utf-8")
        assert not text.startswith("\ufeff")
        assert "\r" not in text
        assert text.endswith("\n")
        lines = text.split("\n")[:-1]
        assert lines[0] == header
        assert len(lines) - 1 == count
    assert portfolio.customers == 120
    assert 1200 <= portfolio.invoices <= 2000


def test_names_are_realistic_and_accented(customers: list[Row]) -> None:
    names = [c["name"] for c in customers]
    assert len(set(names)) == len(names)
    assert any(not name.isascii() for name in names)
    companies = [c["name"] for c in customers if c["kind"] == "B2B"]
    legal = re.compile(r" (SARL|SAS|SASU|EURL|SA|SRL|BV|NV|SC|CV)$| & Associés$")
    assert sum(bool(legal.search(name)) for name in companies) == len(companies)
    public = [c["name"] for c in customers if c["kind"] == "PUBLIC"]
    assert all(PUBLIC_BODY.match(name) for name in public), public
    persons = [c["name"] for c in customers if c["kind"] == "B2C"]
    assert all(len(p.split(" ")) >= 2 for p in persons)


def test_contacts_emails_and_phones(customers: list[Row]) -> None:
    emails = [c["email"] for c in customers]
    assert len(set(emails)) == len(emails)
    for c in customers:
        assert re.fullmatch(r"[a-z0-9.-]{1,64}@example\.(com|fr|be)", c["email"]), c
        if c["country"] == "FR":
            assert re.fullmatch(r"\+33[1-9]\d{8}", c["phone"]), c
        else:
            assert re.fullmatch(r"\+32[1-9]\d{7,8}", c["phone"]), c
        assert bool(c["contact"]) == (c["kind"] != "B2C"), c


def test_identifiers_are_valid(customers: list[Row]) -> None:
    for c in customers:
        if c["kind"] == "B2C":
            assert c["vat"] == c["siren"] == c["enterprise_number"] == "", c
        elif c["country"] == "FR":
            assert fr_siren.is_valid(c["siren"]), c
            assert c["enterprise_number"] == ""
            if c["kind"] == "B2B":
                key = (12 + 3 * (int(c["siren"]) % 97)) % 97
                assert c["vat"] == f"FR{key:02d}{c['siren']}"
                assert eu_vat.is_valid(c["vat"]), c
            else:
                assert c["vat"] == "" and c["siren"][:2] in ("21", "24", "26")
        else:
            number = c["enterprise_number"]
            assert re.fullmatch(r"[01]\d{9}", number), c
            assert be_vat.is_valid(number), c
            assert int(number[-2:]) == 97 - int(number[:8]) % 97
            assert c["siren"] == ""
            if c["kind"] == "B2B":
                assert c["vat"] == f"BE{number}" and eu_vat.is_valid(c["vat"]), c
            else:
                assert c["vat"] == ""
    identifiers = [c["siren"] or c["enterprise_number"] for c in customers if c["kind"] != "B2C"]
    assert len(set(identifiers)) == len(identifiers)


def test_mix_of_countries_kinds_languages_and_terms(customers: list[Row]) -> None:
    total = len(customers)
    countries = Counter(c["country"] for c in customers)
    kinds = Counter(c["kind"] for c in customers)
    assert 0.65 <= countries["FR"] / total <= 0.75
    assert 0.55 <= kinds["B2B"] / total <= 0.65
    assert 0.25 <= kinds["B2C"] / total <= 0.35
    assert 0.05 <= kinds["PUBLIC"] / total <= 0.15
    assert {c["language"] for c in customers if c["country"] == "FR"} == {"fr"}
    belgian = Counter(c["language"] for c in customers if c["country"] == "BE")
    assert 0.45 <= belgian["nl"] / countries["BE"] <= 0.65
    assert 0.30 <= belgian["fr"] / countries["BE"] <= 0.50
    assert belgian["en"] + belgian["de"] >= 1
    terms = Counter(c["payment_terms"] for c in customers if c["kind"] == "B2B")
    assert terms.most_common(1)[0][0] == "NET30"
    assert {c["payment_terms"] for c in customers if c["kind"] == "B2C"} == {"NET30"}
    assert {c["payment_terms"] for c in customers if c["kind"] == "PUBLIC"} <= {"NET30", "NET60"}


def test_invoice_volumes_and_amounts(customers: list[Row], invoices: list[Row]) -> None:
    kind = {c["id"]: c["kind"] for c in customers}
    per_customer = Counter(inv["customer_id"] for inv in invoices)
    assert set(per_customer) == set(kind)  # everyone has at least one invoice
    b2b = [per_customer[i] for i, k in kind.items() if k == "B2B"]
    b2c = [per_customer[i] for i, k in kind.items() if k == "B2C"]
    assert 12 <= sum(b2b) / len(b2b) <= 20
    assert sum(b2c) / len(b2c) < sum(b2b) / len(b2b)
    for inv in invoices:
        low, high = (40, 900) if kind[inv["customer_id"]] == "B2C" else (150, 25_000)
        assert low <= Decimal(inv["amount_incl_tax"]) <= high, inv
    big = [Decimal(inv["amount_incl_tax"]) for inv in invoices if kind[inv["customer_id"]] != "B2C"]
    assert max(big) > 5 * sorted(big)[len(big) // 2]  # a long tail


# --- ledger consistency ----------------------------------------------------------------------


def expected_due(issue: date, terms: str) -> date:
    if terms == "EOM45":
        day = issue + timedelta(days=45)
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return issue + timedelta(days=int(terms[3:]))


@pytest.mark.parametrize(
    ("today", "count", "seed"),
    [
        (TODAY, 120, 2026),
        (LEAP_DAY, 120, 7),
        (NEW_YEAR, 120, 2026),
        (NEW_YEARS_EVE, 60, 3),
        (TODAY, 5, 2026),
        (LEAP_DAY, 5, 11),
        (NEW_YEAR, 1, 2026),
    ],
)
def test_every_row_is_consistent(today: date, count: int, seed: int) -> None:
    p = build_demo_portfolio(today=today, customers=count, seed=seed)
    customers = {c["id"]: c for c in rows(p.customers_csv)}
    invoices = rows(p.invoices_csv)
    assert len(customers) == p.customers == count
    assert len(invoices) == p.invoices >= count
    money = re.compile(r"\d+\.\d{2}")
    numbers: Counter[int] = Counter()
    previous_issue = date.min
    for inv in invoices:
        customer = customers[inv["customer_id"]]
        issue, due = date.fromisoformat(inv["issue_date"]), date.fromisoformat(inv["due_date"])
        created = date.fromisoformat(customer["created"])
        assert today - timedelta(days=900) <= created <= today - timedelta(days=90)
        assert max(created, today - timedelta(days=730)) <= issue <= today, inv
        assert previous_issue <= issue
        previous_issue = issue
        assert inv["payment_term"] == customer["payment_terms"]
        assert due == expected_due(issue, inv["payment_term"]) >= issue
        assert money.fullmatch(inv["amount_incl_tax"]) and money.fullmatch(inv["paid_amount"])
        amount, paid = Decimal(inv["amount_incl_tax"]), Decimal(inv["paid_amount"])
        assert amount > 0 and 0 <= paid <= amount, inv
        assert inv["currency"] == "EUR"
        if paid:
            assert issue <= date.fromisoformat(inv["paid_date"]) <= today, inv
        else:
            assert inv["paid_date"] == "", inv
        numbers[issue.year] += 1
        assert inv["number"] == f"F-{issue.year}-{numbers[issue.year]:05d}"


@pytest.mark.parametrize("today", [TODAY, LEAP_DAY, NEW_YEAR, NEW_YEARS_EVE])
def test_the_demo_is_interesting_today(today: date) -> None:
    buckets = ageing(rows(build_demo_portfolio(today=today).invoices_csv), today)
    for bucket in ("not due", "1-30", "31-60", "61-90", ">90"):
        assert buckets[bucket] >= 5, (bucket, buckets)
    assert buckets["partial"] >= 5, buckets


def test_default_ageing(invoices: list[Row]) -> None:
    buckets = ageing(invoices, TODAY)
    overdue = sum(buckets[b] for b in ("1-30", "31-60", "61-90", ">90"))
    assert 0.03 * len(invoices) <= overdue <= 0.2 * len(invoices), buckets
    assert 0.01 * len(invoices) <= buckets["partial"] <= 0.05 * len(invoices), buckets


def test_nonsense_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        build_demo_portfolio(today=TODAY, customers=0)
