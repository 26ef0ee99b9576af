"""The spreadsheet writers: CSV for Excel in France (and in English), XLSX with types, and no
text a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from relance.reports.columns import Kind
from relance.reports.exports import csv_chunks, safe_text, xlsx_chunks

HEADERS = ["Client", "Montant", "Échéance", "Jours", "Note"]
ROWS = [
    ("Garage Martin", Decimal("1234.56"), date(2025, 3, 31), 12, "simple"),
    ("Boulangerie; Petit", Decimal("-50.00"), None, None, 'dit "non"\nà la ligne'),
]


def csv_bytes(rows, language="fr", headers=HEADERS) -> bytes:
    return b"".join(csv_chunks(headers, rows, language=language))


def xlsx_sheet(rows, language="fr", headers=HEADERS):
    data = b"".join(xlsx_chunks(headers, rows, language=language, title="Clients"))
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_csv_for_excel_in_france():
    data = csv_bytes(ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert text.split("\r\n")[0] == "Client;Montant;Échéance;Jours;Note"
    assert "Garage Martin;1234,56;31/03/2025;12;simple\r\n" in text
    # ";", quotes and line breaks inside a cell are quoted; a negative amount stays a number.
    assert '"Boulangerie; Petit";-50,00;;;"dit ""non""\nà la ligne"\r\n' in text
    assert text.endswith("\r\n")


def test_csv_reads_back_as_the_rows():
    text = csv_bytes(ROWS)[3:].decode("utf-8")
    read = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert read[2] == ["Boulangerie; Petit", "-50,00", "", "", 'dit "non"\nà la ligne']


def test_csv_in_english_uses_commas_points_and_iso_dates():
    text = csv_bytes(ROWS, language="en")[3:].decode("utf-8")
    assert "Garage Martin,1234.56,2025-03-31,12,simple\r\n" in text
    assert text.startswith("Client,Montant")


def test_csv_datetimes_to_the_minute():
    rows = [("x", None, datetime(2025, 3, 31, 9, 5, 7), None, "")]
    assert "31/03/2025 09:05" in csv_bytes(rows).decode("utf-8-sig")


def test_csv_streams_in_pieces_without_reading_everything_first():
    consumed = []

    def rows():
        for n in range(2_500):
            consumed.append(n)
            yield (f"client {n}", Decimal(n), None, n, "")

    chunks = csv_chunks(HEADERS, rows(), language="fr")
    next(chunks)  # the headers come before any row is read
    assert consumed == []
    next(chunks)
    assert len(consumed) == 1_000
    assert len(list(chunks)) == 2


@pytest.mark.parametrize(
    "text", ["=1+1", "+33 6 12 34 56 78", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
)
def test_formula_injection_is_escaped_in_csv(text):
    rows = [(text, Decimal("1.00"), None, None, "ok")]
    line = csv_bytes(rows).decode("utf-8-sig").split("\r\n")[1]
    cell = next(csv.reader(io.StringIO(line), delimiter=";"))[0]
    assert cell == "'" + text


@pytest.mark.parametrize(
    "text", ["=1+1", "+33 6 12 34 56 78", "-2+3", "@SUM(A1:A2)", "\t=1+1", '=HYPERLINK("x")']
)
def test_formula_injection_is_escaped_in_xlsx(text):
    sheet = xlsx_sheet([(text, Decimal("-3.00"), None, None, "")])
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value == "'" + text
    amount = sheet.cell(row=2, column=2)
    assert amount.data_type == "n" and amount.value == -3  # a negative amount is a number


def test_headers_are_escaped_too():
    assert csv_bytes([], headers=["=cmd"]).decode("utf-8-sig") == "'=cmd\r\n"


def test_harmless_text_is_unchanged():
    assert safe_text("Garage Martin") == "Garage Martin"
    assert safe_text("") == ""
    assert safe_text("a=b") == "a=b"


def test_xlsx_keeps_types():
    sheet = xlsx_sheet(ROWS)
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet[1][0].font.bold
    name, amount, due, days, _note = sheet[2]
    assert name.value == "Garage Martin" and name.data_type == "s"
    assert amount.data_type == "n" and amount.value == pytest.approx(1234.56)
    assert amount.number_format == "#,##0.00"
    assert due.is_date and due.value == datetime(2025, 3, 31)
    assert due.number_format == "dd/mm/yyyy"
    assert days.value == 12 and days.data_type == "n"
    assert [c.value for c in sheet[3]][2:4] == [None, None]
    assert sheet[3][4].value == 'dit "non"\nà la ligne'
    assert sheet.freeze_panes == "A2"


def test_xlsx_in_english_shows_iso_dates():
    sheet = xlsx_sheet(ROWS, language="en")
    assert sheet[2][2].number_format == "yyyy-mm-dd"


def test_xlsx_drops_characters_xml_cannot_hold():
    sheet = xlsx_sheet([("VIR\x02SEPA", None, None, None, "")])
    assert sheet[2][0].value == "VIRSEPA"


def test_xlsx_refuses_aware_datetimes():
    from zoneinfo import ZoneInfo

    aware = datetime(2025, 3, 31, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    with pytest.raises(ValueError):
        b"".join(xlsx_chunks(HEADERS, [("x", None, aware, None, "")], language="fr"))


def test_xlsx_is_built_only_when_read():
    consumed = []

    def rows():
        consumed.append(1)
        yield ("x", None, None, None, "")

    chunks = xlsx_chunks(HEADERS, rows(), language="fr")
    assert consumed == []
    assert next(chunks).startswith(b"PK")
    assert consumed == [1]
    list(chunks)


HOSTILE = [
    "a < b & c > d",
    "fin de CDATA ]]> <![CDATA[ x",
    '<script>alert("x")</script>',
    "VIR\x00\x01\x08\x0b\x0c\x0e\x1fSEPA\ufffe\uffff",
    "ligne 1\r\nligne 2\ttab",
    "café 😀 👩‍💻 漢字",
    "moitié \ud83d seule",  # half a surrogate pair, as a broken decoder leaves it
    "&amp; déjà échappé",
]


def test_xlsx_holds_hostile_text_as_plain_strings():
    sheet = xlsx_sheet([(text, None, None, None, "") for text in HOSTILE])
    values = [sheet.cell(row=n, column=1).value for n in range(2, len(HOSTILE) + 2)]
    assert values == [
        "a < b & c > d",
        "fin de CDATA ]]> <![CDATA[ x",
        '<script>alert("x")</script>',
        "VIRSEPA",
        "ligne 1\r\nligne 2\ttab",
        "café 😀 👩‍💻 漢字",
        "moitié  seule",
        "&amp; déjà échappé",
    ]
    assert {sheet.cell(row=n, column=1).data_type for n in range(2, len(HOSTILE) + 2)} == {"s"}


def test_xlsx_cuts_text_at_excels_cell_length():
    long_text, emojis = "x" * 40_000, "😀" * 20_000  # an emoji counts twice in Excel
    sheet = xlsx_sheet([(long_text, None, None, None, emojis)])
    assert sheet[2][0].value == "x" * 32_767
    assert sheet[2][4].value == "😀" * 16_383


def test_xlsx_package_is_well_formed_xml():
    import zipfile
    from xml.etree import ElementTree

    data = b"".join(xlsx_chunks(HEADERS, [(t, None, None, None, t) for t in HOSTILE],
                                language="fr", title='a<b & "c" / [d]'))  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        names = set(package.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                "xl/worksheets/sheet1.xml"} == names  # fmt: skip
        for name in names:
            ElementTree.fromstring(package.read(name))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ['a<b & "c"    d']


def test_xlsx_datetimes_are_dates_with_time():
    sheet = xlsx_sheet([("x", None, datetime(2025, 3, 31, 9, 5, 7), None, "")], language="en")
    moment = sheet[2][2]
    assert moment.is_date and moment.value == datetime(2025, 3, 31, 9, 5, 7)
    assert moment.number_format == "yyyy-mm-dd hh:mm"


def test_xlsx_refuses_booleans():
    with pytest.raises(TypeError):
        b"".join(xlsx_chunks(HEADERS, [("x", True, None, None, "")], language="fr"))


def test_xlsx_goes_on_in_a_second_sheet_past_excels_rows(monkeypatch):
    from relance.reports import xlsx

    monkeypatch.setattr(xlsx, "SHEET_ROWS", 3)  # headers and two rows a sheet
    rows = [(f"client {n}", Decimal(n), date(2025, 1, n + 1), n, "") for n in range(5)]
    data = b"".join(xlsx_chunks(HEADERS, rows, language="fr", title="Clients"))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Clients", "Clients (2)", "Clients (3)"]
    read = [list(sheet.iter_rows(values_only=True)) for sheet in book]
    assert [sheet[0] for sheet in read] == [tuple(HEADERS)] * 3
    assert [row[0] for sheet in read for row in sheet[1:]] == [f"client {n}" for n in range(5)]
    assert read[2][1][2] == datetime(2025, 1, 5)


def test_xlsx_of_exactly_a_full_sheet_has_one_sheet(monkeypatch):
    from relance.reports import xlsx

    monkeypatch.setattr(xlsx, "SHEET_ROWS", 3)
    rows = [(f"client {n}", None, None, None, "") for n in range(2)]
    data = b"".join(xlsx_chunks(HEADERS, rows, language="fr", title="Clients"))
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["Clients"]


# ------------------------------------------------------- columns written by their kinds

KINDS: list[Kind] = ["text", "money", "date", "int", "text"]
KIND_ROWS = [
    ("=1+1", Decimal("1234.56"), date(2025, 3, 31), 12, "simple"),
    ("@SUM(A1)", Decimal("-50.00"), None, None, None),
]


def test_csv_by_kind_formats_each_column_as_declared_and_escapes_formulas():
    data = b"".join(csv_chunks(HEADERS, KIND_ROWS, language="fr", kinds=KINDS))
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[1:] == [
        "'=1+1;1234,56;31/03/2025;12;simple",
        "'@SUM(A1);-50,00;;;",
        "",
    ]


def test_csv_by_kind_gives_the_same_file_as_by_type():
    by_type = b"".join(csv_chunks(HEADERS, ROWS, language="en"))
    by_kind = b"".join(csv_chunks(HEADERS, ROWS, language="en", kinds=KINDS))
    assert by_kind == by_type


def test_xlsx_by_kind_writes_typed_cells_and_text_never_a_formula():
    data = b"".join(xlsx_chunks(HEADERS, KIND_ROWS, language="fr", kinds=KINDS))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("'=1+1", 1234.56, datetime(2025, 3, 31), 12, "simple"),
        ("'@SUM(A1)", -50, None, None, None),
    ]
    assert sheet["A2"].data_type == "s" and sheet["B2"].number_format == "#,##0.00"
