from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649
from stdnum.be import ogm_vcs

from relance.core.payment_reference import (
    InvalidReference,
    belgian_structured,
    creditor_reference,
    invoice_reference,
    payment_reference,
)


def test_known_values():
    assert belgian_structured(108068171) == "+++010/8068/17183+++"
    assert creditor_reference("539007547034") == "RF18539007547034"
    assert belgian_structured(97) == "+++000/0000/09797+++"  # remainder 0 gives 97


@given(st.integers(min_value=1, max_value=10**10 - 1))
def test_every_structured_communication_is_valid(number):
    value = belgian_structured(number)
    assert ogm_vcs.is_valid(value)
    assert int(ogm_vcs.compact(value)[:10]) == number


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_ ", min_size=1, max_size=30))
def test_every_creditor_reference_is_valid(text):
    body = "".join(ch for ch in text.upper() if ch.isalnum())
    if not 0 < len(body) <= 21:
        with pytest.raises(ValueError):
            creditor_reference(text)
        return
    assert iso11649.is_valid(creditor_reference(text))


def test_the_reference_follows_the_customer_country():
    assert payment_reference(country="BE", customer_number=42, customer_ref="K-42").startswith(
        "+++"
    )
    assert payment_reference(country="FR", customer_number=42, customer_ref="K-42") == (
        creditor_reference("K42")
    )
    with pytest.raises(ValueError):
        belgian_structured(0)


def test_an_invoice_reference_is_kept_in_its_canonical_form():
    assert invoice_reference("rf18 5390 0754 7034") == "RF18539007547034"
    assert invoice_reference("+++010/8068/17183+++") == "+++010/8068/17183+++"
    assert invoice_reference("*** 010 / 8068 / 17183 ***") == "+++010/8068/17183+++"
    assert invoice_reference("010/8068/17183") == "+++010/8068/17183+++"
    assert invoice_reference("  Commande   4521-B ") == "Commande 4521-B"
    assert invoice_reference("RFQ-2026-7") == "RFQ-2026-7"  # not shaped like an RF reference
    assert invoice_reference("") == ""


@pytest.mark.parametrize(
    "wrong",
    ["RF19539007547034", "RF18 5390 0754 7035", "+++010/8068/17184+++", "***010/8068/1718***",
     "010/8068/17182"],
)  # fmt: skip
def test_a_structured_invoice_reference_with_wrong_check_digits_is_refused(wrong):
    with pytest.raises(InvalidReference, match="invalide"):
        invoice_reference(wrong)


def test_a_free_text_invoice_reference_is_bounded():
    assert invoice_reference("x" * 64) == "x" * 64
    with pytest.raises(InvalidReference, match="64"):
        invoice_reference("x" * 65)


@given(st.integers(min_value=1, max_value=10**10 - 1))
def test_every_valid_reference_is_accepted_as_it_is(number):
    assert invoice_reference(belgian_structured(number)) == belgian_structured(number)
    rf = creditor_reference(str(number))
    assert invoice_reference(rf) == rf
