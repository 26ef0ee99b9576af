"""Company and bank identifiers of France and Belgium, validated and put in compact form.

Each function returns the compact form or raises ``InvalidIdentifier`` with a sentence that
names the identifier and the value, so callers can show it as it is.
"""

from __future__ import annotations

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret


class InvalidIdentifier(ValueError):
    pass


def siren(value: str) -> str:
    try:
        return str(fr_siren.validate(value))
    except stdnum_errors.ValidationError as exc:
        raise InvalidIdentifier(f"SIREN invalide « {value} »") from exc


def siret(value: str) -> str:
    try:
        return str(fr_siret.validate(value))
    except stdnum_errors.ValidationError as exc:
        raise InvalidIdentifier(f"SIRET invalide « {value} »") from exc


def vat_number(value: str) -> str:
    try:
        return str(eu_vat.validate(value))
    except stdnum_errors.ValidationError as exc:
        raise InvalidIdentifier(f"n° de TVA invalide « {value} »") from exc


def be_enterprise_number(value: str) -> str:
    """The 10-digit Belgian enterprise (BCE/KBO) number, which is also the VAT number body."""
    try:
        return str(be_vat.validate(value))
    except stdnum_errors.ValidationError as exc:
        raise InvalidIdentifier(f"n° d'entreprise invalide « {value} »") from exc


def iban(value: str) -> str:
    try:
        return str(IBAN(value).compact)
    except SchwiftyException as exc:
        raise InvalidIdentifier(f"IBAN invalide « {value} »") from exc


def bic(value: str) -> str:
    try:
        return str(BIC(value).compact)
    except SchwiftyException as exc:
        raise InvalidIdentifier(f"BIC invalide « {value} »") from exc
