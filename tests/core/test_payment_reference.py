from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649
from stdnum.be import ogm_vcs

from relance.core.payment_reference import (
    belgian_structured,
    creditor_reference,
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
