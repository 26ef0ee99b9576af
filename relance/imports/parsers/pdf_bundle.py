"""The PDFs of a ZIP archive, read defensively: bytes in, named entries out.

A ZIP comes from outside and may be hostile. It is refused whole, before anything is
written, when it is empty, not a ZIP, encrypted, names a path outside itself ("../", an
absolute path, a drive), holds more files than allowed or would unpack to more bytes than
allowed: the sizes the archive declares are checked first, and the bytes really unpacked are
counted while reading, since a declared size can lie. Nothing is ever extracted to disk: an
entry is read into memory when asked for, at most its allowance.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from relance.core.text import Text, gettext_noop, sentence
from relance.imports.parsers.rows import FileFormatError

PDF_MAGIC = b"%PDF-"
MB = 1024 * 1024
# Entries added by archivers that nobody means to import.
NOISE = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class BundleLimits:
    files: int  # entries of the archive (folders aside)
    total_bytes: int  # bytes of all entries once unpacked


@dataclass(frozen=True)
class BundleEntry:
    """One file of the bundle: its name as shown to a person, and how to read it."""

    name: str
    size: int
    read: Callable[[], bytes]


def is_pdf(head: bytes) -> bool:
    """PDF content, whatever the file is called (readers accept a few bytes before)."""
    return PDF_MAGIC in head[:1024]


def _unsafe_name(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        name.startswith(("/", "\\"))
        or ".." in path.parts
        or (len(name) > 1 and name[1] == ":")
        or "\x00" in name
    )


def _is_noise(name: str) -> bool:
    base = PurePosixPath(name).name
    return name.startswith(NOISE[0]) or "/__MACOSX/" in name or base in NOISE[1:]


def zip_entries(handle: IO[bytes], limits: BundleLimits) -> list[BundleEntry]:
    """The files of the archive, after the checks of the whole archive; ``FileFormatError``
    tells why it is refused."""
    if not handle.read(1):
        raise FileFormatError(gettext_noop("Le fichier est vide (0 octet) : rien n'a été importé."))
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileFormatError(
            gettext_noop("Ce fichier n'est pas une archive ZIP lisible : envoyez un .zip de PDF.")
        ) from exc
    infos = [info for info in archive.infolist() if not info.is_dir()]
    for info in infos:
        if _unsafe_name(info.filename):
            raise FileFormatError(
                gettext_noop("Archive refusée : le nom « %(name)s » sort de l'archive (chemin "
                             "absolu ou « .. »). Rien n'a été importé."),
                name=info.filename,
            )  # fmt: skip
        if info.flag_bits & 0x1:
            raise FileFormatError(
                gettext_noop("Archive refusée : « %(name)s » est chiffré (protégé par un mot de "
                             "passe). Envoyez une archive sans mot de passe."),
                name=info.filename,
            )  # fmt: skip
    infos = [info for info in infos if not _is_noise(info.filename)]
    if len(infos) > limits.files:
        raise FileFormatError(
            gettext_noop("Archive refusée : %(count)s fichiers, %(most)s au plus "
                         "(RELANCE_IMPORT_PDF_MAX_FILES). Découpez-la en plusieurs archives."),
            count=len(infos), most=limits.files,
        )  # fmt: skip
    declared = sum(info.file_size for info in infos)
    if declared > limits.total_bytes:
        raise FileFormatError(_too_big(limits))
    budget = _Budget(limits)
    return [
        BundleEntry(name=info.filename, size=info.file_size, read=_reader(archive, info, budget))
        for info in infos
    ]


class _Budget:
    """The bytes still allowed to be unpacked, over all the reads of the archive."""

    def __init__(self, limits: BundleLimits) -> None:
        self.limits = limits
        self.left = limits.total_bytes
        self.counted: set[int] = set()  # entries already paid for: a second read is free

    def take(self, entry: zipfile.ZipInfo, count: int) -> None:
        if id(entry) in self.counted:
            return
        self.counted.add(id(entry))
        self.left -= count
        if self.left < 0:
            raise FileFormatError(_too_big(self.limits))


def _too_big(limits: BundleLimits) -> Text:
    return sentence(
        gettext_noop("Archive refusée : une fois décompressée elle dépasse %(most)s Mo "
                     "(RELANCE_IMPORT_PDF_MAX_MB). Découpez-la en plusieurs archives."),
        most=limits.total_bytes // MB,
    )  # fmt: skip


def _reader(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget
) -> Callable[[], bytes]:
    def read() -> bytes:
        # Never more than the declared size plus one byte: an entry lying about its size is
        # caught, and a bomb is never unpacked beyond what is allowed.
        try:
            with archive.open(info) as member:
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
            raise FileFormatError(
                gettext_noop("Archive refusée : « %(name)s » est illisible (%(why)s)."),
                name=info.filename, why=str(exc),
            ) from exc  # fmt: skip
        if len(data) > info.file_size:
            raise FileFormatError(
                gettext_noop("Archive refusée : « %(name)s » se décompresse au-delà de la taille "
                             "qu'elle annonce."),
                name=info.filename,
            )  # fmt: skip
        budget.take(info, len(data))
        return data

    return read
