"""Which encoding a text file is in, and whether all of it reads as text in that encoding.

Detection: a byte-order mark, else UTF-8 when the whole file is valid UTF-8, else
Windows-1252 (what Excel writes in France and Belgium). A byte that does not exist in the
encoding (Windows-1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined) or a control character
(what such bytes become when read as Latin-1) is refused with its line: the person who knows
where the file comes from can then name its encoding.
"""

from __future__ import annotations

import codecs
import re

from relance.core.text import Text, gettext_noop

from .rows import FileFormatError

# Encodings a person may choose (codec name -> how it is shown).
ENCODINGS = {
    "utf-8": "UTF-8",
    "windows-1252": "Windows-1252 (Excel sous Windows)",
    "iso-8859-15": "ISO-8859-15 (Latin-9)",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "cp850": "CP850 (logiciels DOS)",
    "mac-roman": "Mac Roman",
    "utf-16": "UTF-16",
}
_NAMES = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", **ENCODINGS}
# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CHUNK = 1024 * 1024
_CHOOSE = Text(
    gettext_noop(
        "Indiquez l'encodage du fichier (choix « Encodage » de la page d'import, option "
        "--encoding de la commande) ou enregistrez-le en UTF-8."
    )
)


def detect_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if data.isascii() or _is_utf8(data):
        return "utf-8"
    return "cp1252"


def _is_utf8(data: bytes) -> bool:
    """Decoded in chunks: decoding a large file at once allocates its whole text first."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start : start + _CHUNK], final=start + _CHUNK >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def chosen_encoding(data: bytes, encoding: str) -> str:
    """The codec for a person's choice ("" = detect); a UTF-8 byte-order mark is skipped."""
    if not encoding:
        return detect_encoding(data)
    if encoding not in ENCODINGS:
        raise FileFormatError(
            gettext_noop("Encodage « %(encoding)s » non pris en charge : %(known)s."),
            encoding=encoding,
            known=", ".join(ENCODINGS),
        )
    if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    return encoding


def encoding_name(encoding: str) -> str:
    return _NAMES.get(encoding, encoding)


def check_text(data: bytes, encoding: str, *, detected: bool) -> None:
    """Refuse, with its line, the first byte that ``encoding`` cannot read and the first
    control character; read in chunks so that a large file is never held twice."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        try:
            text = decoder.decode(chunk, final=start + _CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            raise _undecodable(exc, line, encoding, detected) from None
        found = CONTROL.search(text)
        if found is not None:
            at = line + text.count("\n", 0, found.start())
            raise FileFormatError(
                gettext_noop(
                    "Ligne %(line)s : caractère de contrôle %(code)s lu en %(encoding)s, qui ne "
                    "peut être importé. %(choose)s"
                ),
                line=str(at),
                code=f"U+{ord(found.group()):04X}",
                encoding=encoding_name(encoding),
                choose=_CHOOSE,
            )
        line += text.count("\n")


def _undecodable(
    exc: UnicodeDecodeError, line: int, encoding: str, detected: bool
) -> FileFormatError:
    seen = exc.object[: exc.start]
    at = line + (seen.count(b"\n") if isinstance(seen, bytes) else 0)
    byte = exc.object[exc.start]
    reason = (
        gettext_noop(
            "Ligne %(line)s : l'octet %(byte)s n'existe pas en %(encoding)s (et le fichier "
            "n'est pas en UTF-8). %(choose)s"
        )
        if detected and encoding == "cp1252"
        else gettext_noop(
            "Ligne %(line)s : l'octet %(byte)s n'existe pas en %(encoding)s. %(choose)s"
        )
    )
    return FileFormatError(
        reason,
        line=str(at),
        byte=f"0x{byte:02X}",
        encoding=encoding_name(encoding),
        choose=_CHOOSE,
    )
