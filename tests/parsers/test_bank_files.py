"""Every sample file parses or is refused with a reason; caps and unknown formats."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.imports.parsers.bank import StatementError, read_statements
from relance.imports.parsers.bank.textfile import amount as text_amount
from relance.imports.parsers.bank.xmltext import amount as xml_amount

from .bank_util import BANK

REFUSED = {
    "cfonb/error_codes.csv": "format de relevé non reconnu",
    "cfonb/cfonb.240-complex-test.txt": "CFONB 240",
}
SAMPLES = sorted(
    str(path.relative_to(BANK))
    for folder in ("camt", "cfonb", "ofx")
    for path in (BANK / folder).iterdir()
)


def test_every_sample_is_here():
    assert len(SAMPLES) == 26


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_parses_or_is_refused_with_a_reason(name):
    data = (BANK / name).read_bytes()
    if name in REFUSED:
        with pytest.raises(StatementError, match=REFUSED[name]):
            read_statements(data)
        return
    result = read_statements(data)
    assert result.statements
    for statement in result.statements:
        ids = [entry.id for entry in statement.entries]
        assert len(ids) == len(set(ids))
        assert all(entry.currency or statement.format == "qif" for entry in statement.entries)


def test_size_cap_and_empty_file():
    data = (BANK / "camt/valid_example_v4.xml").read_bytes()
    with pytest.raises(StatementError, match="fichier trop gros"):
        read_statements(data, max_bytes=len(data) - 1)
    assert read_statements(data, max_bytes=len(data)).statements
    with pytest.raises(StatementError, match="fichier vide"):
        read_statements(b" \r\n")


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n", b"date;amount\n2024-01-01;12.00\n", b"\x00\x01\x02" * 50, b"<html></html>"],
)
def test_unknown_formats_are_refused(data):
    with pytest.raises(StatementError, match="format de relevé non reconnu"):
        read_statements(data)


@pytest.mark.parametrize(
    "name",
    [
        "camt/valid_example_v4.xml",
        "cfonb/complex-test.txt",
        "ofx/BPACA_OP_20220717-2.ofx",
        "ofx/test_qif_dmy.qif",
        "written/coda-2.6.cod",
    ],
)
def test_the_entries_cap_applies_to_every_format(name):
    data = (BANK / name).read_bytes()
    count = read_statements(data).entry_count
    with pytest.raises(StatementError, match=f"plus de {count - 1} opérations"):
        read_statements(data, max_entries=count - 1)


@given(st.decimals(min_value=0, max_value=10**12, places=5, allow_nan=False))
def test_xml_amounts_are_exact(value):
    assert xml_amount(str(value), where="Amt") == value
    assert xml_amount(f"{value:f}", where="Amt") == value


@given(st.text(max_size=20))
def test_xml_amounts_refuse_anything_else_cleanly(text):
    try:
        value = xml_amount(text, where="Amt")
    except StatementError as exc:
        assert exc.path == "Amt"
    else:
        assert str(value).lstrip("-").replace(".", "").isdigit()


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_qif_amounts_with_thousands_separators(value):
    assert text_amount(f"{value:,.2f}", line=1) == value
    assert text_amount(f"{value:.2f}", line=1) == value
