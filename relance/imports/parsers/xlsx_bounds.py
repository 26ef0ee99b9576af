"""A workbook's inflated size, checked before openpyxl opens it.

An XLSX file is a zip archive: a few hundred kilobytes can inflate to gigabytes, and openpyxl
loads the shared strings part whole even in read-only mode. Each part's declared size is
checked first (cheap), then the parts openpyxl reads are inflated once, in chunks, counting
the bytes: a part may lie about its size.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from relance.core.text import gettext_noop

from .limits import MB, Limits
from .rows import FileFormatError

_CHUNK = MB
_STRINGS = "xl/sharedStrings.xml"


def check_workbook(data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return  # not a zip: openpyxl says the file is unreadable
    with archive:
        parts = archive.infolist()
        for part in parts:
            _check_size(part.filename, part.file_size, limits)
        for part in parts:
            if part.filename == _STRINGS or part.filename.startswith("xl/worksheets/"):
                _count_inflated(archive, part, limits)


def _cap(name: str, limits: Limits) -> int:
    return limits.xlsx_strings_bytes if name == _STRINGS else limits.xlsx_part_bytes


def _check_size(name: str, size: int, limits: Limits) -> None:
    cap = _cap(name, limits)
    if size > cap:
        raise FileFormatError(
            gettext_noop(
                "Classeur Excel refusé : sa partie « %(name)s » fait plus de %(size)s Mo une "
                "fois décompressée (%(most)s Mo au plus). Enregistrez les données en CSV, ou "
                "en plusieurs fichiers."
            ),
            name=name,
            size=size // MB,
            most=cap // MB,
        )


def _count_inflated(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: Limits) -> None:
    cap = _cap(part.filename, limits)
    total = 0
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > cap:
                    _check_size(part.filename, total, limits)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        return  # a damaged part: openpyxl says the file is unreadable
