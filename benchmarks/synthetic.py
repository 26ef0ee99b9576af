"""A deterministic synthetic portfolio in relance's reference import format, written fast."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

CUSTOMER_HEADER = "id,name,kind,country,email,phone,language,created\n"
INVOICE_HEADER = (
    "number,customer_id,issue_date,due_date,amount_incl_tax,currency,paid_date,paid_amount,"
    "payment_term\n"
)


def write_portfolio(
    folder: Path, *, customers: int, invoices: int, as_of: date, seed: int = 42
) -> tuple[Path, Path]:
    """Write customers.csv and invoices.csv; about 85 % of invoices paid, 2 % partially."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    customers_path, invoices_path = folder / "customers.csv", folder / "invoices.csv"
    with customers_path.open("w", encoding="utf-8", newline="") as out:
        out.write(CUSTOMER_HEADER)
        for n in range(1, customers + 1):
            country = "FR" if rng.random() < 0.7 else "BE"
            created = as_of - timedelta(days=rng.randint(60, 900))
            out.write(
                f"C{n:07d},Client {n} SAS,B2B,{country},compta.{n}@example.com,"
                f"+3314{n % 10_000_000:07d},{'fr' if country == 'FR' else 'nl'},{created}\n"
            )
    start = as_of - timedelta(days=730)
    with invoices_path.open("w", encoding="utf-8", newline="") as out:
        out.write(INVOICE_HEADER)
        for n in range(1, invoices + 1):
            issue = start + timedelta(days=730 * n // invoices)
            due = issue + timedelta(days=30)
            amount = f"{rng.randint(2_000, 2_000_000) / 100:.2f}"
            paid_on = due + timedelta(days=rng.randint(-10, 60))
            draw = rng.random()
            if paid_on > as_of or draw < 0.13:
                paid_date, paid_amount = "", "0.00"
            elif draw < 0.15:
                paid_date, paid_amount = paid_on.isoformat(), f"{float(amount) / 2:.2f}"
            else:
                paid_date, paid_amount = paid_on.isoformat(), amount
            customer = rng.randint(1, customers)
            out.write(
                f"INV-{issue.year}-{n:07d},C{customer:07d},{issue},{due},{amount},EUR,"
                f"{paid_date},{paid_amount},NET30\n"
            )
    return customers_path, invoices_path
