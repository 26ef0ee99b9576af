"""Forms of the payment pages: a payment recorded by hand, and the reconciliation actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relance.lib.forms import MoneyField
from relance.web.customers.forms import choices

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
METHODS = [
    ("virement", _("Virement")),
    ("cheque", _("Chèque")),
    ("carte", _("Carte")),
    ("prelevement", _("Prélèvement")),
    ("especes", _("Espèces")),
    ("autre", _("Autre")),
]


class PaymentForm(forms.Form):
    amount = MoneyField(label=_("Montant reçu"))
    paid_on = forms.DateField(
        label=_("Date du paiement"), widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    method = forms.ChoiceField(label=_("Moyen de paiement"), choices=METHODS, initial="virement")
    reference = forms.CharField(
        label=_("Référence"),
        required=False,
        max_length=90,
        help_text=_(
            "Numéro de chèque, référence du virement… Laissée vide, relance en crée une. "
            "Une même référence n'est enregistrée qu'une fois."
        ),
    )
    currency = forms.ChoiceField(label=_("Devise"))

    def __init__(self, *args: Any, today: date, currencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["paid_on"].initial = today
        field = choices(self, "currency")
        field.choices = [(c, c) for c in currencies]
        field.initial = currencies[0]
        if len(currencies) == 1:  # nothing to choose: not shown
            field.widget = forms.HiddenInput()

    def clean_paid_on(self) -> date:
        day: date = self.cleaned_data["paid_on"]
        if day > self.today:
            raise forms.ValidationError(
                _(
                    "La date du paiement est dans le futur : indiquez le jour où l'argent a "
                    "été reçu."
                )
            )
        return day


class InvoiceSearchForm(forms.Form):
    numbers = forms.CharField(
        label=_("Numéros de facture"),
        max_length=500,
        help_text=_(
            "Un ou plusieurs numéros, séparés par des espaces ou des virgules. Le montant va "
            "à ces factures d'abord, puis aux plus anciennes du même client ; le reste reste "
            "en avoir sur son compte."
        ),
    )

    def clean_numbers(self) -> list[str]:
        text: str = self.cleaned_data["numbers"]
        found = [part for part in text.replace(",", " ").replace(";", " ").split() if part]
        if not found:
            raise forms.ValidationError(_("Donnez au moins un numéro de facture."))
        return found[:20]
