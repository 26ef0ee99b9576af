"""Every sample file parses or is refused with a reason; caps and unknown formats."""

from __future__ import annotations

import pytest

from relance.imports.parsers.bank import StatementError, read_statements

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
