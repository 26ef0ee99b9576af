"""The one rule for reading amounts (imports and staff forms)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.core.money import AMBIGUOUS, NOT_A_NUMBER, TOO_MANY_DECIMALS, AmountError, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3088,65", "3088.65"),
        ("3 088,65", "3088.65"),
        ("3\u00a0088,65", "3088.65"),
        ("3\u202f088,65", "3088.65"),
        ("3\u2009088,65", "3088.65"),
        ("3088.65", "3088.65"),
        ("3,088.65", "3088.65"),
        ("3.088,65", "3088.65"),
        ("3'088.65", "3088.65"),
        ("3 088.65", "3088.65"),
        ("1 234 567,8", "1234567.80"),
        ("3 088", "3088.00"),
        ("3088", "3088.00"),
        ("12,5", "12.50"),
        ("0,05", "0.05"),
        ("3 088,65 €", "3088.65"),
        ("1000.000", "1000.00"),  # trailing zeros are not cents
    ],
)
def test_amounts_people_type(text: str, expected: str) -> None:
    assert str(parse_amount(text)) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1,234", AMBIGUOUS),
        ("1.234", AMBIGUOUS),
        ("308.865", AMBIGUOUS),
        ("3088,655", TOO_MANY_DECIMALS),
        ("0,125", TOO_MANY_DECIMALS),
        ("30 88,65", NOT_A_NUMBER),  # groups of three, or none
        ("3 0880,65", NOT_A_NUMBER),
        ("3 088.650,5", NOT_A_NUMBER),  # two kinds of thousands separator
        ("3,088,65", NOT_A_NUMBER),
        ("3.08.865", NOT_A_NUMBER),
        ("1,2", "ok"),
        ("douze", NOT_A_NUMBER),
        ("1e5", NOT_A_NUMBER),
        ("", NOT_A_NUMBER),
        ("1" * 16, NOT_A_NUMBER),
    ],
)
def test_ambiguous_or_malformed_amounts_are_refused(text: str, kind: str) -> None:
    if kind == "ok":
        assert parse_amount(text) == Decimal("1.20")
        return
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.kind == kind


def test_the_reason_says_what_to_write() -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount("1.234")
    assert str(caught.value) == (
        "montant ambigu « 1.234 » : écrivez les centimes (par exemple « 1 234,00 ») "
        "ou retirez le séparateur"
    )


def test_imports_read_a_lone_group_as_thousands() -> None:
    assert parse_amount("1,234", lone_group="thousands") == Decimal("1234.00")
    assert parse_amount("1.234", lone_group="thousands") == Decimal("1234.00")


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**12), places=2))
def test_what_a_french_page_shows_reads_back(value: Decimal) -> None:
    whole, cents = f"{value:.2f}".split(".")
    grouped = f"{int(whole):,}"
    for text in (f"{grouped.replace(',', chr(0x202F))},{cents}", f"{grouped}.{cents}",
                 f"{whole},{cents}", f"{whole}.{cents}"):  # fmt: skip
        assert parse_amount(text) == value, text
