"""Headers print exactly as Python's compat32 folding prints them, on the fast path too."""

from __future__ import annotations

import email.policy
import string

from hypothesis import given
from hypothesis import strategies as st

from relance.channels.email.smtp import SMTP_POLICY

REFERENCE = email.policy.compat32.clone(linesep="\r\n")
NAMES = ("From", "To", "Cc", "Subject", "Message-ID", "References", "In-Reply-To", "Date")


@given(
    name=st.sampled_from(NAMES),
    value=st.text(alphabet=string.printable + "é\u00a0", max_size=120)
    | st.lists(st.sampled_from(["<a1b2@relance.example>", "x", " ", "  ", "\t"]), max_size=12).map(
        "".join
    ),
)
def test_a_header_prints_as_compat32_folds_it(name: str, value: str) -> None:
    assert SMTP_POLICY.fold_binary(name, value) == REFERENCE.fold_binary(name, value)
