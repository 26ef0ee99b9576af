"""Cell value parsers: amounts, dates, e-mails, phones, identifiers, codes.

Each parser takes the cell text (already stripped or not) and returns the typed value, or
raises ``CellError`` whose ``text`` is the sentence shown to the user (French by default,
translated where it is shown: ``relance.core.text``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from relance.core import identifiers, money
from relance.core.text import TextError, gettext_noop


class CellError(TextError):
    """A cell that cannot be read; ``exc.text`` is the reason shown to the user."""


ZERO = Decimal("0.00")
CENT = Decimal("0.01")
NEGATIVE = gettext_noop("montant négatif « %(text)s »")
NOTHING = gettext_noop("montant nul « %(text)s »")
BAD_PHONE = gettext_noop("numéro de téléphone invalide « %(text)s »")

# --- amounts -------------------------------------------------------------------------------

# The common case (machine exports): digits, a dot, two decimals. Decimal() on it is exact.
PLAIN_AMOUNT = re.compile(r"\d{1,15}\.\d\d").fullmatch


def parse_amount(text: str) -> Decimal:
    """Read an amount written the French, Belgian or English way; may be negative.

    The rule is ``relance.core.money.parse_amount``'s (one for imports and forms), with one
    difference: a single separator followed by exactly three digits is a thousands separator
    here (``1.234`` and ``1,234`` are 1234, as English spreadsheets write them) unless the
    integer part is 0 (``0,125`` has three decimals, refused).
    """
    try:
        return money.parse_amount(text, lone_group="thousands")
    except money.AmountError as exc:
        raise CellError(exc.text) from None


def parse_positive_amount(text: str, *, allow_zero: bool = False) -> Decimal:
    value = Decimal(text) if PLAIN_AMOUNT(text) else parse_amount(text)
    if value < 0:
        raise CellError(NEGATIVE, text=text.strip())
    if not value and not allow_zero:
        raise CellError(NOTHING, text=text.strip())
    return value


# --- dates ---------------------------------------------------------------------------------

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME)
_FR_DATE = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
BAD_DATE = gettext_noop("date invalide « %(text)s » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")


def parse_date(text: str) -> date:
    """ISO (``2026-01-31``, with an optional time part) or day-first French/Belgian
    (``31/01/2026``, ``31-01-2026``, ``31.01.2026``, ``31/01/26``). Never month-first.

    Two-digit years are 20yy up to 69 and 19yy from 70 (the POSIX ``%y`` rule), so a
    ``client depuis 15/03/98`` stays in the last century.
    """
    s = text.strip()
    m = _ISO_DATE.fullmatch(s)
    if m:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _FR_DATE.fullmatch(s)
        if not m:
            raise CellError(BAD_DATE, text=s)
        day, month, year = int(m[1]), int(m[3]), int(m[4])
        if len(m[4]) == 2:
            year += 2000 if year < 70 else 1900
    if not 1900 <= year <= 2199:
        raise CellError(
            gettext_noop("date invalide « %(text)s » (année %(year)s hors limites)"),
            text=s,
            year=str(year),
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(BAD_DATE, text=s) from None


# --- codes ---------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation or spaces: the key used to compare labels."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_CURRENCY_WORDS = {"€": "EUR", "euro": "EUR", "euros": "EUR", "$": "USD", "£": "GBP"}


def parse_currency(text: str) -> str:
    """ISO 4217 code, ``EUR`` when empty; ``€`` is EUR."""
    s = text.strip()
    if not s:
        return "EUR"
    code = _CURRENCY_WORDS.get(s.lower(), s.upper())
    if not _CURRENCY_CODE.fullmatch(code):
        raise CellError(
            gettext_noop("devise invalide « %(text)s » (attendu un code à 3 lettres, ex. EUR)"),
            text=s,
        )
    return code


_KINDS = {
    "b2b": "B2B",
    "entreprise": "B2B",
    "professionnel": "B2B",
    "pro": "B2B",
    "societe": "B2B",
    "business": "B2B",
    "company": "B2B",
    "bedrijf": "B2B",
    "b2c": "B2C",
    "particulier": "B2C",
    "consommateur": "B2C",
    "consumer": "B2C",
    "individual": "B2C",
    "public": "PUBLIC",
    "administration": "PUBLIC",
    "collectivite": "PUBLIC",
    "b2g": "PUBLIC",
    "secteurpublic": "PUBLIC",
    "overheid": "PUBLIC",
}


def parse_kind(text: str) -> str:
    """B2B / B2C / PUBLIC with French, English and Dutch synonyms; B2B when empty."""
    s = text.strip()
    if not s:
        return "B2B"
    kind = _KINDS.get(fold(s))
    if kind is None:
        raise CellError(
            gettext_noop("type de client inconnu « %(text)s » (attendu B2B, B2C ou PUBLIC)"), text=s
        )
    return kind


_COUNTRIES = {
    "france": "FR",
    "belgique": "BE",
    "belgium": "BE",
    "belgie": "BE",
    "belgien": "BE",
    "luxembourg": "LU",
    "suisse": "CH",
    "switzerland": "CH",
    "paysbas": "NL",
    "netherlands": "NL",
    "nederland": "NL",
    "allemagne": "DE",
    "germany": "DE",
    "deutschland": "DE",
    "espagne": "ES",
    "spain": "ES",
    "italie": "IT",
    "italy": "IT",
    "royaumeuni": "GB",
    "unitedkingdom": "GB",
    "monaco": "MC",
}


def parse_country(text: str) -> str:
    """ISO 3166-1 alpha-2 (any two letters are accepted as is) or a common country name;
    ``FR`` when empty."""
    s = text.strip()
    if not s:
        return "FR"
    if len(s) == 2 and s.isascii() and s.isalpha():
        return "GB" if s.upper() == "UK" else s.upper()
    code = _COUNTRIES.get(fold(s))
    if code is None:
        raise CellError(
            gettext_noop("pays inconnu « %(text)s » (attendu un code ISO à 2 lettres, ex. FR, BE)"),
            text=s,
        )
    return code


_LANGUAGES = {
    "fr": "fr",
    "francais": "fr",
    "french": "fr",
    "frans": "fr",
    "nl": "nl",
    "neerlandais": "nl",
    "flamand": "nl",
    "dutch": "nl",
    "nederlands": "nl",
    "en": "en",
    "anglais": "en",
    "english": "en",
    "engels": "en",
    "de": "de",
    "allemand": "de",
    "german": "de",
    "deutsch": "de",
    "duits": "de",
}


def parse_language(text: str) -> str:
    """fr / nl / en / de (also ``fr-BE``, ``français``...); "" when empty."""
    s = text.strip()
    if not s:
        return ""
    key = fold(s)
    lang = _LANGUAGES.get(key) or _LANGUAGES.get(key[:2] if len(key) == 4 else "")
    if lang is None:
        raise CellError(
            gettext_noop("langue inconnue « %(text)s » (attendu fr, nl, en ou de)"), text=s
        )
    return lang


# --- contact details -----------------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s<>(),;:\"]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")
_EMAIL_SPLIT = re.compile(r"[;,]")
_ANGLE = re.compile(r".*<([^<>]+)>")


_EMAIL_MOST = 254  # the longest address SMTP carries (RFC 5321, 4.5.3.1)


def parse_emails(text: str) -> tuple[str, ...]:
    """One or more addresses separated by ``;`` or ``,`` (``Nom <a@b.fr>`` accepted);
    domain lower-cased, duplicates dropped, order kept (the first is the main contact)."""
    found: list[str] = []
    for part in _EMAIL_SPLIT.split(text):
        s = part.strip()
        if not s:
            continue
        m = _ANGLE.fullmatch(s)
        if m:
            s = m[1].strip()
        local, _, domain = s.rpartition("@")
        address = f"{local}@{domain.lower()}"
        if len(address) > _EMAIL_MOST:
            raise CellError(
                gettext_noop("adresse e-mail de %(length)s caractères, %(most)s au plus"),
                length=len(address),
                most=_EMAIL_MOST,
            )
        if not _EMAIL.fullmatch(address) or ".." in address or local.startswith("."):
            raise CellError(gettext_noop("adresse e-mail invalide « %(text)s »"), text=part.strip())
        if address not in found:
            found.append(address)
    return tuple(found)


# Country -> calling code, for numbers written the national way (leading trunk 0).
_TRUNK_ZERO = {"FR": "33", "BE": "32", "NL": "31", "DE": "49", "GB": "44", "CH": "41", "AT": "43"}
# Calling code -> allowed lengths of the national significant number (without trunk 0).
_NSN_LENGTHS = {"33": (9,), "32": (8, 9), "31": (9,), "352": tuple(range(6, 12))}
_PHONE_NOISE = str.maketrans("", "", " \u00a0\u202f.-/()")


def parse_phone(text: str, country: str = "FR") -> str:
    """E.164 (``+33123456789``) from international (``+33 1 23…``, ``0033 1 23…``) or
    national (``01 23 45 67 89`` in France, ``02 123 45 67`` / ``0470 12 34 56`` in Belgium)
    writing. A French or Belgian number whose leading 0 was eaten by a spreadsheet
    (``612345678``) is accepted too. Lengths are checked for FR, BE, NL and LU; other
    countries only get the E.164 bounds (8 to 15 digits)."""
    original = text.strip()
    s = original.replace("(0)", "").translate(_PHONE_NOISE)
    if s.startswith("+"):
        digits = s[1:]
    elif s.startswith("00"):
        digits = s[2:]
    elif s.startswith("0") and country in _TRUNK_ZERO:
        digits = _TRUNK_ZERO[country] + s[1:]
    elif (
        country in ("FR", "BE")
        and s[:1] in "123456789"
        and len(s) in _NSN_LENGTHS[_TRUNK_ZERO[country]]
    ):
        digits = _TRUNK_ZERO[country] + s
    else:
        raise CellError(BAD_PHONE, text=original)
    if not digits.isdigit() or not digits.isascii() or digits[0] == "0":
        raise CellError(BAD_PHONE, text=original)
    for code, lengths in _NSN_LENGTHS.items():
        if digits.startswith(code):
            national = digits[len(code) :]
            if len(national) not in lengths or national[0] == "0":
                raise CellError(BAD_PHONE, text=original)
            break
    if not 8 <= len(digits) <= 15:
        raise CellError(BAD_PHONE, text=original)
    return "+" + digits


# --- identifiers ---------------------------------------------------------------------------


_VAT_NOISE = str.maketrans("", "", " \u00a0.-/")


def parse_vat(text: str, country: str = "FR") -> str:
    """EU VAT number, compact (``FR40303265045``); the country prefix may be left out when it
    is the customer's country (Greece uses ``EL``)."""
    number = text.strip().translate(_VAT_NOISE).upper()
    if number[:1].isdigit():
        number = ("EL" if country == "GR" else country) + number
    return _identifier(identifiers.vat_number, number, text)


def _identifier(check: Callable[[str], str], value: str, text: str) -> str:
    try:
        return check(value)
    except identifiers.InvalidIdentifier as exc:
        # Name the value as the file wrote it, not as it was cleaned up.
        raise CellError(exc.naming(text.strip()).text) from None


def parse_siren(text: str) -> str:
    return _identifier(identifiers.siren, text.strip(), text)


def parse_siret(text: str) -> str:
    return _identifier(identifiers.siret, text.strip(), text)


def parse_enterprise_number(text: str) -> str:
    """Belgian enterprise number (BCE/KBO), 10 digits (``0403.170.701``, ``BE0403170701``)."""
    return _identifier(identifiers.be_enterprise_number, text.strip(), text)


def parse_iban(text: str) -> str:
    return _identifier(identifiers.iban, text.strip(), text)
