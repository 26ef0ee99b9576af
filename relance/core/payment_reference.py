"""Structured payment references that let a bank transfer be matched to its customer.

* Belgium: the structured communication (OGM/VCS) ``+++123/4567/89012+++``: ten digits and a
  check number, their remainder modulo 97 (97 when it is 0).
* Elsewhere (France...): the ISO 11649 creditor reference ``RF`` + two check digits + up to
  21 letters and digits, checked modulo 97 like an IBAN.
"""

from __future__ import annotations

import re

_ALNUM = re.compile(r"[^A-Z0-9]")


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
