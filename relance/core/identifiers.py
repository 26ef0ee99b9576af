"""Company and bank identifiers of France and Belgium, validated and put in compact form.

Each function returns the compact form or raises ``InvalidIdentifier`` with a sentence that
names the identifier and the value (``exc.text``, see ``relance.core.text``).
"""

from __future__ import annotations

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from relance.core.text import TextError, gettext_noop


class InvalidIdentifier(TextError):
    """``exc.text`` names the identifier and the value (``exc.value``)."""

    def __init__(self, template: str, value: str) -> None:
        self.template, self.value = template, value
        super().__init__(template, value=value)

    def naming(self, written: str) -> InvalidIdentifier:
        """The same error naming the value as it was written (before clean-up)."""
        return InvalidIdentifier(self.template, written)


def siren(value: str) -> str:
    try:
        return str(fr_siren.validate(value))
    except stdnum_errors.ValidationError as exc:
        raise InvalidIdentifier(gettext_noop("SIREN invalide « %(value)s »"), value) from exc


def siret(value: str) -> str:
    try:
        return str(fr_siret.validate(value))
    except stdnum_errors.ValidationError as exc:
        raise InvalidIdentifier(gettext_noop("SIRET invalide « %(value)s »"), value) from exc


def vat_number(value: str) -> str:
    try:
        return str(eu_vat.validate(value))
    except stdnum_errors.ValidationError as exc:
        raise InvalidIdentifier(gettext_noop("n° de TVA invalide « %(value)s »"), value) from exc


def be_enterprise_number(value: str) -> str:
    """The 10-digit Belgian enterprise (BCE/KBO) number, which is also the VAT number body."""
    try:
        return str(be_vat.validate(value))
    except stdnum_errors.ValidationError as exc:
        raise InvalidIdentifier(
            gettext_noop("n° d'entreprise invalide « %(value)s »"), value
        ) from exc


def iban(value: str) -> str:
    try:
        return str(IBAN(value).compact)
    except SchwiftyException as exc:
        raise InvalidIdentifier(gettext_noop("IBAN invalide « %(value)s »"), value) from exc


def bic(value: str) -> str:
    try:
        return str(BIC(value).compact)
    except SchwiftyException as exc:
        raise InvalidIdentifier(gettext_noop("BIC invalide « %(value)s »"), value) from exc
