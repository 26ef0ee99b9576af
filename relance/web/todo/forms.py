"""Forms of the to-do pages: they check input; the services in dunning/channels act."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relance.channels.manual import Draft
from relance.dunning.models import CallOutcomeKind, StatementItems
from relance.dunning.services import DunningError
from relance.dunning.todo import draft_body_check, parse_addresses
from relance.ledger.models import Contact
from relance.lib.forms import MoneyField

PENALTY_CHOICES = [
    ("none", _("Aucune")),
    ("mentioned", _("Mentionnées (ce que la loi permet)")),
    ("claimed", _("Réclamées (intérêts et indemnité)")),
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def one_line(text: str) -> str:
    return " ".join(text.split())


class EmailDraftForm(forms.Form):
    """The e-mail as the collector changes it. ``*_base`` hold the hash of the template's text
    the field was filled with: a field still equal to it is "not edited" and keeps following
    the template (so changing the invoices listed updates it)."""

    subject = forms.CharField(
        label=_("Objet"),
        max_length=300,
        required=False,
        help_text=_("Videz le champ pour revenir à l'objet du modèle."),
    )
    body = forms.CharField(
        label=_("Texte"), required=False, widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Le message en texte ; la version HTML en est tirée si vous le modifiez. "
                    "Videz le champ pour revenir au texte du modèle."),
    )  # fmt: skip
    statement = forms.ChoiceField(label=_("Factures citées"), choices=StatementItems.choices)
    penalties = forms.ChoiceField(label=_("Pénalités de retard"), choices=PENALTY_CHOICES)
    copy_to = forms.CharField(
        label=_("En copie"), required=False,
        help_text=_("Adresses e-mail séparées par des virgules."),
    )  # fmt: skip
    attachment = forms.FileField(
        label=_("Ajouter une pièce jointe"),
        required=False,
        help_text=_("PDF, image, texte ou bureautique ; 10 Mo au plus."),
    )
    subject_base = forms.CharField(required=False, widget=forms.HiddenInput)
    body_base = forms.CharField(required=False, widget=forms.HiddenInput)
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        return _checked_body(self.cleaned_data.get("body", ""))

    def clean_copy_to(self) -> list[str]:
        try:
            return parse_addresses(self.cleaned_data.get("copy_to", ""))
        except DunningError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def draft(self) -> Draft:
        """The draft as posted; fields left as the template wrote them stay empty."""
        data = self.cleaned_data
        subject = one_line(data.get("subject", ""))
        if text_hash(subject) == data.get("subject_base"):
            subject = ""
        body = _normalise(data.get("body", ""))
        if text_hash(body) == data.get("body_base"):
            body = ""
        return Draft(
            subject=subject,
            body=body,
            statement=data["statement"],
            penalties=data["penalties"],
            copy_to=tuple(data.get("copy_to") or ()),
        )

    def edited(self, name: str) -> bool:
        data = self.cleaned_data
        value = one_line(data.get(name, "")) if name == "subject" else _normalise(data["body"])
        return text_hash(value) != data.get(f"{name}_base")


class SmsDraftForm(forms.Form):
    body = forms.CharField(
        label=_("Texte du SMS"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Videz le champ pour revenir au texte du modèle."),
    )
    phone = forms.CharField(label=_("Numéro"), max_length=16, required=False,
                            help_text=_("Format international : +33612345678."))  # fmt: skip
    body_base = forms.CharField(required=False, widget=forms.HiddenInput)
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        return _checked_body(self.cleaned_data.get("body", ""))

    def draft(self, penalties: str) -> Draft:
        body = _normalise(self.cleaned_data.get("body", ""))
        if text_hash(body) == self.cleaned_data.get("body_base"):
            body = ""
        return Draft(body=body, phone=self.cleaned_data.get("phone", "").strip(),
                     penalties=penalties)  # fmt: skip

    def edited(self, name: str) -> bool:
        body = _normalise(self.cleaned_data.get("body", ""))
        return text_hash(body) != self.cleaned_data.get("body_base")


def _checked_body(body: str) -> str:
    """Refused here too, so that a preview never renders nor checks an oversized text."""
    try:
        draft_body_check(_normalise(body))
    except DunningError as exc:
        raise forms.ValidationError(str(exc)) from exc
    return body


def _normalise(text: str) -> str:
    from relance.dunning.todo import normalise_text

    return normalise_text(text)


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Pourquoi l'écarter ?"), max_length=500,
                             widget=forms.TextInput(attrs={"required": True}))  # fmt: skip


class PostponeForm(forms.Form):
    until = forms.DateField(label=_("Reporter au"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Motif (facultatif)"), max_length=500, required=False)


class DoneForm(forms.Form):
    note = forms.CharField(label=_("Ce qui a été fait"), max_length=500, required=False)


class CallOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Résultat de l'appel"), choices=CallOutcomeKind.choices)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    promised_on = forms.DateField(label=_("Paiement promis pour le"), required=False,
                                  widget=DATE_INPUT)  # fmt: skip
    promised_amount = MoneyField(label=_("Montant promis"), required=False)
    dispute_reason = forms.CharField(label=_("Motif de la contestation"), required=False,
                                     max_length=1000)  # fmt: skip
    call_back_on = forms.DateField(label=_("Rappeler le"), required=False, widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome == CallOutcomeKind.PROMISE:
            for name in ("promised_on", "promised_amount"):
                if not data.get(name):
                    self.add_error(name, _("Une promesse a une date et un montant."))
        if outcome == CallOutcomeKind.DISPUTE and not (data.get("dispute_reason") or "").strip():
            self.add_error("dispute_reason", _("Donnez le motif de la contestation."))
        if outcome == CallOutcomeKind.CALL_BACK and not data.get("call_back_on"):
            self.add_error("call_back_on", _("Indiquez quand rappeler."))
        return data


class PostedForm(forms.Form):
    posted_on = forms.DateField(label=_("Posté le"), widget=DATE_INPUT)
    registered_number = forms.CharField(label=_("N° de recommandé"), max_length=40, required=False)

    def __init__(self, *args: Any, formal: bool = False, today: date | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.formal = formal
        if today is not None:
            self.fields["posted_on"].initial = today
        if formal:
            self.fields["registered_number"].required = True
            self.fields["registered_number"].help_text = _(
                "Obligatoire : une mise en demeure part en recommandé avec accusé de réception."
            )


class AcknowledgedForm(forms.Form):
    """The date on the acknowledgement of receipt of a registered letter (the service checks
    it against the posting date and today)."""

    acknowledged_on = forms.DateField(label=_("Accusé de réception signé le"), widget=DATE_INPUT)
    registered_number = forms.CharField(
        label=_("N° de recommandé"), max_length=40, required=False,
        help_text=_("Si l'envoi a été déclaré sans numéro."),
    )  # fmt: skip

    def __init__(self, *args: Any, number_known: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if number_known:
            del self.fields["registered_number"]


class BounceFixForm(forms.Form):
    """Where a bounced e-mail goes now: a contact of the customer (the one that bounced, or
    another), with its address corrected when one is typed."""

    contact = forms.ChoiceField(label=_("Envoyer à"), widget=forms.RadioSelect)
    email = forms.EmailField(
        label=_("Adresse corrigée"), required=False, max_length=254,
        help_text=_("Laissez vide pour garder l'adresse du contact choisi."),
    )  # fmt: skip

    def __init__(self, *args: Any, contacts: list[Contact], bounced: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contacts = {str(contact.uuid): contact for contact in contacts}
        field = self.fields["contact"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (key, f"{contact.name} <{contact.email}>" if contact.name else contact.email)
            for key, contact in self.contacts.items()
        ]
        same = next((k for k, c in self.contacts.items() if c.email.lower() == bounced.lower()),
                    None)  # fmt: skip
        if same is not None and not self.is_bound:
            self.initial["contact"] = same

    def chosen(self) -> Contact:
        return self.contacts[self.cleaned_data["contact"]]
