"""How many SMS a text costs: GSM-7 when every character is in the GSM 03.38 alphabet, else UCS-2.

Pure: no Django, no IO. The numbers are those of 3GPP TS 23.038 / 23.040:

* GSM-7: 160 septets in a single SMS; a long text is split into parts of 153 septets (7 go to
  the concatenation header). The characters of the extension table (``^ { } \\ [ ~ ] | €`` and
  form feed) are sent as ESC + character, so they count as 2 septets, and a part never ends
  between the two.
* UCS-2: 70 UTF-16 code units in a single SMS, 67 per part. A character outside the Basic
  Multilingual Plane (an emoji) is a surrogate pair: 2 units, never split between parts.

French gotchas: ``é è ù à ì ò É Ç`` are in GSM-7, but ``ç ê â î ô û ë ï œ`` and the typographic
apostrophe ``’`` are not. One of them switches the whole text to UCS-2 (70 per SMS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

# GSM 03.38 default alphabet (ESC, 0x1B, left out: it is not a character one can write).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: sent as ESC + one septet.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

# Spaces a phone shows as spaces but GSM-7 lacks: amounts are written with them (1 234,56 €).
_PLAIN_SPACES = str.maketrans(dict.fromkeys("\u00a0\u2007\u2009\u202f", " "))

SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True, slots=True)
class SmsLength:
    """``characters``: septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text.

    ``per_segment``: what one SMS holds for this text, 160/70 for a single SMS, 153/67 once
    it is split.
    """

    encoding: Encoding
    characters: int
    segments: int
    per_segment: int


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` is in the GSM-7 alphabet or its extension."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def plain_spaces(text: str) -> str:
    """``text`` with its no-break and thin spaces as plain ones: a single one of them would
    send the whole SMS in UCS-2, 70 characters per SMS instead of 160."""
    return text.translate(_PLAIN_SPACES)


def _widths(text: str, encoding: Encoding) -> list[int]:
    """Size of each character in septets (GSM-7) or UTF-16 code units (UCS-2)."""
    if encoding == "GSM-7":
        return [2 if char in GSM7_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def segment_count(text: str) -> SmsLength:
    """The encoding, size and number of SMS ``text`` needs (0 segments for an empty text)."""
    encoding: Encoding = "GSM-7" if is_gsm7(text) else "UCS-2"
    widths = _widths(text, encoding)
    total = sum(widths)
    if total <= SINGLE[encoding]:
        return SmsLength(encoding, total, 1 if total else 0, SINGLE[encoding])
    capacity = PART[encoding]
    segments, used = 1, 0
    for width in widths:  # an escape pair or a surrogate pair is never split between parts
        if used + width > capacity:
            segments, used = segments + 1, 0
        used += width
    return SmsLength(encoding, total, segments, capacity)
