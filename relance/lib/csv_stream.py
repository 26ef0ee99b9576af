"""A CSV download written as it is read: rows go out while the next ones are fetched."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

# Spreadsheets set up for French read ";" as the separator and need the BOM to read UTF-8.
DELIMITER = ";"
BOM = "\ufeff"
# A cell a spreadsheet would take for a formula is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """What ``csv.writer`` writes to: the line it formatted, handed back."""

    def write(self, value: str) -> str:
        return value


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[str]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Line(), delimiter=DELIMITER, lineterminator="\r\n")

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_as_text(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def _as_text(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell
