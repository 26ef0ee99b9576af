"""Forms of the customer pages. They check what was typed; the services do the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import User
from relance.dunning.labels import scenario_name, segment_name
from relance.dunning.models import DisputeCategory, DisputeOutcome, Scenario, Segment
from relance.ledger.models import ContactRole, Customer, Invoice
from relance.ledger.services import NOTE_MAX_LENGTH
from relance.web.customers.selectors import CustomerFilters

NO_COLLECTOR = "none"


def choices(form: forms.Form, name: str) -> forms.ChoiceField:
    """A choice field of the form, to give it the organisation's own choices."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class CustomerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_(
            "Un mot du nom ou de la référence, SIREN, n° de TVA, e-mail ou téléphone d'un contact"
        ),
    )
    currency = forms.ChoiceField(label=_("Devise"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    collector = forms.ChoiceField(label=_("Chargé de recouvrement"), required=False)
    bucket = forms.ChoiceField(
        label=_("Retard le plus ancien"),
        required=False,
        choices=[
            ("", _("Tous")),
            ("1_30", _("1 à 30 jours")),
            ("31_60", _("31 à 60 jours")),
            ("61_90", _("61 à 90 jours")),
            ("over_90", _("Plus de 90 jours")),
        ],
    )
    scenario = forms.ChoiceField(label=_("Scénario"), required=False)
    paused = forms.ChoiceField(
        label=_("Relances"),
        required=False,
        choices=[("", _("Toutes")), ("yes", _("Suspendues")), ("no", _("Actives"))],
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("overdue", _("Montant échu")),
            ("outstanding", _("Encours")),
            ("name", _("Nom")),
        ],
    )

    def __init__(
        self,
        data: Any,
        *,
        currencies: list[str],
        segments: list[Segment],
        collectors: list[User],
        scenarios: list[Scenario],
    ) -> None:
        super().__init__(data)
        self.segments, self.collectors, self.scenarios = segments, collectors, scenarios
        choices(self, "currency").choices = [(code, code) for code in currencies]
        choices(self, "segment").choices = [("", _("Tous"))] + [
            (segment.key, segment_name(segment)) for segment in segments
        ]
        choices(self, "collector").choices = [
            ("", _("Tous")),
            (NO_COLLECTOR, _("Sans chargé")),
            *((str(user.uuid), user.get_full_name() or user.email) for user in collectors),
        ]
        choices(self, "scenario").choices = [("", _("Tous"))] + [
            (str(scenario.uuid), scenario_name(scenario)) for scenario in scenarios
        ]

    def filters(self, default_currency: str) -> CustomerFilters:
        """The filters asked for; a value that is not valid is left out rather than refused."""
        self.is_valid()  # fields that failed are missing from cleaned_data
        data = self.cleaned_data
        collector = data.get("collector") or ""
        scenario = data.get("scenario") or ""
        paused = data.get("paused") or ""
        return CustomerFilters(
            currency=data.get("currency") or default_currency,
            q=data.get("q") or "",
            segment=data.get("segment") or "",
            collector=next((u for u in self.collectors if str(u.uuid) == collector), None),
            no_collector=collector == NO_COLLECTOR,
            bucket=data.get("bucket") or "",
            scenario=next((s for s in self.scenarios if str(s.uuid) == scenario), None),
            paused={"yes": True, "no": False}.get(paused),
            sort=data.get("sort") or "overdue",
        )


class PauseForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison de la suspension"),
        max_length=500,
        widget=forms.TextInput,
        help_text=_("Elle est gardée dans l'historique du client."),
    )
    until = forms.DateField(
        label=_("Jusqu'au (inclus)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Les relances reprennent d'elles-mêmes le lendemain. Sans date : "
                    "jusqu'à ce que quelqu'un les reprenne."),
    )  # fmt: skip


