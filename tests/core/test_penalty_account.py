"""The regime of a customer, the penalties of an account, and the lines a debtor reads."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance.core.formatting import format_money
from relance.core.penalties import (
    REGIMES,
    DueItem,
    debtor_lines,
    explain,
    invoice_penalties,
    regime_for,
)
from relance.core.rates import load_rate_tables

D = Decimal
TABLES = load_rate_tables()
LANGUAGES = ("fr", "nl", "en", "de")
# One customer per regime: (country, kind).
CUSTOMERS = {
    "FR-B2B": ("FR", "B2B"),
    "FR-B2C": ("FR", "B2C"),
    "FR-PUBLIC": ("FR", "PUBLIC"),
    "BE-B2B": ("BE", "B2B"),
    "BE-B2C": ("BE", "B2C"),
    "EU": ("NL", "B2B"),
    "DE-B2B": ("DE", "B2B"),
    "DE-B2C": ("DE", "B2C"),
}


@pytest.mark.parametrize(("regime", "customer"), CUSTOMERS.items())
def test_every_regime_has_its_customers(regime, customer):
    assert regime_for(*customer) == regime


def test_regime_for_the_other_cases():
    assert set(CUSTOMERS) == set(REGIMES)
    assert regime_for("DE", "B2B") == "DE-B2B"  # no longer the EU minimum
    assert regime_for("DE", "PUBLIC") == "DE-B2B"  # § 288 (2) BGB: no consumer involved
    assert regime_for("BE", "PUBLIC") == "BE-B2B"
    assert regime_for("it", "PUBLIC") == "EU"
    assert regime_for("NL", "B2C") is None  # a consumer where nothing was researched
    assert regime_for("CH", "B2B") is None  # outside the EU: no rule
    assert regime_for("US", "B2B") is None
    assert regime_for("FR", "B2X") is None


def example(regime: str = "FR-B2B"):
    """1,000 EUR due 12/06/2025, until 15/08/2025: the periods round to 6.48 + 15.31 = 21.79,
    while the exact interest, 21.797..., would round to 21.80."""
    return invoice_penalties(
        [DueItem("F-1", 1, D("1000.00"), date(2025, 6, 12))],
        regime=regime, until=date(2025, 8, 15), tables=TABLES,
    )  # fmt: skip


def amounts_in(line: str, language: str) -> list[Decimal]:
    """The money amounts of a line (the last one is what the line adds)."""
    found = []
    for text in re.findall(r"(?:€\s?-?[\d.,\u202f]+|-?[\d.,\u202f]+\s?€)", line):
        digits = text.replace("€", "").replace("\u202f", "").replace("\xa0", "").strip()
        if language == "en":
            digits = digits.replace(",", "")
        else:
            digits = digits.replace(".", "").replace(",", ".")
        found.append(D(digits))
    return found


def test_the_example_adds_up():
    result = example()
    assert result.interest == D("21.79")
    assert result.results[0].exact_interest.quantize(D("0.01")) == D("21.80")
    assert result.indemnity == D("40.00") and result.total == D("61.79")
    for language in LANGUAGES:
        lines = debtor_lines(result, language)
        added = [amounts_in(line, language)[-1] for line in lines]
        assert added == [D("6.48"), D("15.31"), D("40.00")]
        assert sum(added) == result.total


@pytest.mark.parametrize("regime", sorted(REGIMES))
def test_the_example_adds_up_in_every_regime(regime):
    result = example(regime)
    staff = explain(result.results[0])
    periods = [line for line in staff if line.startswith("Du ")]
    assert len(periods) == len(result.results[0].periods)
    for language in LANGUAGES:
        lines = debtor_lines(result, language)
        if regime in ("FR-B2C", "BE-B2C", "DE-B2C"):  # nothing before a notice or a reminder
            assert result.total == 0 and len(lines) == 1
            continue
        added = [amounts_in(line, language)[-1] for line in lines]
        assert sum(added) == result.total


def test_the_debtor_line_is_plain_and_translated():
    result = example()
    assert debtor_lines(result, "fr")[0] == (
        "Facture F-1 — Intérêts de retard du 13/06/2025 au 30/06/2025 : "
        "1\u202f000,00\xa0€ × 13,15\xa0% × 18/365 = 6,48\xa0€"
    )
    assert debtor_lines(result, "en")[1] == (
        "Invoice F-1 — Late-payment interest from 1 July 2025 to 15 August 2025: "
        "€1,000.00 × 12.15% × 46/365 = €15.31"
    )
    assert debtor_lines(result, "nl")[2] == (
        "Factuur F-1 — Forfaitaire schadevergoeding voor invorderingskosten: €\xa040,00"
    )
    assert debtor_lines(result, "de")[2] == (
        "Rechnung F-1 — Pauschalentschädigung für Beitreibungskosten: 40,00\xa0€"
    )
    with pytest.raises(ValueError, match="langue"):
        debtor_lines(result, "es")


def test_the_indemnity_is_owed_once_per_invoice_and_instalments_are_named():
    items = [
        DueItem("F-9", 1, D("1000.00"), date(2025, 2, 1)),
        DueItem("F-9", 2, D("1000.00"), date(2025, 3, 1), ((date(2025, 3, 15), D("400")),)),
        DueItem("F-10", 1, D("500.00"), date(2025, 2, 1)),
        DueItem("F-11", 1, D("500.00"), date(2025, 2, 1), ((date(2025, 1, 30), D("500")),)),
        DueItem("F-12", 1, D("500.00"), date(2025, 7, 1)),  # not due yet
    ]
    result = invoice_penalties(items, regime="FR-B2B", until=date(2025, 6, 30), tables=TABLES)
    assert [(i.item.invoice, i.item.sequence) for i in result.items] == [
        ("F-9", 1),
        ("F-9", 2),
        ("F-10", 1),
    ]  # F-11 was paid on time
    assert result.indemnities == (("F-9", D("40.00")), ("F-10", D("40.00")))
    lines = debtor_lines(result, "fr")
    assert any(line.startswith("Facture F-9, échéance 2 — Intérêts") for line in lines)
    assert [line for line in lines if "Indemnité" in line] == [
        "Facture F-9 — Indemnité forfaitaire pour frais de recouvrement : 40,00\xa0€",
        "Facture F-10 — Indemnité forfaitaire pour frais de recouvrement : 40,00\xa0€",
    ]
    assert sum(amounts_in(line, "fr")[-1] for line in lines) == result.total
    german = invoice_penalties(items, regime="DE-B2B", until=date(2025, 6, 30), tables=TABLES)
    assert german.indemnity == D("120.00")  # § 288 (5) BGB: per instalment


def test_a_missing_rate_is_kept_as_the_items_error():
    result = invoice_penalties(
        [DueItem("F-1", 1, D("100.00"), date(2014, 6, 30)),
         DueItem("F-2", 1, D("100.00"), date(2025, 6, 30))],
        regime="FR-B2B", until=date(2025, 8, 1), tables=TABLES,
    )  # fmt: skip
    assert len(result.errors) == 1 and "2014-07-01" in str(result.errors[0])
    assert len(result.results) == 1
    assert all("F-1" not in line for line in debtor_lines(result, "fr"))


def test_a_consumer_without_formal_notice_reads_one_sentence_once():
    items = [DueItem("F-7", n, D("250.00"), date(2025, n, 5)) for n in range(1, 5)]
    result = invoice_penalties(items, regime="FR-B2C", until=date(2025, 8, 1), tables=TABLES)
    lines = debtor_lines(result, "fr")
    assert len(lines) == 1 and "mise en demeure" in lines[0]
    assert "Note" not in lines[0] and result.total == 0


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(REGIMES)),
    st.lists(
        st.tuples(
            st.decimals(min_value=D("0.01"), max_value=D("250000"), places=2),
            st.dates(min_value=date(2016, 1, 1), max_value=date(2025, 12, 1)),
            st.integers(min_value=0, max_value=2),
        ),
        min_size=1,
        max_size=4,
    ),
    st.integers(min_value=1, max_value=700),
    st.sampled_from(LANGUAGES),
)
def test_the_lines_a_debtor_reads_add_up_to_the_total(regime, drawn, late, language):
    items = [
        DueItem(f"F-{n % 2}", n + 1, amount, due, ((due + timedelta(days=9), amount / 3),) * paid)
        for n, (amount, due, paid) in enumerate(drawn)
    ]
    until = min(max(due for _, due, _ in drawn) + timedelta(days=late), date(2026, 6, 30))
    result = invoice_penalties(items, regime=regime, until=until, tables=TABLES)
    lines = debtor_lines(result, language)
    added = sum((amounts_in(line, language)[-1] for line in lines if "=" in line), D("0.00"))
    assert added == result.interest
    indemnities = sum(
        (amounts_in(line, language)[-1] for line in lines if "=" not in line and "€" in line),
        D("0.00"),
    )
    assert indemnities == result.indemnity
    assert format_money(result.total, language)  # two places, half-up: never a third decimal
    for entry in result.results:
        assert entry.interest == sum((p.interest for p in entry.periods), D("0.00"))
