"""The relaxed body canonicalisation, done over the whole body, is RFC 6376's line by line."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from relance.channels.email.dkim_keys import _relaxed_body


def line_by_line(body: bytes) -> bytes:
    """RFC 6376 3.4.4 as written: each line, then the empty lines at the end."""
    lines = [re.sub(rb"[ \t]+", b" ", line).rstrip(b" ") for line in body.split(b"\r\n")]
    while lines and lines[-1] == b"":
        lines.pop()
    return b"\r\n".join(lines) + b"\r\n" if lines else b""


@given(st.lists(st.sampled_from([b"a", b"=C3=A9", b" ", b"\t", b"  \t", b"\r\n", b"\r", b"\n",
                                 b"--=_x", b""]), max_size=40).map(b"".join))  # fmt: skip
def test_whole_body_equals_line_by_line(body: bytes) -> None:
    assert _relaxed_body(body) == line_by_line(body)
