"""The filters of the sent-reminders list (a GET form: bookmarkable, shareable)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Membership, Organisation, Role
from relance.channels.sent import DELIVERIES, LATENESS_LABELS, SentFilters
from relance.dunning.labels import Labels, step_label
from relance.dunning.models import Scenario, ScenarioStep

ORGANISATION = "organisation"
CHANNELS = [("email", _("E-mail")), ("sms", _("SMS"))]


def _any(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class SentFilterForm(forms.Form):
    collector = forms.ChoiceField(label=_("Expéditeur"), required=False)
    channel = forms.ChoiceField(
        label=_("Canal"), required=False, choices=[*_any(_("Tous")), *CHANNELS]
    )
    lateness = forms.ChoiceField(
        label=_("Retard à l'envoi"),
        required=False,
        choices=[*_any(_("Tous")), *LATENESS_LABELS.items()],
        help_text=_("Jours depuis l'échéance la plus ancienne du message."),
    )
    scenario = forms.ChoiceField(
        label=_("Scénario"),
        required=False,
        help_text=_("Le scénario du client aujourd'hui."),
    )
    step = forms.ChoiceField(label=_("Étape"), required=False)
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[*_any(_("Tous")), *DELIVERIES.items()]
    )
    since = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Set by the "search further" link only: go on from where the last search window ended.
    before = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        members = Membership.objects.filter(organisation=organisation).values_list(
            "user__uuid", "user__email", "user__first_name", "user__last_name", "role"
        )
        # Member e-mail -> name, to show who signed each message (Reply-To is the collector).
        self.names: dict[str, str] = {}
        self.senders: dict[str, str] = {}  # user uuid -> e-mail, for those who may sign
        for uuid, email, first, last, role in members:
            self.names[email] = f"{first} {last}".strip() or email
            if role in (Role.COLLECTOR, Role.ADMIN):
                self.senders[str(uuid)] = email
        by_name = sorted(self.senders.items(), key=lambda pair: self.names[pair[1]].casefold())
        self._set_choices("collector", [
            *_any(_("Tous")),
            (ORGANISATION, _("L'organisation (sans chargé)")),
            *((uuid, self.names[email]) for uuid, email in by_name),
        ])  # fmt: skip
        self.scenarios = {
            str(uuid): (pk, key, name)
            for pk, uuid, key, name in Scenario.objects.filter(organisation=organisation)
            .order_by("name")
            .values_list("pk", "uuid", "key", "name")
        }
        names = Labels(scenarios={key: name for _pk, key, name in self.scenarios.values()})
        self._set_choices("scenario", [
            *_any(_("Tous")), *((uuid, names.scenario(key)) for uuid, (_pk, key, _name)
                                in self.scenarios.items())
        ])  # fmt: skip
        steps = (
            ScenarioStep.objects.filter(scenario__organisation=organisation)
            .order_by("offset_days", "key")
            .values_list("key", flat=True)
        )
        self._set_choices(
            "step", [*_any(_("Toutes")), *((k, step_label(k)) for k in dict.fromkeys(steps))]
        )

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("La date de fin précède la date de début."))
        return data

    def filters(self) -> SentFilters:
        """The valid filters (an invalid one is ignored, its error shown)."""
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        collector = data.get("collector", "")
        reply_to = None
        if collector == ORGANISATION:
            reply_to = ""
        elif collector:
            reply_to = self.senders[collector]
        scenario = None
        if data.get("scenario"):
            pk, key, name = self.scenarios[data["scenario"]]
            scenario = Scenario(pk=pk, organisation=self.organisation, key=key, name=name)
        return SentFilters(
            reply_to=reply_to,
            channel=data.get("channel", ""),
            lateness=data.get("lateness", ""),
            scenario=scenario,
            step=data.get("step", ""),
            delivery=data.get("status", ""),
            since=data.get("since"),
            until=data.get("until"),
            before=data.get("before"),
        )
