"""The settings forms. They explain errors field by field; the services check again."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from relance.accounts.models import Country, Organisation, Role
from relance.accounts.services import AccountError, identifier_check, logo_check
from relance.channels.email.setup import SmtpSecurity, smtp_security
from relance.channels.models import SmtpSettings
from relance.dunning.models import DunningSettings
from relance.dunning.services import (
    MAX_FRESHNESS_DAYS,
    MAX_GAP_DAYS,
    MAX_GRACE_DAYS,
    MAX_PORTAL_INSTALMENTS,
    MAX_PORTAL_PROMISE_DAYS,
)
from relance.lib.forms import MoneyField
from relance.payments.models import Method, Provider, ProviderAccount

IDENTIFIERS_BY_COUNTRY = {
    Country.FR: ("siren", "siret", "vat_number"),
    Country.BE: ("enterprise_number", "vat_number"),
}
ALL_IDENTIFIERS = ("siren", "siret", "vat_number", "enterprise_number")


# The zones of the countries relance serves come first; every IANA zone stays valid.
SERVED_ZONES = (
    "Europe/Paris", "Europe/Brussels", "Europe/Luxembourg", "Europe/Berlin", "Europe/Amsterdam",
    "Europe/Zurich", "Europe/London", "Europe/Madrid", "Europe/Rome", "Europe/Lisbon",
    "Europe/Dublin", "Europe/Vienna", "Europe/Monaco", "America/Guadeloupe",
    "America/Martinique", "America/Cayenne", "Indian/Reunion", "Indian/Mayotte",
    "Pacific/Noumea", "Pacific/Tahiti",
)  # fmt: skip
ZONE_REGIONS = {
    "Europe": _("Europe"), "America": _("Amériques"), "Africa": _("Afrique"), "Asia": _("Asie"),
    "Atlantic": _("Atlantique"), "Indian": _("Océan Indien"), "Pacific": _("Pacifique"),
    "Australia": _("Australie"), "Antarctica": _("Antarctique"), "Arctic": _("Arctique"),
}  # fmt: skip


@cache
def _time_zones() -> list[tuple[Any, Any]]:
    """The served zones first, then the others by region (the choices of a select's groups)."""
    known = zoneinfo.available_timezones()
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(known - set(SERVED_ZONES)):
        region = name.split("/")[0] if "/" in name else ""
        groups.setdefault(region if region in ZONE_REGIONS else "", []).append((name, name))
    served = [(name, name) for name in SERVED_ZONES if name in known]
    return [
        (_("Fuseaux courants"), served),
        *((ZONE_REGIONS[region], groups[region]) for region in ZONE_REGIONS if region in groups),
        (_("Autres"), groups.get("", [])),
    ]


class OrganisationForm(forms.Form):
    legal_name = forms.CharField(label=_("Raison sociale"), max_length=200)
    siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)
    siret = forms.CharField(
        label=_("SIRET (siège ou établissement émetteur)"), max_length=20, required=False
    )
    enterprise_number = forms.CharField(
        label=_("Numéro d'entreprise (BCE)"), max_length=20, required=False
    )
    vat_number = forms.CharField(label=_("N° de TVA intracommunautaire"), max_length=20,
                                 required=False)  # fmt: skip
    address_line1 = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    address_line2 = forms.CharField(label=_("Complément d'adresse"), max_length=200,
                                    required=False)  # fmt: skip
    postal_code = forms.CharField(label=_("Code postal"), max_length=20, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    iban = forms.CharField(
        label=_("IBAN"), max_length=42, required=False,
        help_text=_("Le compte sur lequel vos clients paient ; il figure sur les relances."),
    )  # fmt: skip
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False)
    timezone = forms.ChoiceField(
        label=_("Fuseau horaire"), choices=_time_zones,
        help_text=_("Les relances partent dans la fenêtre d'envoi, à l'heure de ce fuseau."),
    )  # fmt: skip
    default_currency = forms.CharField(
        label=_("Devise par défaut"), max_length=3, min_length=3,
        validators=[RegexValidator(r"^[A-Za-z]{3}$", _("Un code de devise ISO 4217 : EUR, CHF…"))],
    )  # fmt: skip
    sender_name = forms.CharField(
        label=_("Nom d'expéditeur"), max_length=200, required=False,
        help_text=_("Le nom que vos clients voient ; à défaut, la raison sociale."),
    )  # fmt: skip
    sender_email = forms.EmailField(label=_("Adresse e-mail d'expédition"), required=False)
    logo = forms.FileField(
        label=_("Logo"), required=False,
        help_text=_("PNG, JPEG, GIF ou WebP, 1 Mo au plus ; il figure en tête des courriers."),
        error_messages={"empty": _("Le fichier du logo est vide.")},
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )  # fmt: skip
    logo_remove = forms.BooleanField(label=_("Retirer le logo actuel"), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        self.organisation = organisation
        initial = {name: getattr(organisation, name) for name in self.base_fields
                   if name not in {"logo", "logo_remove"}}  # fmt: skip
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        kept = IDENTIFIERS_BY_COUNTRY.get(Country(organisation.country), ())
        for name in ALL_IDENTIFIERS:
            if name not in kept:
                del self.fields[name]
        if not organisation.logo:
            del self.fields["logo_remove"]

    def _identifier(self, name: str) -> str:
        value = str(self.cleaned_data.get(name) or "").strip()
        try:
            return identifier_check(self.organisation.country, name, value)
        except AccountError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_siren(self) -> str:
        return self._identifier("siren")

    def clean_siret(self) -> str:
        return self._identifier("siret")

    def clean_vat_number(self) -> str:
        return self._identifier("vat_number")

    def clean_enterprise_number(self) -> str:
        return self._identifier("enterprise_number")

    def clean_iban(self) -> str:
        return self._identifier("iban")

    def clean_bic(self) -> str:
        return self._identifier("bic")

    def clean_default_currency(self) -> str:
        return str(self.cleaned_data["default_currency"]).upper()

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo:
            try:
                logo_check(logo)
            except AccountError as exc:
                raise ValidationError(str(exc)) from exc
        return logo

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["logo"] = data.get("logo") or None
        data["logo_remove"] = bool(data.get("logo_remove"))
        return data


class SmtpForm(forms.Form):
    host = forms.CharField(label=_("Serveur SMTP"), max_length=253,
                           help_text=_("Par exemple smtp.votre-fournisseur.fr"))  # fmt: skip
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=587)
    security = forms.ChoiceField(
        label=_("Sécurité de la connexion"), choices=SmtpSecurity.choices,
        initial=SmtpSecurity.STARTTLS,
    )  # fmt: skip
    username = forms.CharField(label=_("Identifiant"), max_length=254, required=False)
    password = forms.CharField(
        label=_("Mot de passe"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Enregistré chiffré et jamais réaffiché. Laissez vide pour garder "
                    "celui qui est enregistré."),
    )  # fmt: skip
    password_clear = forms.BooleanField(
        label=_("Effacer le mot de passe enregistré"), required=False
    )

    @classmethod
    def for_settings(cls, smtp: SmtpSettings | None) -> SmtpForm:
        if smtp is None:
            return cls()
        form = cls(initial={"host": smtp.host, "port": smtp.port, "username": smtp.username,
                            "security": smtp_security(smtp)})  # fmt: skip
        return form

    def password_value(self) -> str | None:
        """None keeps the stored password, "" removes it."""
        if self.cleaned_data.get("password_clear"):
            return ""
        return self.cleaned_data.get("password") or None


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Domaine d'envoi"), max_length=253,
        help_text=_("Le domaine de votre adresse d'expédition, par exemple atelier-dupont.fr"),
    )  # fmt: skip


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.COLLECTOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class RulesForm(forms.Form):
    min_gap_days = forms.IntegerField(
        label=_("Écart minimum entre deux contacts (jours)"), min_value=0,
        max_value=MAX_GAP_DAYS,
        help_text=_("Aucun client n'est relancé deux fois à moins de ce nombre de jours d'écart."),
    )  # fmt: skip
    min_amount = MoneyField(
        label=_("Montant minimum relancé"), min_value=Decimal(0),
        help_text=_("En dessous, un client n'est pas relancé (dans la devise de ses factures)."),
    )  # fmt: skip
    promise_grace_days = forms.IntegerField(
        label=_("Délai de grâce après une promesse de paiement (jours)"), min_value=0,
        max_value=MAX_GRACE_DAYS,
        help_text=_("Jours laissés après la date promise avant de reprendre les relances."),
    )  # fmt: skip
    window_start = forms.TimeField(
        label=_("Envoi à partir de"), widget=forms.TimeInput(attrs={"type": "time"},
                                                             format="%H:%M"),
    )  # fmt: skip
    window_end = forms.TimeField(
        label=_("Envoi jusqu'à"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Heures du fuseau horaire de l'organisation, jours ouvrés seulement."),
    )  # fmt: skip
    bank_freshness_days = forms.IntegerField(
        label=_("Fraîcheur des relevés bancaires (jours ouvrés)"), min_value=1,
        max_value=MAX_FRESHNESS_DAYS,
        help_text=_(
            "Quand le dernier relevé bancaire ou fichier de paiements importé est plus ancien, "
            "les relances après échéance attendent dans « À faire » : importez le dernier "
            "relevé avant de relancer."
        ),
    )  # fmt: skip
    track_opens = forms.BooleanField(
        label=_("Suivre l'ouverture des e-mails"), required=False,
        help_text=_(
            "Une image invisible indique quand un e-mail est ouvert. C'est un traitement de "
            "données personnelles (RGPD) : ne l'activez que si vous en avez l'usage, et "
            "mentionnez-le dans l'information donnée à vos clients."
        ),
    )  # fmt: skip

    # What a debtor may do from the portal (docs/portal.md).
    portal_promise_max_days = forms.IntegerField(
        label=_("Portail : une promesse de paiement au plus à (jours)"), min_value=1,
        max_value=MAX_PORTAL_PROMISE_DAYS,
        help_text=_("Le débiteur choisit une date de paiement au plus ce nombre de jours après "
                    "aujourd'hui ; c'est aussi la limite de la première échéance d'un échéancier "
                    "demandé."),
    )  # fmt: skip
    portal_plans_allowed = forms.BooleanField(
        label=_("Portail : les débiteurs peuvent demander un échéancier"), required=False,
        help_text=_("La demande arrive dans « À faire » : vous l'acceptez ou la refusez. En "
                    "attendant, les factures concernées ne sont pas relancées."),
    )  # fmt: skip
    portal_plan_max_instalments = forms.IntegerField(
        label=_("Portail : nombre maximum d'échéances"), min_value=2,
        max_value=MAX_PORTAL_INSTALMENTS,
    )  # fmt: skip
    portal_plan_min_instalment = MoneyField(
        label=_("Portail : montant minimum d'une échéance"), min_value=Decimal(0),
        help_text=_("Dans la devise des factures concernées."),
    )  # fmt: skip
    portal_code_required = forms.BooleanField(
        label=_("Portail : code par e-mail pour les démarches sensibles"), required=False,
        help_text=_("Avant une contestation, une demande d'échéancier ou un changement de "
                    "coordonnées, le débiteur saisit un code envoyé à l'adresse e-mail de "
                    "facturation que vous connaissez : un lien transféré ne suffit plus."),
    )  # fmt: skip

    @classmethod
    def for_settings(cls, rules: DunningSettings) -> RulesForm:
        form = cls(initial={name: getattr(rules, name) for name in cls.base_fields})
        # The rule in force, with its number: what the organisation has today.
        form.fields["min_gap_days"].help_text = ngettext(
            "Aucun client n'est relancé deux fois à moins de %(days)d jour d'écart.",
            "Aucun client n'est relancé deux fois à moins de %(days)d jours d'écart.",
            rules.min_gap_days,
        ) % {"days": rules.min_gap_days}
        return form

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start is not None and end is not None and end <= start:
            self.add_error(
                "window_end", _("La fin de la fenêtre d'envoi doit être après son début.")
            )
        return cleaned


class PaymentProviderForm(forms.Form):
    provider = forms.ChoiceField(label=_("Prestataire de paiement"), choices=Provider.choices)
    api_key = forms.CharField(
        label=_("Clé d'API secrète"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stripe : sk_live_… (ou rk_live_…) ; Mollie : live_…. Enregistrée chiffrée "
                    "et jamais réaffichée. Laissez vide pour garder celle qui est enregistrée."),
    )  # fmt: skip
    webhook_secret = forms.CharField(
        label=_("Secret de signature du webhook (Stripe)"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("whsec_…, donné par Stripe quand vous ajoutez l'adresse du webhook. "
                    "Inutile pour Mollie."),
    )  # fmt: skip
    methods = forms.MultipleChoiceField(
        label=_("Moyens de paiement proposés"), choices=Method.choices,
        widget=forms.CheckboxSelectMultiple, initial=[Method.CARD],
    )  # fmt: skip

    @classmethod
    def for_account(cls, account: ProviderAccount | None) -> PaymentProviderForm:
        if account is None:
            return cls()
        return cls(initial={"provider": account.provider, "methods": account.methods})
