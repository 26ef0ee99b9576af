"""Which format a bank file is in, from its first bytes."""

from __future__ import annotations

import re
from collections.abc import Callable

from relance.core.text import gettext_noop

from ..cells import gc_paused
from . import camt, cfonb, coda, mt940, ofx, qif
from .model import DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, Limits, StatementError, StatementFile

Parser = Callable[[bytes], StatementFile]

FORMATS = "camt.053, camt.052, camt.054, CFONB 120, CODA, MT940, OFX ou QIF"
_CAMT_ROOT = re.compile(rb"<(?:\w+:)?(?:BkToCstmrStmt|BkToCstmrAcctRpt|BkToCstmrDbtCdtNtfctn)\b")


def _head(data: bytes) -> bytes:
    return data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")


def _first_lines(head: bytes) -> list[bytes]:
    return [line.rstrip(b"\r") for line in head.split(b"\n") if line.strip()][:3]


def detect(data: bytes) -> str:
    """The name of the format, or ``""`` when none is recognised."""
    head = _head(data)
    if head.startswith(b"<") and (camt.message_name(head) or _CAMT_ROOT.search(head)):
        return "camt"
    if head.startswith(b"OFXHEADER") or (head.startswith(b"<") and b"<OFX" in head.upper()):
        return "ofx"
    if re.search(rb"^:20:", head, re.MULTILINE) and re.search(rb"^:25:", head, re.MULTILINE):
        return "mt940"
    lines = _first_lines(head)
    if lines and lines[0][:2] in (b"01", b"04", b"05", b"07") and len(lines[0]) == 120:
        return "cfonb120"
    if lines and lines[0].startswith(b"0000") and len(lines[0]) == 128:
        return "coda"
    if lines and lines[0].startswith(b"31") and len(lines[0]) == 240:
        return "cfonb240"
    if any(line.startswith((b"!Type:", b"!Account", b"!Option", b"!Clear")) for line in lines):
        return "qif"
    return ""


@gc_paused()
def read_statements(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> StatementFile:
    """Read a bank statement file; refuse it with a ``StatementError`` saying why."""
    if len(data) > max_bytes:
        raise StatementError(
            gettext_noop(
                "fichier trop gros (%(size)s octets, au plus %(max_bytes)s) : découpez-le par "
                "période"
            ),
            size=str(len(data)),
            max_bytes=str(max_bytes),
        )
    if not data.strip():
        raise StatementError(gettext_noop("fichier vide"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise StatementError(
            gettext_noop("fichier en UTF-16 : exportez-le de nouveau en UTF-8"), line=1
        )
    limits = Limits(max_bytes=max_bytes, max_entries=max_entries)
    kind = detect(data)
    if kind == "camt":
        return camt.parse(data, limits=limits)
    if kind == "ofx":
        return ofx.parse(data, limits=limits)
    if kind == "coda":
        return coda.parse(data, limits=limits)
    if kind == "mt940":
        return mt940.parse(data, limits=limits)
    if kind == "qif":
        return qif.parse(data, limits=limits)
    if kind == "cfonb120":
        return cfonb.parse(data, limits=limits)
    if kind == "cfonb240":
        raise StatementError(
            gettext_noop(
                "fichier CFONB 240 (remise de virements ou de prélèvements) : ce n'est pas un "
                "relevé de compte ; demandez à la banque le relevé au format CFONB 120"
            ),
            line=1,
        )
    raise StatementError(
        gettext_noop(
            "format de relevé non reconnu (attendu %(formats)s) : exportez le relevé depuis "
            "la banque dans l'un de ces formats"
        ),
        line=1,
        formats=str(FORMATS),
    )
