"""Structured references found in bank data round-trip with the ones relance prints."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from relance.core.payment_reference import belgian_structured, creditor_reference
from relance.imports.parsers.bank import references

_BODY = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=21)


@given(st.integers(min_value=1, max_value=10**10 - 1), st.text(max_size=30))
def test_belgian_communication_is_found_in_any_text(number, noise):
    printed = belgian_structured(number)
    assert references.find(f"{noise} {printed} {noise}") == printed
    digits = printed.strip("+").replace("/", "")
    assert references.normalise(digits) == printed
    assert references.find(f"PAIEMENT *** {digits[:3]}/{digits[3:7]}/{digits[7:]} ***") == printed


@given(st.integers(min_value=1, max_value=10**10 - 1))
def test_a_wrong_check_digit_is_not_a_belgian_reference(number):
    digits = belgian_structured(number).strip("+").replace("/", "")
    wrong = digits[:10] + f"{(int(digits[10:]) % 97) + 1:02d}"
    assert references.belgian(wrong) == ""


@given(_BODY)
def test_rf_reference_round_trip(body):
    printed = creditor_reference(body)
    assert references.rf(printed) == printed
    spaced = " ".join(printed[i : i + 4] for i in range(0, len(printed), 4))
    assert references.find(f"Facture {spaced.lower()}. Merci") == printed
    assert references.normalise(spaced) == printed


def test_a_reference_not_recognised_is_kept_as_given():
    assert references.normalise(" 000000270148751802165444888 ") == "000000270148751802165444888"
    assert references.find("RF00 1234 and +++123/4567/89000+++") == ""
