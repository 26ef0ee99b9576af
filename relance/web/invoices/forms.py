"""Forms of the invoice pages: the list's filters and the actions on one invoice."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relance.core import money
from relance.core.schedule import add_months, split_evenly
from relance.ledger.services import NOTE_MAX_LENGTH
from relance.lib.forms import MESSAGES as MONEY_MESSAGES
from relance.lib.forms import MoneyField, money_text
from relance.web.customers.forms import choices
from relance.web.invoices.selectors import InvoiceFilters

CENT = Decimal("0.01")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MAX_PLAN_INSTALMENTS = 60
FREQUENCIES = {"weekly": 7, "biweekly": 14, "monthly": 0}  # 0: same day of each month


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_INPUT, input_formats=DATE_FORMATS, **kwargs)


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[
            ("", _("Tous")),
            ("open", _("Ouvertes")),
            ("overdue", _("Échues")),
            ("paid", _("Payées")),
            ("disputed", _("En litige")),
            ("promised", _("Promesse en cours")),
        ],
    )
    customer = forms.CharField(
        label=_("Client"),
        required=False,
        max_length=200,
        help_text=_("Un mot du nom ou de la référence"),
    )
    due_from = _date_field(_("Échéance du"), required=False)
    due_to = _date_field(_("au"), required=False)
    amount_min = MoneyField(label=_("Montant min."), required=False, min_value=Decimal(0))
    amount_max = MoneyField(label=_("Montant max."), required=False, min_value=Decimal(0))
    currency = forms.ChoiceField(label=_("Devise"), required=False)
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("-due", _("Échéance, la plus récente d'abord")),
            ("due", _("Échéance, la plus ancienne d'abord")),
            ("-amount", _("Montant décroissant")),
            ("amount", _("Montant croissant")),
        ],
    )

    def __init__(self, data: Any, *, currencies: list[str]) -> None:
        super().__init__(data)
        choices(self, "currency").choices = [("", _("Toutes"))] + [(c, c) for c in currencies]

    def filters(self) -> InvoiceFilters:
        """The filters asked for; a value that is not valid is left out (and shown in error)."""
        self.is_valid()
        data = self.cleaned_data
        return InvoiceFilters(
            status=data.get("status") or "",
            customer=data.get("customer") or "",
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            currency=data.get("currency") or "",
            sort=data.get("sort") or "-due",
        )


class PromiseForm(forms.Form):
    promised_on = _date_field(_("Date promise"))
    amount = MoneyField(label=_("Montant promis"))

    def __init__(self, *args: Any, today: date, outstanding: Decimal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today, self.outstanding = today, outstanding

    def clean_promised_on(self) -> date:
        day: date = self.cleaned_data["promised_on"]
        if day < self.today:
            raise forms.ValidationError(_("La date promise est déjà passée."))
        return day

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("Le montant promis doit être positif."))
        if amount > self.outstanding:
            raise forms.ValidationError(
                _("Le montant promis dépasse le reste dû (%(owed)s).")
                % {"owed": money_text(self.outstanding)}
            )
        return amount


LINE = re.compile(r"^\s*(\S+)\s*[;,\t ]\s*(.+?)\s*$")


def parse_lines(text: str) -> list[tuple[date, Decimal]]:
    """``31/07/2026 ; 300,00`` per line; raises ValidationError naming each bad line."""
    schedule: list[tuple[date, Decimal]] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        match = LINE.match(raw)
        day = amount = None
        if match:
            for pattern in DATE_FORMATS:
                try:
                    day = datetime.strptime(match.group(1), pattern).date()
                    break
                except ValueError:
                    continue
            try:
                amount = money.parse_amount(match.group(2))
            except money.AmountError as exc:
                if exc.kind != money.NOT_A_NUMBER and day is not None:
                    reason = MONEY_MESSAGES[exc.kind] % {"text": exc.written, "hint": exc.hint}
                    errors.append(
                        str(_("ligne %(n)d : %(reason)s") % {"n": number, "reason": reason})
                    )
                    continue
        if day is None or amount is None or amount <= 0:
            unread = {"n": number, "text": raw.strip()}
            errors.append(str(_("ligne %(n)d illisible : « %(text)s »") % unread))
            continue
        schedule.append((day, amount))
    if errors:
        raise forms.ValidationError(errors)
    return schedule


class PaymentPlanForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Échéances"),
        widget=forms.RadioSelect,
        choices=[("regular", _("Régulières")), ("lines", _("Détaillées ligne par ligne"))],
        initial="regular",
    )
    count = forms.IntegerField(
        label=_("Nombre d'échéances"),
        required=False,
        min_value=1,
        max_value=MAX_PLAN_INSTALMENTS,
    )
    first_date = _date_field(_("Première échéance"), required=False)
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        required=False,
        choices=[
            ("monthly", _("Mensuelle")),
            ("biweekly", _("Toutes les deux semaines")),
            ("weekly", _("Hebdomadaire")),
        ],
        initial="monthly",
    )
    lines = forms.CharField(
        label=_("Échéances détaillées"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "31/07/2026 ; 300,00"}),
        help_text=_("Une échéance par ligne : date ; montant. Le total doit faire le reste dû."),
    )

    def __init__(self, *args: Any, today: date, outstanding: Decimal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today, self.outstanding = today, outstanding

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "lines":
            schedule = self._from_lines(data.get("lines") or "")
        elif data.get("mode") == "regular":
            schedule = self._regular(data)
        else:
            return data
        if schedule:
            if min(day for day, _amount in schedule) < self.today:
                self.add_error(None, _("Les échéances sont à venir, pas dans le passé."))
            total = sum((amount for _day, amount in schedule), Decimal("0.00"))
            if total != self.outstanding:
                self.add_error(
                    None,
                    _("Les échéances font %(total)s ; elles doivent faire le reste dû, %(owed)s.")
                    % {"total": money_text(total), "owed": money_text(self.outstanding)},
                )
        data["schedule"] = schedule
        return data

    def _from_lines(self, text: str) -> list[tuple[date, Decimal]]:
        try:
            schedule = parse_lines(text)
        except forms.ValidationError as error:
            self.add_error("lines", error)
            return []
        if not schedule:
            self.add_error("lines", _("Donnez au moins une échéance."))
        return schedule

    def _regular(self, data: dict[str, Any]) -> list[tuple[date, Decimal]]:
        count, first = data.get("count"), data.get("first_date")
        if not count:
            self.add_error("count", _("Indiquez le nombre d'échéances."))
        if not first:
            self.add_error("first_date", _("Indiquez la date de la première échéance."))
        if not count or not first:
            return []
        step = FREQUENCIES.get(data.get("frequency") or "monthly", 0)
        days = [
            add_months(first, n) if step == 0 else first + timedelta(days=step * n)
            for n in range(count)
        ]
        return list(zip(days, split_evenly(self.outstanding, count), strict=True))


class InvoiceNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
