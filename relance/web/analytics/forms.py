"""The period and filters of the analysis page, offered with their labels."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation
from relance.dunning.labels import CHANNEL_LABELS, KIND_LABELS, labels_of
from relance.dunning.models import ScenarioStep
from relance.reports.collection import collectors_of

ALL = [("", _("Tous"))]
OVERDUE_LABELS = [
    ("not_due", _("Avant l'échéance")),
    ("days_1_30", _("1 à 30 jours")),
    ("days_31_60", _("31 à 60 jours")),
    ("days_61_90", _("61 à 90 jours")),
    ("days_over_90", _("Plus de 90 jours")),
]
BASIS_LABELS = [("reminder", _("Mois de la 1re relance")), ("due", _("Mois d'échéance"))]


class AnalyticsForm(forms.Form):
    """A GET form: every field is optional, the URL carries what was chosen."""

    date_from = forms.DateField(label=_("Du"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(label=_("Au"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    scenario = forms.ChoiceField(label=_("Scénario"), required=False)
    step = forms.ChoiceField(label=_("Étape"), required=False)
    channel = forms.ChoiceField(label=_("Canal"), required=False)
    collector = forms.ChoiceField(label=_("Chargé de recouvrement"), required=False)
    kind = forms.ChoiceField(label=_("Type de client"), required=False)
    country = forms.CharField(label=_("Pays"), required=False, max_length=2)
    currency = forms.CharField(label=_("Devise"), required=False, max_length=3)
    overdue = forms.ChoiceField(label=_("Retard à la relance"), required=False,
                                choices=ALL + OVERDUE_LABELS)  # fmt: skip
    basis = forms.ChoiceField(label=_("Cohortes par"), required=False, choices=BASIS_LABELS)

    def __init__(self, data: Any, *, organisation: Organisation) -> None:
        super().__init__(data)
        labels = labels_of(organisation)
        steps = (
            ScenarioStep.objects.filter(scenario__organisation=organisation)
            .order_by("offset_days", "key")
            .values_list("key", flat=True)
        )
        offered: dict[str, list[tuple[str, Any]]] = {
            "segment": sorted((key, labels.segment(key)) for key in labels.segments),
            "scenario": sorted((key, labels.scenario(key)) for key in labels.scenarios),
            "step": [(key, labels.step(key)) for key in dict.fromkeys(steps)],
            "channel": list(CHANNEL_LABELS.items()),
            "collector": list(collectors_of(organisation)),
            "kind": list(KIND_LABELS.items()),
        }
        for name, choices in offered.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = ALL + choices

    def query(self) -> dict[str, str]:
        """What the selectors read (``AnalyticsFilters.from_mapping``)."""
        self.is_valid()  # the fields that are valid are used, the others left out
        data = self.cleaned_data
        values = {key: value for key, value in data.items() if key not in ("date_from", "date_to")}
        values["from"] = data.get("date_from") or ""
        values["to"] = data.get("date_to") or ""
        return values
