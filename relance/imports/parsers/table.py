"""Turn file bytes into a header row and numbered data rows of strings.

CSV: encoding (UTF-8 with or without BOM, else Windows-1252, or the one a person chose; see
``encoding``), delimiter (``;`` ``,`` tab
``|``) and line numbers that stay right across quoted multi-line cells. XLSX: the first sheet,
cells converted to the same strings a CSV export would give (dates in ISO form, numbers
without binary float artefacts). Values are NOT stripped here: parsers strip what they use,
which keeps the million-row path fast. Every bound of ``Limits`` is checked while reading.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from relance.core.text import Param, Text, gettext_noop

from .encoding import CONTROL, check_text, chosen_encoding
from .limits import DEFAULT_LIMITS, MB, Limits
from .rows import FileFormatError, Progress, RowError
from .xlsx_bounds import check_workbook

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls (Excel 97-2003), .doc...
DELIMITERS = (";", ",", "\t", "|")
PROGRESS_EVERY = 10_000
SAMPLE_BYTES = 64 * 1024
_DELIMITER_NAMES = {
    ";": gettext_noop("point-virgule"),
    ",": gettext_noop("virgule"),
    "\t": gettext_noop("tabulation"),
    "|": gettext_noop("barre"),
}
_CHECK_QUOTES = gettext_noop(
    "Vérifiez les guillemets du fichier (une cellule ouverte par un guillemet se termine au "
    "guillemet suivant)."
)


class Table:
    """Header plus ``(line, cells)`` pairs when iterated; blank rows are skipped (their lines
    still count) and rows with more non-empty cells than headers are reported in ``errors``.

    ``source`` is either a ``csv.reader`` (line numbers from its ``line_num``, which counts
    the physical lines of quoted multi-line cells) or an iterator of ``(line, cells)``.
    """

    def __init__(
        self,
        headers: list[str],
        source: Any,
        *,
        encoding: str,
        delimiter: str,
        progress: Progress | None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.headers = headers
        self.encoding = encoding
        self.delimiter = delimiter
        self.errors: list[RowError] = []
        self.data_rows = 0
        self.header_line = 1  # physical line number of the header (CSV)
        self._source = source
        self._progress = progress
        self._max_rows = limits.rows
        self._lengths: list[tuple[int, int, str]] = []  # (column, most characters, header)
        self._rejected = 0  # rows left out because of an error found here

    def limit_lengths(self, index: Mapping[str, int], lengths: Mapping[str, int]) -> None:
        """Refuse the rows where a field (name -> column ``index``) is longer than the
        database keeps it (``lengths``): the one check for every kind of file."""
        self._lengths = [
            (col, lengths[name], self.headers[col])
            for name, col in index.items()
            if name in lengths
        ]

    def __iter__(self) -> Iterator[tuple[int, Sequence[str]]]:
        # One loop per source kind: this is the hot path of million-row imports.
        width = len(self.headers)
        progress = self._progress
        lengths = self._lengths
        most = self._max_rows
        count = 0
        if self.delimiter:
            reader = self._source
            last = self.header_line
            try:
                for cells in reader:
                    # a record starts on the line after the previous one ended (line_num is
                    # where it ends, later than its start for quoted multi-line cells)
                    line = last + 1
                    last = reader.line_num
                    if len(cells) != width or not cells[0] or cells[0].isspace():
                        cells = self._fit(line, cells)
                        if cells is None:
                            continue
                    if lengths and self._too_long(line, cells):
                        continue
                    count += 1
                    if count > most:
                        raise self._too_many_rows()
                    if progress is not None and not count % PROGRESS_EVERY:
                        progress(count)
                    yield line, cells
            except csv.Error as exc:
                raise _unreadable(reader.line_num, exc) from None
        else:
            for line, cells in self._source:
                if len(cells) != width or not cells[0] or cells[0].isspace():
                    cells = self._fit(line, cells)
                    if cells is None:
                        continue
                if lengths and self._too_long(line, cells):
                    continue
                count += 1
                if count > most:
                    raise self._too_many_rows()
                if progress is not None and not count % PROGRESS_EVERY:
                    progress(count)
                yield line, cells
        self.data_rows = count + self._rejected

    def _too_long(self, line: int, cells: Sequence[str]) -> bool:
        found = False
        for col, most, header in self._lengths:
            if len(cells[col]) > most and len(text := cells[col].strip()) > most:
                self.errors.append(
                    RowError(
                        line,
                        header,
                        Text(
                            gettext_noop("%(length)s caractères, %(most)s au plus"),
                            {"length": len(text), "most": most},
                        ),
                    )
                )
                found = True
        self._rejected += found
        return found

    def _too_many_rows(self) -> FileFormatError:
        return FileFormatError(
            gettext_noop(
                "Fichier trop long : plus de %(most)s lignes de données. Découpez-le en "
                "plusieurs fichiers."
            ),
            most=self._max_rows,
        )

    def _fit(self, line: int, cells: Sequence[str]) -> Sequence[str] | None:
        """Cells padded or cut to the header width; None for a blank or too wide row."""
        width = len(self.headers)
        if not any(c and not c.isspace() for c in cells):
            return None  # blank line
        if len(cells) < width:  # trailing empty cells are often left out
            return [*cells, *([""] * (width - len(cells)))]
        if len(cells) > width:
            if any(c.strip() for c in cells[width:]):
                self.errors.append(self._too_wide(line, len(cells)))
                self._rejected += 1
                return None
            return cells[:width]
        return cells

    def _too_wide(self, line: int, found: int) -> RowError:
        params: dict[str, Param] = {"found": found, "wanted": len(self.headers)}
        if not self.delimiter:
            return RowError(
                line, "", Text(gettext_noop("%(found)s colonnes au lieu de %(wanted)s"), params)
            )
        params["name"] = Text(_DELIMITER_NAMES[self.delimiter])
        reason = gettext_noop(
            "%(found)s colonnes au lieu de %(wanted)s : une valeur contient sans doute le "
            "séparateur (%(name)s) sans être entre guillemets"
        )
        return RowError(line, "", Text(reason, params))


def read_table(
    data: bytes,
    *,
    filename: str = "",
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    encoding: str = "",
) -> Table:
    """The file's table; ``encoding`` is a person's choice for a text file ("" = detect)."""
    if not data or data.isspace():  # isspace, unlike strip, copies nothing
        raise FileFormatError(gettext_noop("Le fichier est vide."))
    if len(data) > limits.file_bytes:
        raise FileFormatError(
            gettext_noop(
                "Fichier trop volumineux (%(size)s Mo) : %(most)s Mo au plus. Découpez-le en "
                "plusieurs fichiers."
            ),
            size=len(data) // MB,
            most=limits.file_bytes // MB,
        )
    name = filename.lower()
    if data.startswith(XLSX_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        check_workbook(data, limits)
        return _read_xlsx(data, progress, limits)
    if data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise FileFormatError(
            gettext_noop(
                "Format Excel 97-2003 (.xls) non pris en charge : enregistrez le fichier au "
                "format .xlsx ou CSV."
            )
        )
    if data.startswith(b"%PDF"):
        raise FileFormatError(
            gettext_noop("Ce fichier est un PDF : importez un fichier CSV ou XLSX.")
        )
    return _read_csv(data, progress, limits, encoding)


# --- CSV -----------------------------------------------------------------------------------


def _check_binary(sample: str) -> None:
    controls = sum(1 for c in sample if c < " " and c not in "\t\r\n")
    if "\x00" in sample or controls > len(sample) // 200:
        raise FileFormatError(
            gettext_noop(
                "Fichier illisible : son contenu est binaire, ce n'est ni un CSV ni un XLSX."
            )
        )


def detect_delimiter(sample: str) -> str:
    """The delimiter giving the most columns consistently on the first lines (a candidate
    must give at least 2 columns in the header line); ``,`` when none does."""
    best = (0, 0, 0)
    chosen = ","
    for delimiter in DELIMITERS:
        rows = [r for r in _sample_rows(sample, delimiter)[:30] if any(c.strip() for c in r)]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows[1:] if len(r) == width)
        score = (consistent, width, -DELIMITERS.index(delimiter))
        if score > best:
            best, chosen = score, delimiter
    return chosen


def _sample_rows(sample: str, delimiter: str) -> list[list[str]]:
    """The non-empty rows of ``sample``, up to a cell beyond the size limit (the full read
    then says where it is)."""
    rows = []
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if row:
                rows.append(row)
    except csv.Error:
        pass
    return rows


def _read_csv(data: bytes, progress: Progress | None, limits: Limits, wanted: str) -> Table:
    encoding = chosen_encoding(data, wanted)
    if encoding != "utf-16" and b"\x00" in data:
        raise FileFormatError(
            gettext_noop(
                "Fichier illisible : son contenu est binaire, ce n'est ni un CSV ni un XLSX."
            )
        )
    head = data[:SAMPLE_BYTES]
    if len(data) > SAMPLE_BYTES and encoding != "utf-16":
        head = head[: head.rfind(b"\n") + 1] or head
    sample = head.decode(encoding, errors="replace")
    _check_binary(sample)
    check_text(data, encoding, detected=not wanted)
    # Bounds every cell, the header's included, as it is read (csv's limit is per process,
    # and every import runs with the same one).
    csv.field_size_limit(limits.cell_chars)
    lines = sample.lstrip("\r\n").split("\n", 2)
    first = lines[0].strip()
    explicit = first.lower().startswith("sep=") and len(first) == 5
    delimiter = first[4] if explicit else detect_delimiter(sample)
    _check_header_width(data, lines[1:] if explicit else lines, delimiter, limits)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(_bounded_lines(text, limits), delimiter=delimiter)
    if explicit:  # Excel's "sep=;" hint line
        for row in reader:
            if row:
                break
    try:
        for header in reader:
            if any(c.strip() for c in header):
                headers = [h.strip() for h in header]
                break
        else:
            raise FileFormatError(
                gettext_noop("Le fichier ne contient aucune ligne (ni en-tête ni données).")
            )
    except csv.Error as exc:
        raise _unreadable(reader.line_num, exc) from None
    _check_columns(len(headers), limits)
    table = Table(
        headers, reader, encoding=encoding, delimiter=delimiter, progress=progress, limits=limits
    )
    table.header_line = reader.line_num
    return table


def _bounded_lines(text: io.TextIOWrapper, limits: Limits) -> Iterator[str]:
    """The lines of ``text``, each read up to the longest a row of the limits can be: a
    line of a hundred megabytes is refused before it is held whole."""
    most = limits.columns * (limits.cell_chars + 3)  # quotes and delimiter around each cell
    number = 0
    while line := text.readline(most):
        number += 1
        if len(line) == most and not line.endswith(("\n", "\r")):
            raise FileFormatError(
                gettext_noop("Ligne %(line)s : plus de %(most)s caractères. %(check)s"),
                line=str(number),
                most=most,
                check=Text(_CHECK_QUOTES),
            )
        yield line


def _check_header_width(data: bytes, lines: list[str], delimiter: str, limits: Limits) -> None:
    """Refuse a header line longer than the sample before csv builds it: a line of a million
    columns would otherwise be read whole, and every page would list its headers."""
    if len(lines) > 1 or len(data) <= SAMPLE_BYTES:
        return  # the header line ends within the sample: csv reads it, then it is counted
    end = data.find(b"\n")
    found = data.count(delimiter.encode(), 0, end if end >= 0 else len(data)) + 1
    if found > limits.columns:
        _check_columns(found, limits, about=True)
    raise FileFormatError(
        gettext_noop(
            "Ligne d'en-tête trop longue (plus de %(most)s Ko) : la première ligne doit "
            "contenir les noms des colonnes."
        ),
        most=SAMPLE_BYTES // 1024,
    )


def _check_columns(found: int, limits: Limits, *, about: bool = False) -> None:
    if found > limits.columns:
        reason = (
            gettext_noop(
                "La ligne d'en-tête compte environ %(found)s colonnes : %(most)s au plus. "
                "Vérifiez le séparateur, ou retirez les colonnes inutiles."
            )
            if about
            else gettext_noop(
                "La ligne d'en-tête compte %(found)s colonnes : %(most)s au plus. Vérifiez le "
                "séparateur, ou retirez les colonnes inutiles."
            )
        )
        raise FileFormatError(reason, found=found, most=limits.columns)


def _unreadable(line: int, exc: csv.Error) -> FileFormatError:
    if str(exc).startswith("field larger than field limit"):
        most = csv.field_size_limit()
        return FileFormatError(
            gettext_noop("Ligne %(line)s : une cellule dépasse %(most)s caractères. %(check)s"),
            line=str(line),
            most=most,
            check=Text(_CHECK_QUOTES),
        )
    return FileFormatError(
        gettext_noop("Ligne %(line)s illisible : %(error)s."), line=str(line), error=str(exc)
    )


# --- XLSX ----------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A spreadsheet cell as the string a careful CSV export would write."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        exact = Decimal(repr(value))
        cents = exact.quantize(Decimal("0.01"))
        # 0.1 + 0.2 style artefacts of formulas: rounding them away is harmless for amounts
        if exact != cents and abs(exact - cents) < Decimal("1e-7"):
            return str(cents)
        text = format(exact, "f")
        # "12.345" would read as twelve thousand (a lone separator before 3 digits groups
        # thousands in parse_amount); a spreadsheet number is never grouped, so say "12.3450"
        return text + "0" if len(text) - text.find(".") == 4 else text
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes, progress: Progress | None, limits: Limits) -> Table:
    from openpyxl import load_workbook  # imported here: CSV-only imports never pay for it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        values: Iterable[Sequence[object]] = sheet.iter_rows(values_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) on bad input
        raise FileFormatError(
            gettext_noop("Fichier Excel illisible (%(name)s)."), name=str(type(exc).__name__)
        ) from None

    def numbered() -> Iterator[tuple[int, Sequence[str]]]:
        try:
            yield from _checked_rows(values, limits)
        except FileFormatError:
            raise
        except Exception as exc:  # openpyxl reads lazily: a damaged sheet fails here
            raise FileFormatError(
                gettext_noop("Fichier Excel illisible (%(name)s)."), name=str(type(exc).__name__)
            ) from None
        finally:
            workbook.close()

    rows = numbered()
    for _, header in rows:
        if any(c.strip() for c in header):
            headers = [h.strip() for h in header]
            while headers and not headers[-1]:
                headers.pop()
            break
    else:
        raise FileFormatError(gettext_noop("La première feuille du classeur est vide."))
    _check_columns(len(headers), limits)
    return Table(headers, rows, encoding="", delimiter="", progress=progress, limits=limits)


def _checked_rows(
    values: Iterable[Sequence[object]], limits: Limits
) -> Iterator[tuple[int, Sequence[str]]]:
    for line, row in enumerate(values, start=1):
        if any(v is not None for v in row):
            texts = [cell_text(v) for v in row]
            if max(map(len, texts)) > limits.cell_chars or CONTROL.search("\n".join(texts)):
                _check_cells(line, texts, limits)
            yield line, texts


def _check_cells(line: int, texts: Sequence[str], limits: Limits) -> None:
    """Refuse the first cell of the row that is too long or holds a control character."""
    from openpyxl.utils import get_column_letter

    for col, text in enumerate(texts, start=1):
        where = Text(
            gettext_noop("Ligne %(line)s, colonne %(column)s"),
            {"line": str(line), "column": get_column_letter(col)},
        )
        if len(text) > limits.cell_chars:
            raise FileFormatError(
                gettext_noop("%(where)s : cellule de %(length)s caractères, %(most)s au plus."),
                where=where,
                length=len(text),
                most=limits.cell_chars,
            )
        found = CONTROL.search(text)
        if found is not None:
            raise FileFormatError(
                gettext_noop(
                    "%(where)s : caractère de contrôle %(code)s, qui ne peut être importé. "
                    "Corrigez la cellule dans le classeur."
                ),
                where=where,
                code=f"U+{ord(found.group()):04X}",
            )
