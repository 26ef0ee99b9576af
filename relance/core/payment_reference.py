"""Structured payment references that let a bank transfer be matched to its customer.

* Belgium: the structured communication (OGM/VCS) ``+++123/4567/89012+++``: ten digits and a
  check number, their remainder modulo 97 (97 when it is 0).
* Elsewhere (France...): the ISO 11649 creditor reference ``RF`` + two check digits + up to
  21 letters and digits, checked modulo 97 like an IBAN.

An invoice may also carry the reference printed by the software that issued it: one of these
two (then its check digits must hold), or any other text, kept as written.
"""

from __future__ import annotations

import re

from relance.core.text import TextError, gettext_noop

_ALNUM = re.compile(r"[^A-Z0-9]")
# What an RF reference or a Belgian structured communication looks like before its check.
_RF_SHAPE = re.compile(r"^RF\d{2}[A-Z0-9]+$")
_BELGIAN_SHAPE = re.compile(
    r"^(?:(?:\+{3}|\*{3})[\d\s/]+(?:\+{3}|\*{3})|\d{3}\s*/\s*\d{4}\s*/\s*\d{5})$"
)
# The longest reference an invoice keeps (the column's size).
MAX_INVOICE_REFERENCE = 64


class InvalidReference(TextError):
    """A reference that looks structured but whose check digits are wrong, or too long."""


def belgian_structured(number: int) -> str:
    """The structured communication of a number of at most ten digits."""
    if not 0 < number < 10**10:
        raise ValueError("a structured communication carries 1 to 10 digits")
    base = f"{number:010d}"
    check = number % 97 or 97
    digits = f"{base}{check:02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def _iso7064_mod97(text: str) -> int:
    """Letters become numbers (A=10 ... Z=35), then the remainder modulo 97."""
    return int("".join(str(int(char, 36)) for char in text)) % 97


def creditor_reference(reference: str) -> str:
    """ISO 11649 ``RF`` reference for up to 21 letters and digits (others are dropped)."""
    body = _ALNUM.sub("", reference.upper())
    if not 0 < len(body) <= 21:
        raise ValueError("an RF reference carries 1 to 21 letters or digits")
    check = 98 - _iso7064_mod97(body + "RF00")
    return f"RF{check:02d}{body}"


def payment_reference(*, country: str, customer_number: int, customer_ref: str) -> str:
    """The reference to print on a customer's reminders and QR code."""
    if country.upper() == "BE":
        return belgian_structured(customer_number)
    return creditor_reference(customer_ref)


def checked_belgian(digits: str) -> str:
    """The canonical +++ form of 12 digits when their check holds, else ``""``."""
    if len(digits) != 12 or not digits.isdigit():
        return ""
    number = int(digits[:10])
    if not number:
        return ""
    canonical = belgian_structured(number)
    return canonical if canonical.replace("/", "").strip("+") == digits else ""


def checked_rf(text: str) -> str:
    """The compact RF form when ``text`` is a valid ISO 11649 reference, else ``""``."""
    compact = "".join(text.split()).upper()
    if not compact.startswith("RF") or not 5 <= len(compact) <= 25:
        return ""
    try:
        return compact if creditor_reference(compact[4:]) == compact else ""
    except ValueError:
        return ""


def invoice_reference(value: str) -> str:
    """An invoice's own payment reference in the form kept: an RF reference compact
    (``RF18539007547034``), a Belgian one as ``+++123/4567/89002+++``, any other text with
    its spaces collapsed. Raises ``InvalidReference`` when an RF or +++ reference fails its
    check digits (a typing error would send the payment nowhere) or the text is too long."""
    text = " ".join(value.split())
    compact = text.replace(" ", "").upper()
    if _RF_SHAPE.match(compact):
        found = checked_rf(compact)
        if not found:
            raise InvalidReference(
                gettext_noop(
                    "référence RF « %(text)s » invalide : les chiffres de contrôle ne "
                    "correspondent pas (ISO 11649)"
                ),
                text=text,
            )
        return found
    if _BELGIAN_SHAPE.match(text):
        found = checked_belgian(re.sub(r"\D", "", text))
        if not found:
            raise InvalidReference(
                gettext_noop(
                    "communication structurée « %(text)s » invalide : 12 chiffres attendus, "
                    "dont les 2 derniers de contrôle (modulo 97)"
                ),
                text=text,
            )
        return found
    if len(text) > MAX_INVOICE_REFERENCE:
        raise InvalidReference(
            gettext_noop("référence de paiement de plus de %(most)s caractères"),
            most=MAX_INVOICE_REFERENCE,
        )
    return text
