"""An outbox e-mail as the bytes that leave: headers, text part, HTML alternative, attachments.

Written directly rather than through ``email.mime``: the standard library builds a tree of
objects, picks the shorter of two encodings for every non-ASCII header by encoding it both
ways, and folds every header through ``email.header``, which made building a message cost as
much as sending it. What is written here is what those classes write for these messages
(RFC 5322 headers folded under 78 characters, RFC 2047 encoded words, quoted-printable UTF-8
bodies, base64 attachments with RFC 2231 file names), and the tests read every message back
with Python's parser.

Lines end in CRLF, as SMTP and DKIM want them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from email.utils import format_datetime, formataddr
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.channels.email.addresses import address_parts
from relance.channels.models import OutboundMessage

CRLF = "\r\n"
MAX_LINE = 78  # RFC 5322 2.1.1: "should" (998 is the hard limit)
# An encoded word's text: 39 bytes of UTF-8 make 52 characters of base64, and a folded line
# "Subject: =?utf-8?b?...?=" stays under 78.
_WORD_BYTES = 39


class AttachmentError(Exception):
    """An attached file is missing or changed since the message was written."""


def message_bytes(message: OutboundMessage) -> bytes:
    """The message exactly as stored in the outbox: text part, then HTML alternative, then
    the attached PDFs."""
    boundary = f"=_{message.uuid.hex}"  # "=_" never occurs in quoted-printable or base64
    body = _text_part("plain", message.body_text)
    if message.body_html:
        body = _multipart(
            "alternative", f"{boundary}_a", [body, _text_part("html", message.body_html)]
        )
    if message.attachments:
        parts = [body, *(_attachment(attachment) for attachment in message.attachments)]
        body = _multipart("mixed", f"{boundary}_m", parts)
    return (_headers(message) + body).encode("utf-8")


def _headers(message: OutboundMessage) -> str:
    fields = [("From", _address(message.sender)), ("To", ", ".join(message.recipients))]
    if message.copy_to:
        fields.append(("Cc", ", ".join(message.copy_to)))
    if message.reply_to:
        fields.append(("Reply-To", _address(message.reply_to)))
    fields += [("Subject", message.subject), ("Message-ID", message.message_id)]
    if message.references:
        fields += [("In-Reply-To", message.references.split()[-1]),
                   ("References", message.references)]  # fmt: skip
    fields += [("Date", format_datetime(timezone.now())), ("Auto-Submitted", "auto-generated"),
               ("MIME-Version", "1.0")]  # fmt: skip
    return "".join(header(name, value) for name, value in fields)


def header(name: str, value: str) -> str:
    """One header line, folded at spaces under 78 characters; text that is not printable
    ASCII, or that cannot be folded under 998, goes in RFC 2047 encoded words."""
    value = value.replace("\r", " ").replace("\n", " ")  # a header is one line
    if _printable(value) and "=?" not in value:  # text like an encoded word is encoded
        folded = _fold(f"{name}: {value}", start=len(name) + 2)
        if folded is not None:
            return folded + CRLF
    if name in ("From", "To", "Cc", "Reply-To"):  # an address cannot be encoded: 8-bit
        return f"{name}: {value}{CRLF}"
    words = _encoded_words(value)
    return f"{name}: " + f"{CRLF} ".join(words) + CRLF


def _printable(value: str) -> bool:
    return value.isascii() and value.isprintable()


def _fold(line: str, start: int) -> str | None:
    """Break before spaces after ``start`` so that each line stays under 78 characters
    (longer when a word is longer); None when a line would pass 998."""
    if len(line) <= MAX_LINE:
        return line
    lines = []
    while len(line) > MAX_LINE:
        cut = line.rfind(" ", start, MAX_LINE + 1)
        if cut < start or not line[:cut].strip():
            cut = line.find(" ", max(start, MAX_LINE + 1))
            if cut == -1:
                break
        start = 1
        lines.append(line[:cut])
        line = line[cut:]
    lines.append(line)
    if max(len(part) for part in lines) > 998:
        return None
    return CRLF.join(lines)


def _encoded_words(value: str) -> list[str]:
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    for char in value:
        width = len(char.encode("utf-8"))
        if size + width > _WORD_BYTES:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += width
    words.append("".join(chunk))
    return [f"=?utf-8?b?{base64.b64encode(word.encode()).decode()}?=" for word in words]


def _address(value: str) -> str:
    name, address = address_parts(value)
    return formataddr((name, address), charset="utf-8") if name else address


def _text_part(subtype: str, text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    data = text.replace("\n", CRLF).encode("utf-8")
    # Quoted-printable breaks long lines with the line end it finds first: make it CRLF.
    unended = not data.endswith(b"\r\n")
    encoded = binascii.b2a_qp(data + b"\r\n" if unended else data, quotetabs=False, istext=True)
    if unended:
        encoded = encoded[:-2]
    return (f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
            f"Content-Transfer-Encoding: quoted-printable{CRLF}{CRLF}"
            f"{encoded.decode('ascii')}")  # fmt: skip


def _multipart(subtype: str, boundary: str, parts: Iterable[str]) -> str:
    inner = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts)
    return (f'Content-Type: multipart/{subtype}; boundary="{boundary}"{CRLF}{CRLF}'
            f"{inner}--{boundary}--{CRLF}")  # fmt: skip


def _attachment(attachment: dict[str, object]) -> str:
    try:
        with default_storage.open(str(attachment["path"]), "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise AttachmentError(
            _("pièce jointe introuvable : %(attachment)s") % {"attachment": attachment["name"]}
        ) from exc
    if hashlib.sha256(data).hexdigest() != attachment["sha256"]:
        # The file changed since the message was written: do not send something else.
        raise AttachmentError(
            _("pièce jointe modifiée : %(attachment)s") % {"attachment": attachment["name"]}
        )
    # Invoice PDFs carry no type; files a collector attached carry theirs.
    content_type = str(attachment.get("content_type") or "application/pdf")
    encoded = base64.encodebytes(data).decode("ascii").replace("\n", CRLF)
    return (f"Content-Type: {content_type}{CRLF}Content-Transfer-Encoding: base64{CRLF}"
            f"Content-Disposition: attachment; {_filename(str(attachment['name']))}{CRLF}"
            f"{CRLF}{encoded}")  # fmt: skip


def _filename(name: str) -> str:
    """The file name parameter: quoted when plain ASCII, else RFC 2231 (UTF-8, percent)."""
    if _printable(name) and '"' not in name and "\\" not in name:
        return f'filename="{name}"'
    return f"filename*=utf-8''{quote(name, safe='')}"
