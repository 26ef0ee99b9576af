"""The rule builder: a segment's conditions as form rows, never raw JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relance.core import segmentation as core
from relance.dunning.labels import scenario_name
from relance.dunning.models import Scenario
from relance.dunning.segment_edit import MAX_CONDITIONS, SegmentDraft
from relance.lib.text import translated

FIGURE_LABELS: dict[str, str | Promise] = {
    "late_pct": _("Part des factures payées en retard (%)"),
    "on_time_pct": _("Part des factures payées à temps (%)"),
    "avg_days_late": _("Retard moyen de paiement (jours)"),
    "reminders_per_invoice": _("Relances par facture échue"),
    "broken_promises": _("Promesses de paiement non tenues"),
    "relationship_days": _("Ancienneté de la relation (jours)"),
    "avg_invoice": _("Montant moyen des factures"),
    "avg_invoice_vs_median": _("Facture moyenne ÷ médiane du portefeuille"),
    "total_invoiced": _("Total facturé"),
    "invoices": _("Factures émises"),
    "paid_items": _("Factures payées"),
    "due_items": _("Factures échues"),
    "open_disputes": _("Litiges en cours"),
    "disputes": _("Litiges au total"),
}
OPERATOR_LABELS: dict[str, str | Promise] = {
    ">": _("plus de"),
    ">=": _("au moins"),
    "<": _("moins de"),
    "<=": _("au plus"),
    "=": _("égal à"),
}
MATCH_LABELS: dict[str, str | Promise] = {
    "any": _("l'une des conditions suffit"),
    "all": _("toutes les conditions sont remplies"),
}


def figure_label(name: str) -> str:
    return str(FIGURE_LABELS.get(name, name))


def figure_text(name: str, value: Decimal, portfolio: core.Portfolio) -> str:
    """A rule's threshold with its unit, in the reader's language."""
    return translated(core.fmt_figure(name, value, portfolio))


def describe_rule(rule: dict[str, Any], currency: str) -> str:
    """A stored rule in words: « Part des factures payées en retard (%) plus de 30 % ou … »."""
    try:
        parsed = core.SegmentRule.from_dict({"key": "x", **rule})
    except core.SegmentRuleError:
        return str(_("règle illisible"))
    if parsed.is_catch_all:
        return str(_("tous les autres clients"))
    portfolio = core.Portfolio(currency=currency)
    joiner = str(_(" ou ") if parsed.match == "any" else _(" et "))
    return joiner.join(
        f"{figure_label(c.figure)} {OPERATOR_LABELS[c.op]} "
        f"{figure_text(c.figure, c.value, portfolio)}"
        for c in parsed.conditions
    )


class ConditionForm(forms.Form):
    figure = forms.ChoiceField(
        label=_("Indicateur"),
        required=False,
        choices=[("", "—"), *((name, FIGURE_LABELS.get(name, name)) for name in core.FIGURES)],
    )
    op = forms.ChoiceField(label=_("Comparaison"), choices=list(OPERATOR_LABELS.items()))
    value = forms.DecimalField(label=_("Valeur"), required=False, max_digits=14, decimal_places=2)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("figure") and data.get("value") is None:
            self.add_error("value", _("Indiquez une valeur."))
        unit = core.FIGURES.get(data.get("figure") or "", ("", ""))[0]
        value = data.get("value")
        if value is not None and unit == "%" and not Decimal(0) <= value <= Decimal(100):
            self.add_error("value", _("Un pourcentage est compris entre 0 et 100."))
        if value is not None and unit == "count" and value < 0:
            self.add_error("value", _("Un nombre de factures ou de litiges est positif."))
        return data

    def condition(self) -> core.Condition | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("figure") or data.get("DELETE"):
            return None
        return core.Condition(figure=data["figure"], op=data["op"], value=data["value"])


ConditionFormSet = forms.formset_factory(
    ConditionForm, extra=2, can_delete=True, max_num=MAX_CONDITIONS, validate_max=True
)


class SegmentForm(forms.Form):
    key = forms.SlugField(
        label=_("Clé"),
        max_length=50,
        help_text=_("Lettres, chiffres, « _ » ou « - ». Un scénario de même clé est utilisé "
                    "quand aucun n'est choisi."),
    )  # fmt: skip
    name = forms.CharField(label=_("Nom"), max_length=100)
    match = forms.ChoiceField(
        label=_("Le client entre dans le segment quand"),
        choices=list(MATCH_LABELS.items()),
        widget=forms.RadioSelect,
        initial="any",
    )
    scenario = forms.ModelChoiceField(
        label=_("Scénario"),
        queryset=Scenario.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("Celui de même clé que le segment, sinon le scénario standard"),
    )
    priority = forms.IntegerField(
        label=_("Priorité"),
        min_value=1,
        help_text=_("1 = essayé en premier ; le premier segment dont la règle est remplie "
                    "l'emporte."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, scenarios: Any, catch_all: bool = False, creating: bool = False,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        field = self.fields["scenario"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = scenarios
        field.label_from_instance = scenario_name  # type: ignore[method-assign,assignment]
        if not creating:
            del self.fields["key"]
        if catch_all:
            # The last segment takes everyone the others did not: no rule, no priority.
            del self.fields["match"]
            del self.fields["priority"]

    def draft(self, conditions: tuple[core.Condition, ...]) -> SegmentDraft:
        data = self.cleaned_data
        return SegmentDraft(
            name=data["name"], match=data.get("match") or "any", conditions=conditions,
            scenario=data["scenario"], priority=data.get("priority") or 10_000,
        )  # fmt: skip


def conditions_of(formset: Any) -> tuple[core.Condition, ...]:
    found = (form.condition() for form in formset.forms)
    return tuple(condition for condition in found if condition is not None)


def initial_conditions(rule: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"figure": c.get("figure"), "op": c.get("op"), "value": c.get("value")}
        for c in rule.get("conditions", [])
    ]
