"""What the editor offers to insert into a template, named in plain words: each inserts the
template code that prints it (``relance.channels.templating.context`` lists the variables);
the account statement, penalties, how to pay and the signature insert the shipped piece of
the editor's language, which the HTML version turns into its table or block."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relance.channels.templating.default_templates import framed_part


@dataclass(frozen=True)
class Insertion:
    label: str | Promise
    code: str


# Printed values: safe whatever the debtor (an empty list of items prints nothing).
VALUES: tuple[tuple[str | Promise, str], ...] = (
    (_("Nom du client"), "{{ customer.name }}"),
    (_("Référence client"), "{{ customer.reference }}"),
    (_("Montant dû"), "{{ total_overdue|money }}"),
    (_("Total restant dû (y compris non échu)"), "{{ total_due|money }}"),
    (_("Montant réclamé (pénalités comprises)"), "{{ amount_claimed|money }}"),
    (
        _("Date d'échéance"),
        "{% if overdue_items %}{{ overdue_items[0].due_date|date }}"
        "{% elif items %}{{ items[0].due_date|date }}{% endif %}",
    ),
    (
        _("Numéro de facture"),
        "{% if overdue_items %}{{ overdue_items[0].number }}"
        "{% elif items %}{{ items[0].number }}{% endif %}",
    ),
    (_("Nombre de factures en retard"), "{{ overdue_items|length }}"),
    (_("Lien vers l'espace de paiement"), "{{ portal_url }}"),
    (_("Référence de paiement"), "{{ payment_reference }}"),
    (_("IBAN"), "{{ organisation.iban|iban }}"),
    (_("Date limite de paiement"), "{% if deadline %}{{ deadline|date }}{% endif %}"),
    (_("Date du jour"), "{{ today|date }}"),
    (_("Nom de votre organisation"), "{{ organisation.name }}"),
    (_("Nom du chargé de recouvrement"), "{{ collector.name }}"),
    (_("E-mail du chargé de recouvrement"), "{{ collector.email }}"),
    (_("Téléphone du chargé de recouvrement"), "{{ collector.phone }}"),
)
BLOCKS: tuple[tuple[str | Promise, str], ...] = (
    (_("Relevé de compte (tableau des factures)"), "statement"),
    (_("Pénalités de retard"), "penalties"),
    (_("Comment payer (virement, lien)"), "payment"),
    (_("Signature"), "signature"),
)


def insertions(language: str) -> list[Insertion]:
    """Everything the editor can insert, the pieces in ``language``."""
    found = [Insertion(label=label, code=code) for label, code in VALUES]
    found += [Insertion(label=label, code=framed_part(name, language)) for label, name in BLOCKS]
    return found
