"""The import fields by their names in the interface language.

The parsers stay free of Django, so their specs name the fields in French; the pages show
those names through this table (keyed by the French name) so they follow the user's language.
A field missing here is shown in French: tests/web/test_i18n.py checks that none is."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

FIELD_LABELS: dict[str, str | Promise] = {
    "référence client": pgettext_lazy("import field", "référence client"),
    "nom": pgettext_lazy("import field", "nom"),
    "type de client": pgettext_lazy("import field", "type de client"),
    "pays": pgettext_lazy("import field", "pays"),
    "langue": pgettext_lazy("import field", "langue"),
    "e-mail": pgettext_lazy("import field", "e-mail"),
    "téléphone": pgettext_lazy("import field", "téléphone"),
    "nom du contact": pgettext_lazy("import field", "nom du contact"),
    "n° de TVA": pgettext_lazy("import field", "n° de TVA"),
    "SIREN": pgettext_lazy("import field", "SIREN"),
    "SIRET": pgettext_lazy("import field", "SIRET"),
    "n° d'entreprise": pgettext_lazy("import field", "n° d'entreprise"),
    "IBAN": pgettext_lazy("import field", "IBAN"),
    "adresse": pgettext_lazy("import field", "adresse"),
    "complément d'adresse": pgettext_lazy("import field", "complément d'adresse"),
    "code postal": pgettext_lazy("import field", "code postal"),
    "ville": pgettext_lazy("import field", "ville"),
    "conditions de paiement": pgettext_lazy("import field", "conditions de paiement"),
    "client depuis": pgettext_lazy("import field", "client depuis"),
    "notes": pgettext_lazy("import field", "notes"),
    "segment": pgettext_lazy("import field", "segment"),
    "scénario": pgettext_lazy("import field", "scénario"),
    "n° de facture": pgettext_lazy("import field", "n° de facture"),
    "client": pgettext_lazy("import field", "client"),
    "date de facture": pgettext_lazy("import field", "date de facture"),
    "échéance": pgettext_lazy("import field", "échéance"),
    "montant TTC": pgettext_lazy("import field", "montant TTC"),
    "devise": pgettext_lazy("import field", "devise"),
    "date de paiement": pgettext_lazy("import field", "date de paiement"),
    "montant réglé": pgettext_lazy("import field", "montant réglé"),
    "type de pièce": pgettext_lazy("import field", "type de pièce"),
    "facture d'origine": pgettext_lazy("import field", "facture d'origine"),
    "montant de l'échéance": pgettext_lazy("import field", "montant de l'échéance"),
    "référence de paiement": pgettext_lazy("import field", "référence de paiement"),
    "référence de commande": pgettext_lazy("import field", "référence de commande"),
    "référence du devis": pgettext_lazy("import field", "référence du devis"),
    "référence du contrat": pgettext_lazy("import field", "référence du contrat"),
    "référence du règlement": pgettext_lazy("import field", "référence du règlement"),
    "date": pgettext_lazy("import field", "date"),
    "montant": pgettext_lazy("import field", "montant"),
    "mode de règlement": pgettext_lazy("import field", "mode de règlement"),
}


def field_label(label: str) -> str:
    """The name of an import field (as its spec writes it) in the active language."""
    return str(FIELD_LABELS.get(label, label))