class DisputeOpenForm(forms.Form):
    """Open a dispute: from the customer page on invoices chosen (``invoices`` given), or from
    an invoice's page on that invoice."""

    invoices = forms.MultipleChoiceField(
        label=_("Factures contestées"), widget=forms.CheckboxSelectMultiple
    )
    category = forms.ChoiceField(label=_("Catégorie"), choices=DisputeCategory.choices)
    reason = forms.CharField(
        label=_("Motif"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Les relances de ces factures s'arrêtent jusqu'à la résolution du litige."),
    )  # fmt: skip
    owner = forms.ChoiceField(label=_("Responsable"), required=False)
    due_on = forms.DateField(
        label=_("À régler pour le"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    attachment = forms.FileField(
        label=_("Pièce jointe"), required=False,
        help_text=_("PDF, PNG ou JPEG : la réclamation, un bon de livraison, un avoir…"),
    )  # fmt: skip

    def __init__(
        self, *args: Any, collectors: list[User], invoices: list[Invoice] | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.collectors = {str(user.uuid): user for user in collectors}
        choices(self, "owner").choices = [("", _("Personne")), *(
            (key, user.get_full_name() or user.email) for key, user in self.collectors.items()
        )]  # fmt: skip
        self.invoice_rows = {str(invoice.uuid): invoice for invoice in invoices or []}
        if invoices is None:
            del self.fields["invoices"]
        else:
            choices(self, "invoices").choices = [
                (key, invoice.number) for key, invoice in self.invoice_rows.items()
            ]

    def chosen_invoices(self) -> list[Invoice]:
        return [self.invoice_rows[key] for key in self.cleaned_data.get("invoices", [])]

    def chosen_owner(self) -> User | None:
        return self.collectors.get(self.cleaned_data.get("owner") or "")


class DisputeResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Issue"), choices=DisputeOutcome.choices)
    note = forms.CharField(
        label=_("Note de résolution"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class ScenarioForm(forms.Form):
    scenario = forms.ChoiceField(
        label=_("Scénario du client"),
        required=False,
        help_text=_("Sans choix, le client suit le scénario de son segment."),
    )

    def __init__(self, *args: Any, scenarios: list[Scenario], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scenarios = scenarios
        choices(self, "scenario").choices = [("", _("Celui du segment"))] + [
            (str(scenario.uuid), scenario_name(scenario)) for scenario in scenarios
        ]

    def chosen(self) -> Scenario | None:
        value = self.cleaned_data.get("scenario") or ""
        return next((s for s in self.scenarios if str(s.uuid) == value), None)


AUTOMATIC_SEGMENT = "automatic"


class SegmentChoiceForm(forms.Form):
    segment = forms.ChoiceField(
        label=_("Segment du client"),
        help_text=_("« Automatique » : les règles des segments le placent chaque nuit. Un "
                    "segment choisi ici reste le sien jusqu'à ce qu'on le rende aux règles."),
    )  # fmt: skip

    def __init__(self, *args: Any, segments: list[Segment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.segments = segments
        choices(self, "segment").choices = [(AUTOMATIC_SEGMENT, _("Automatique"))] + [
            (str(segment.uuid), segment_name(segment)) for segment in segments
        ]

    def chosen(self) -> Segment | None:
        """The segment chosen, None for "automatic"."""
        value = self.cleaned_data.get("segment") or ""
        return next((s for s in self.segments if str(s.uuid) == value), None)


class CollectorForm(forms.Form):
    collector = forms.ChoiceField(label=_("Chargé de recouvrement"), required=False)

    def __init__(self, *args: Any, collectors: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.collectors = collectors
        choices(self, "collector").choices = [("", _("Aucun"))] + [
            (str(user.uuid), user.get_full_name() or user.email) for user in collectors
        ]

    def chosen(self) -> User | None:
        value = self.cleaned_data.get("collector") or ""
        return next((u for u in self.collectors if str(u.uuid) == value), None)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Nom"), required=False, max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=16,
        help_text=_("Au format international, par exemple +33612345678."),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=ContactRole.choices)
    is_primary = forms.BooleanField(label=_("Contact principal"), required=False)
    in_copy = forms.BooleanField(label=_("En copie des relances"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and not self.errors:
            raise forms.ValidationError(_("Donnez au moins une adresse e-mail ou un téléphone."))
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AddressForm(forms.Form):
    address_line1 = forms.CharField(
        label=_("Adresse"), required=False, max_length=200,
        help_text=_("Numéro et nom de la rue."),
    )  # fmt: skip
    address_line2 = forms.CharField(
        label=_("Complément d'adresse"), required=False, max_length=200,
        help_text=_("Bâtiment, boîte postale, lieu-dit…"),
    )  # fmt: skip
    postal_code = forms.CharField(label=_("Code postal"), required=False, max_length=20)
    city = forms.CharField(label=_("Ville"), required=False, max_length=100)
    country = forms.CharField(
        label=_("Pays"), max_length=2, min_length=2,
        help_text=_("Code ISO à deux lettres : FR, BE, LU… Il décide aussi des règles de "
                    "pénalités de retard applicables."),
    )  # fmt: skip

    @classmethod
    def of(cls, customer: Customer) -> AddressForm:
        return cls(initial={name: getattr(customer, name) for name in cls.base_fields})

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        if not (country.isascii() and country.isalpha()):
            raise forms.ValidationError(_("Un code pays ISO à deux lettres : FR, BE, LU…"))
        return country
