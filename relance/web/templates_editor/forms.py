"""The template editor's form: the parts of the step, and whom to preview them for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relance.dunning.labels import PENALTY_LABELS, TONE_LABELS

PART_FIELDS = {
    "subject": (_("Objet"), 2),
    "text": (_("Texte"), 18),
    "html": (_("HTML"), 18),
}


class TemplateForm(forms.Form):
    """Only the parts the step has; ``customer`` is a uuid checked against the organisation."""

    customer = forms.CharField(label=_("Client de l'aperçu"), required=False)
    tone = forms.ChoiceField(label=_("Ton"), choices=list(TONE_LABELS.items()))
    penalties = forms.ChoiceField(label=_("Pénalités"), choices=list(PENALTY_LABELS.items()))

    def __init__(self, *args: Any, parts: tuple[str, ...], customers: list[Any],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        for part in parts:
            label, rows = PART_FIELDS[part]
            self.fields[part] = forms.CharField(
                label=label,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": rows, "spellcheck": "false"}),
                help_text=_("Vide : pas de partie HTML, l'e-mail part en texte seul.")
                if part == "html" else "",
            )  # fmt: skip
        choices: list[tuple[str, Any]] = [("", _("Un client fictif"))]
        choices += [(str(c.uuid), f"{c.name} ({c.external_ref})") for c in customers]
        self.fields["customer"].widget = forms.Select(choices=choices)
        self.order_fields(["subject", "text", "html", "customer", "tone", "penalties"])

    def sources(self) -> dict[str, str]:
        data = self.cleaned_data
        return {part: data[part] for part in PART_FIELDS if part in data}
