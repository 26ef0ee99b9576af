"""Form fields shared by the staff pages (and any other Django form)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from relance.core import money

MESSAGES = {
    money.NOT_A_NUMBER: _("Montant illisible « %(text)s » : écrivez par exemple 3 088,65."),
    money.TOO_MANY_DECIMALS: _("Montant « %(text)s » : deux décimales au plus (les centimes)."),
    money.AMBIGUOUS: _(
        "Montant ambigu « %(text)s » : écrivez les centimes (par exemple %(hint)s) ou retirez "
        "le séparateur."
    ),
}


def money_text(amount: Decimal) -> str:
    """``3088.65`` as the page's language writes it: ``3 088,65`` in French."""
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


class MoneyField(forms.Field):
    """An amount in a text box, read by ``relance.core.money`` (``3 088,65``, ``3088,65``,
    ``3088.65``, ``3,088.65``...), whatever the page's language; shown with two decimals.

    ``min_value`` defaults to one cent: most amounts typed are owed or paid, never zero."""

    widget = forms.TextInput

    def __init__(
        self,
        *,
        min_value: Decimal | None = Decimal("0.01"),
        max_value: Decimal | None = None,
        **kwargs: Any,
    ) -> None:
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return money_text(Decimal(value))
        return value

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value).quantize(money.CENT)
        text = str(value).strip()
        try:
            return money.parse_amount(text)
        except money.AmountError as exc:
            raise forms.ValidationError(
                MESSAGES[exc.kind], code=exc.kind, params={"text": text, "hint": exc.hint}
            ) from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            if self.min_value == 0:
                message = _("Le montant ne peut pas être négatif.")
            elif self.min_value == money.CENT:
                message = _("Le montant doit être positif.")
            else:
                message = _("Le montant doit être d'au moins %(min)s.")
            raise forms.ValidationError(
                message, code="min_value", params={"min": money_text(self.min_value)}
            )
        if self.max_value is not None and value > self.max_value:
            raise forms.ValidationError(
                _("Le montant ne peut pas dépasser %(max)s."),
                code="max_value",
                params={"max": money_text(self.max_value)},
            )
