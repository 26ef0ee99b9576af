"""Bounds on what a file may cost, checked while it is read: inflated workbook parts, rows,
columns, cell length, each field's stored length; and text that its encoding cannot read."""

from __future__ import annotations

import io
import re
import resource
import time
import zipfile

import pytest

from benchmarks.hostile_files import (
    csv_columns,
    csv_undefined_cp1252,
    xlsx_huge_shared_string,
    xlsx_huge_sheet,
)
from relance.imports.parsers import FileFormatError, parse_customers, parse_payments
from relance.imports.parsers.limits import MB, Limits
from relance.imports.parsers.table import read_table

from .util import csv_bytes, errors_of, xlsx_bytes


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_workbook_with_a_huge_shared_string_is_refused_before_it_is_inflated() -> None:
    data = xlsx_huge_shared_string(64 * MB)  # more than the default 50 MB
    assert len(data) < 2 * MB
    before, started = _peak_mb(), time.perf_counter()
    with pytest.raises(FileFormatError, match=r"xl/sharedStrings\.xml") as refused:
        parse_customers(data, filename="clients.xlsx")
    assert "50 Mo au plus" in str(refused.value)
    assert time.perf_counter() - started < 5
    assert _peak_mb() - before < 40  # the 64 MB string was never built


def test_a_workbook_part_that_inflates_beyond_its_cap_is_refused() -> None:
    data = xlsx_huge_sheet(12 * MB)
    limits = Limits(xlsx_part_bytes=10 * MB)
    with pytest.raises(FileFormatError, match=r"xl/worksheets/sheet1\.xml.*10 Mo au plus"):
        read_table(data, filename="factures.xlsx", limits=limits)
    assert read_table(data, filename="factures.xlsx", limits=Limits(xlsx_part_bytes=13 * MB))


def test_a_part_lying_about_its_size_is_not_inflated_beyond_it() -> None:
    data = bytearray(xlsx_huge_sheet(12 * MB))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        size = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    # Declare 1,000 bytes instead, in the local header (zip64, 8 bytes) and the central
    # directory (4 bytes): the part passes the declared-size check, then must not inflate.
    patched = 0
    for width in (8, 4):
        declared = size.to_bytes(width, "little")
        for match in list(re.finditer(re.escape(declared), data)):
            data[match.start() : match.start() + width] = (1000).to_bytes(width, "little")
            patched += 1
    assert patched == 2
    before = _peak_mb()
    with pytest.raises(FileFormatError):
        read_table(bytes(data), filename="factures.xlsx", limits=Limits(xlsx_part_bytes=10 * MB))
    assert _peak_mb() - before < 20


def test_a_spreadsheet_cell_longer_than_the_cell_cap_is_refused_with_its_place() -> None:
    data = xlsx_huge_shared_string(10_001)
    with pytest.raises(
        FileFormatError, match=r"Ligne 2, colonne A : cellule de 10\u202f001 caract"
    ):
        parse_customers(data, filename="clients.xlsx")


def test_a_csv_cell_longer_than_the_cell_cap_is_refused_with_its_line() -> None:
    data = csv_bytes("id;name;notes", "C1;Un;court", f"C2;Deux;{'x' * 10_001}")
    with pytest.raises(FileFormatError, match=r"^Ligne 3 : une cellule dépasse 10\u202f000 caract"):
        parse_customers(data)
    assert parse_customers(csv_bytes("id;name;notes", f"C2;Deux;{'x' * 10_000}")).rows


def test_a_field_longer_than_its_stored_length_is_an_error_with_line_and_column() -> None:
    limits = Limits(lengths={"name": 200, "city": 100})
    data = csv_bytes(
        "Code client;Raison sociale;Ville",
        f"C1;{'N' * 200};Lyon",
        f"C2;{'N' * 201};{'V' * 101}",
        f"C3;  {'N' * 200}  ;Lille",  # spaces around are not kept
    )
    result = parse_customers(data, limits=limits)
    assert [row.external_ref for row in result.rows] == ["C1", "C3"]
    assert errors_of(result.errors) == [
        (3, "Raison sociale", "201 caractères, 200 au plus"),
        (3, "Ville", "101 caractères, 100 au plus"),
    ]
    assert result.data_rows == 3


def test_field_lengths_apply_to_spreadsheets_too() -> None:
    data = xlsx_bytes(
        [["date", "montant", "client", "référence"], ["2026-01-02", 10, "C1", "R" * 65]]
    )
    result = parse_payments(data, filename="p.xlsx", limits=Limits(lengths={"reference": 64}))
    assert errors_of(result.errors) == [(2, "référence", "65 caractères, 64 au plus")]


