"""The template editor's form: the parts of the step, and whom to preview them for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relance.channels.templating.text_to_html import html_from_text
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
                 html_from_text: bool = False, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        if html_from_text:
            self.fields["edit_html"] = forms.BooleanField(
                label=_("Modifier le HTML"), required=False,
                help_text=_("Sinon la version HTML est faite à partir du texte : paragraphes, "
                            "liens, tableau du relevé de compte."),
            )  # fmt: skip
        for part in parts:
            label, rows = PART_FIELDS[part]
            self.fields[part] = forms.CharField(
                label=label,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": rows, "spellcheck": "false"}),
                help_text=_("Vide (et « Modifier le HTML » coché) : pas de partie HTML, "
                            "l'e-mail part en texte seul.")
                if part == "html" else "",
            )  # fmt: skip
        choices: list[tuple[str, Any]] = [("", _("Un client fictif"))]
        choices += [(str(c.uuid), f"{c.name} ({c.external_ref})") for c in customers]
        self.fields["customer"].widget = forms.Select(choices=choices)
        self.order_fields(["subject", "text", "edit_html", "html", "customer", "tone",
                           "penalties"])  # fmt: skip

    def sources(self, language: str) -> dict[str, str]:
        """The parts as typed; the HTML made from the text unless "modifier le HTML" is
        ticked (only e-mails offer it)."""
        data = self.cleaned_data
        found = {part: data[part] for part in PART_FIELDS if part in data}
        if "edit_html" in self.fields and not data.get("edit_html"):
            found["html"] = html_from_text(found.get("text", ""), language)
        return found
