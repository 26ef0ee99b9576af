"""Is a customer's postal address good enough for the post?

One answer for every place that prints: the to-do (which says what is missing), the day's
print batch (which leaves such letters out) and the letter renderer (which refuses them). A
letter goes out only with a street line, a postal code, a town and a country.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.ledger.models import Customer

# What a complete address needs, in the order a person reads it.
PARTS: tuple[tuple[str, str | Promise], ...] = (
    ("street", gettext_lazy("la rue (adresse ou complément d'adresse)")),
    ("postal_code", gettext_lazy("le code postal")),
    ("city", gettext_lazy("la ville")),
    ("country", gettext_lazy("le pays")),
)

# Country names on the last line of an address abroad, as the French and Belgian posts write
# them (in capitals); other countries keep their ISO code, which every post understands.
COUNTRY_NAMES = {
    "AT": "AUTRICHE", "BE": "BELGIQUE", "CH": "SUISSE", "DE": "ALLEMAGNE", "ES": "ESPAGNE",
    "FR": "FRANCE", "GB": "ROYAUME-UNI", "IE": "IRLANDE", "IT": "ITALIE", "LU": "LUXEMBOURG",
    "MC": "MONACO", "NL": "PAYS-BAS", "PT": "PORTUGAL",
}  # fmt: skip


def postal_address_missing(customer: Customer) -> list[str]:
    """What the customer's address lacks for the post, in words (empty: it is complete)."""
    present = {
        "street": bool(customer.address_line1.strip() or customer.address_line2.strip()),
        "postal_code": bool(customer.postal_code.strip()),
        "city": bool(customer.city.strip()),
        "country": bool(customer.country.strip()),
    }
    return [str(label) for key, label in PARTS if not present[key]]


def postal_address_complete(customer: Customer) -> bool:
    return not postal_address_missing(customer)


def postal_address_problem(customer: Customer) -> str:
    """Why no letter can go to this customer ("" when one can), for the person printing."""
    missing = postal_address_missing(customer)
    if not missing:
        return ""
    return _("Adresse postale incomplète : il manque %(parts)s.") % {"parts": ", ".join(missing)}


def postal_address_lines(customer: Customer, *, sender_country: str) -> list[str]:
    """The address under the name in the envelope window: street lines, postal code and town,
    and the country when the letter goes abroad."""
    lines = [line.strip() for line in (customer.address_line1, customer.address_line2)]
    town = f"{customer.postal_code.strip()} {customer.city.strip()}".strip()
    country = customer.country.strip().upper()
    if country and country != sender_country.upper():
        lines += [town, COUNTRY_NAMES.get(country, country)]
    else:
        lines.append(town)
    return [line for line in lines if line]