def test_a_million_columns_are_refused_from_the_first_line_alone() -> None:
    data = csv_columns(1_000_000)
    started = time.perf_counter()
    with pytest.raises(FileFormatError) as refused:
        parse_customers(data)
    message = str(refused.value)
    assert message.startswith(
        "La ligne d'en-tête compte environ 1\u202f000\u202f000 colonnes : 200 au plus"
    )
    assert len(message) < 300
    assert time.perf_counter() - started < 2


def test_the_columns_cap_counts_the_header_exactly_when_it_is_short() -> None:
    assert read_table(csv_columns(200)).headers[-1] == "c199"
    with pytest.raises(FileFormatError, match=r"compte 201 colonnes : 200 au plus"):
        read_table(csv_columns(201))
    with pytest.raises(FileFormatError, match=r"compte 201 colonnes"):
        read_table(xlsx_bytes([[f"c{n}" for n in range(201)]]), filename="a.xlsx")


def test_a_header_line_longer_than_the_sample_is_refused() -> None:
    data = ";".join("x" * 500 for _ in range(150)).encode() + b"\n1\n"
    with pytest.raises(FileFormatError, match=r"Ligne d'en-tête trop longue"):
        read_table(data)


def test_the_rows_cap() -> None:
    data = csv_bytes("id;name", *(f"C{n};N{n}" for n in range(6)))
    table = read_table(data, limits=Limits(rows=6))
    assert len(list(table)) == 6
    with pytest.raises(FileFormatError, match=r"plus de 5 lignes de données"):
        list(read_table(data, limits=Limits(rows=5)))


def test_a_byte_windows_1252_does_not_define_is_refused_with_its_line() -> None:
    data = csv_undefined_cp1252(line=4)
    with pytest.raises(FileFormatError) as refused:
        parse_customers(data)
    assert str(refused.value).startswith(
        "Ligne 4 : l'octet 0x81 n'existe pas en Windows-1252 (et le fichier n'est pas en UTF-8)"
    )
    assert "--encoding" in str(refused.value)


def test_the_same_file_is_read_under_the_encoding_a_person_chooses() -> None:
    result = parse_customers(csv_undefined_cp1252(line=4), encoding="cp850")
    assert [row.name for row in result.rows] == ["Client 1", "Client 2", "Müller SARL"]
    assert result.encoding == "cp850"


@pytest.mark.parametrize("encoding", ["latin-1", "iso-8859-15"])
def test_control_characters_are_never_read_silently(encoding: str) -> None:
    # Read as Latin-1, byte 0x81 is the control character U+0081: refused, not stored.
    with pytest.raises(FileFormatError, match=r"^Ligne 4 : caractère de contrôle U\+0081"):
        parse_customers(csv_undefined_cp1252(line=4), encoding=encoding)


def test_control_characters_in_utf8_and_in_spreadsheets_are_refused() -> None:
    rows = [f"C{n};Client numéro {n}" for n in range(1, 20)]  # one control is not "binary"
    with pytest.raises(FileFormatError, match=r"^Ligne 21 : caractère de contrôle U\+0007"):
        parse_customers(csv_bytes("id;name", *rows, "C1;Bell\x07"))
    with pytest.raises(FileFormatError, match=r"^Ligne 22 : caractère de contrôle U\+0085"):
        parse_customers(csv_bytes("id;name", *rows, "C1;Un", "C2;Next\x85Line"))
    data = xlsx_bytes([["id", "name"], ["C1", "Un"], ["C2", "Deux\x85"]])
    with pytest.raises(FileFormatError, match=r"^Ligne 3, colonne B : caractère de contrôle"):
        parse_customers(data, filename="c.xlsx")


def test_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(FileFormatError, match=r"Encodage « ebcdic » non pris en charge"):
        parse_customers(csv_bytes("id;name", "C1;Un"), encoding="ebcdic")


def test_messages_list_a_bounded_number_of_headers() -> None:
    with pytest.raises(FileFormatError) as refused:
        parse_customers(csv_columns(150))
    message = str(refused.value)
    assert "« c29 » et 120 autres." in message and "c30" not in message


def test_a_line_longer_than_any_row_of_the_limits_is_refused_before_it_is_held() -> None:
    limits = Limits(columns=3, cell_chars=10)  # rows of 39 characters at most
    data = csv_bytes("id;name;ville", "C1;Un;Lyon", ";" * 38, "C2;" + ";" * 40)
    with pytest.raises(FileFormatError, match=r"^Ligne 4 : plus de 39 caractères"):
        list(read_table(data, limits=limits))


def test_a_file_of_blanks_is_empty() -> None:
    with pytest.raises(FileFormatError, match=r"^Le fichier est vide"):
        read_table(b" \r\n\t\n")
