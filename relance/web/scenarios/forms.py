"""Forms of the scenario editor: they check what was typed; the services decide the rest."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relance.core import scenario as core
from relance.dunning.labels import (
    CHANNEL_LABELS,
    KIND_LABELS,
    MODE_LABELS,
    PENALTY_LABELS,
    TONE_LABELS,
)
from relance.dunning.models import Scenario
from relance.dunning.scenario_edit import MAX_OFFSET, MIN_OFFSET
from relance.lib.forms import MoneyField

KEY_HELP = _("Lettres minuscules, chiffres et « _ » (ex. : relance_3).")


def _choices(labels: dict[str, Any]) -> list[tuple[str, Any]]:
    return list(labels.items())


class ScenarioCreateForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=100)
    key = forms.SlugField(label=_("Clé"), max_length=50, help_text=KEY_HELP)
    copy_from = forms.ModelChoiceField(
        label=_("Partir de"),
        queryset=Scenario.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("Un scénario vide"),
        help_text=_("Copier les étapes d'un scénario existant, ou commencer sans étape."),
    )

    def __init__(self, *args: Any, scenarios: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["copy_from"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = scenarios


class ScenarioRenameForm(forms.Form):
    name = forms.CharField(label=_("Nom du scénario"), max_length=100)


class StepForm(forms.Form):
    key = forms.SlugField(label=_("Clé de l'étape"), max_length=50, help_text=KEY_HELP)
    offset_days = forms.IntegerField(
        label=_("Délai (jours après l'échéance)"),
        min_value=MIN_OFFSET,
        max_value=MAX_OFFSET,
        help_text=_("Négatif avant l'échéance : -3 = trois jours avant, 5 = J+5."),
    )
    channel = forms.ChoiceField(label=_("Canal"), choices=_choices(CHANNEL_LABELS))
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=_choices(MODE_LABELS),
        help_text=_("Automatique : envoyé par le passage quotidien. Manuel : mis sur la liste "
                    "des tâches."),
    )  # fmt: skip
    tone = forms.ChoiceField(label=_("Ton"), choices=_choices(TONE_LABELS), initial="neutral")
    penalties = forms.ChoiceField(
        label=_("Pénalités"), choices=_choices(PENALTY_LABELS), initial="none"
    )
    template = forms.SlugField(
        label=_("Modèle"),
        max_length=100,
        required=False,
        help_text=_("Vide : le modèle qui porte la clé de l'étape."),
    )
    min_amount = MoneyField(
        label=_("Montant minimum"),
        min_value=Decimal("0"),
        initial=Decimal("0.00"),
        help_text=_("L'étape est sautée sous ce montant dû."),
    )

    repeat_every = forms.IntegerField(
        label=_("Répéter tous les (jours)"), min_value=0, max_value=core.MAX_REPEAT_EVERY,
        initial=0, required=False,
        help_text=_("0 : l'étape n'est faite qu'une fois. Les répétitions cessent quand "
                    "l'étape suivante arrive ; l'écart minimum s'applique."),
    )  # fmt: skip
    repeat_times = forms.IntegerField(
        label=_("Répétitions au plus"), min_value=0, max_value=core.MAX_REPEAT_TIMES, initial=0,
        required=False,
        help_text=_("Après la première fois ; 0 : jusqu'au paiement."),
    )  # fmt: skip
    pay_within = forms.IntegerField(
        label=_("Délai de paiement (jours)"), min_value=0, max_value=core.MAX_PAY_WITHIN,
        initial=0, required=False,
        help_text=_("Le message donne une date de paiement (jour ouvré) ; 0 : aucune."),
    )  # fmt: skip
    copy_collector = forms.ChoiceField(
        label=_("Copie au chargé de recouvrement"), required=False,
        choices=[("", _("Aucune")), ("cc", _("Copie visible (Cc)")),
                 ("bcc", _("Copie cachée (Cci)"))],
    )  # fmt: skip
    attach_invoices = forms.BooleanField(
        label=_("Joindre les factures (PDF)"), required=False, initial=True
    )
    fallback = forms.BooleanField(
        label=_("Canal de repli"), required=False,
        help_text=_("Sans adresse e-mail : un courrier ; sans téléphone : un e-mail."),
    )  # fmt: skip
    suspension = forms.BooleanField(
        label=_("Annonce une suspension de service"), required=False,
        help_text=_("Étape manuelle, après la mise en demeure : voir le guide (précautions)."),
    )  # fmt: skip

    def step(self) -> core.Step:
        data = self.cleaned_data
        return core.Step(
            key=data["key"], offset_days=data["offset_days"], channel=data["channel"],
            mode=data["mode"], template=data["template"] or data["key"], tone=data["tone"],
            penalties=data["penalties"], min_amount=data["min_amount"],
            repeat_every=data["repeat_every"] or 0, repeat_times=data["repeat_times"] or 0,
            pay_within=data["pay_within"] or 0, copy_collector=data["copy_collector"] or "",
            attach_invoices=data["attach_invoices"], fallback=data["fallback"],
            suspension=data["suspension"],
        )  # fmt: skip


class CalendarForm(forms.Form):
    """A typical invoice to follow through the scenario."""

    due_date = forms.DateField(label=_("Échéance"), widget=forms.DateInput(attrs={"type": "date"}))
    issue_date = forms.DateField(
        label=_("Émise le"), widget=forms.DateInput(attrs={"type": "date"})
    )
    country = forms.ChoiceField(
        label=_("Pays du client"), choices=[("FR", _("France")), ("BE", _("Belgique"))]
    )
    postal_code = forms.CharField(
        label=_("Code postal"),
        max_length=10,
        required=False,
        help_text=_("En France : l'Alsace-Moselle et l'outre-mer ont leurs jours fériés."),
    )
    kind = forms.ChoiceField(label=_("Type de client"), choices=_choices(KIND_LABELS))
    amount = MoneyField(label=_("Montant dû"))

    @classmethod
    def defaults(cls, today: date) -> dict[str, Any]:
        due = today + timedelta(days=10)
        return {
            "due_date": due.isoformat(),
            "issue_date": (due - timedelta(days=30)).isoformat(),
            "country": "FR",
            "postal_code": "",
            "kind": "B2B",
            "amount": "1000.00",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issue, due = data.get("issue_date"), data.get("due_date")
        if issue and due and issue > due:
            self.add_error("issue_date", _("La facture est émise au plus tard à son échéance."))
        if issue and due and (due - issue).days > 3650:
            self.add_error("issue_date", _("Au plus dix ans entre émission et échéance."))
        return data
