"""What people read for the engine's code names, in the reader's language.

Steps, scenarios, segments, channels, modes, tones and penalties are stored by their keys
(``reminder_1``, ``bad_payer``, ``formal_notice``): the keys stay in exports, the API and the
YAML of scenarios; every page and message shows the label instead. Scenarios and segments
carry the name the organisation gave them; the shipped ones keep a translated name until the
organisation renames them. Steps have no stored name: the shipped keys have translated names
and an organisation's own keys are shown as words ("relance_3" → "Relance 3").

``labels_of(organisation)`` reads the organisation's names in one query, once per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import CharField, Value
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation
from relance.core.scenario import PRESETS
from relance.core.segmentation import DEFAULT_RULES
from relance.dunning.models import Scenario, ScenarioStep, Segment

Label = str | Promise

STEP_NAMES: dict[str, Label] = {
    "preventive": _("Rappel avant échéance"),
    "reminder_1": _("Première relance"),
    "reminder_2": _("Deuxième relance"),
    "call_1": _("Premier appel"),
    "call_2": _("Deuxième appel"),
    "last_reminder": _("Dernière relance"),
    "last_warning": _("Dernier avertissement"),
    "formal_notice": _("Mise en demeure"),
    "legal": _("Contentieux"),
    "preventive_invoice": _("Avant échéance, facture jointe"),
    "friendly_open_question": _("Relance amicable (question ouverte)"),
    "arrangement_offer": _("Proposition d'arrangement"),
    "firm_reminder": _("Relance ferme"),
    "amicable_escalation_call": _("Escalade amiable : appel"),
    "amicable_escalation_sms": _("Escalade amiable : SMS"),
    "amicable_escalation_letter": _("Escalade amiable : courrier simple"),
    "suspension_notice": _("Suspension du service"),
    "courteous_reminder": _("Relance courtoise"),
    "collection_warning": _("Relance avant recouvrement"),
    "final_reminder_before_notice": _("Dernière relance avant mise en demeure"),
}
# The shipped scenarios and segments, by key: their stored (French) name and what to show.
SHIPPED_SCENARIOS: dict[str, tuple[str, Label]] = {
    "standard": (PRESETS["standard"].name, _("Standard")),
    "vip": (PRESETS["vip"].name, _("VIP")),
    "bad_payer": (PRESETS["bad_payer"].name, _("Mauvais payeur")),
    "six_stages": (PRESETS["six_stages"].name, _("Six étapes")),
    "three_emails_call": (PRESETS["three_emails_call"].name, _("3 e-mails puis un appel")),
}
_SEGMENT_DEFAULTS = {rule.key: rule.name for rule in DEFAULT_RULES}
SHIPPED_SEGMENTS: dict[str, tuple[str, Label]] = {
    "bad_payer": (_SEGMENT_DEFAULTS["bad_payer"], _("Mauvais payeur")),
    "vip": (_SEGMENT_DEFAULTS["vip"], _("Client privilégié")),
    "standard": (_SEGMENT_DEFAULTS["standard"], _("Standard")),
}

CHANNEL_LABELS: dict[str, Label] = {
    "email": _("E-mail"),
    "sms": _("SMS"),
    "letter": _("Courrier"),
    "formal_notice": _("Mise en demeure (recommandé)"),
    "call": _("Appel"),
    "legal": _("Contentieux"),
}
MODE_LABELS: dict[str, Label] = {
    "auto": _("Automatique"),
    "manual": _("Manuel (liste des tâches)"),
}
TONE_LABELS: dict[str, Label] = {
    "courteous": _("Courtois"),
    "neutral": _("Neutre"),
    "firm": _("Ferme"),
    "formal": _("Formel"),
}
PENALTY_LABELS: dict[str, Label] = {
    "none": _("Aucune"),
    "mentioned": _("Mentionnées"),
    "claimed": _("Réclamées"),
}
KIND_LABELS: dict[str, Label] = {
    "B2B": _("Entreprise (B2B)"),
    "B2C": _("Particulier (B2C)"),
    "PUBLIC": _("Acheteur public"),
}


def as_words(key: str) -> str:
    """An organisation's own key read as words: ``relance_3`` → ``Relance 3``."""
    words = " ".join(key.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:]


def step_label(key: str) -> str:
    """A step as people name it; empty stays empty (nothing done yet)."""
    if not key:
        return ""
    return str(STEP_NAMES.get(key) or as_words(key))


def channel_label(key: str) -> str:
    return str(CHANNEL_LABELS.get(key) or as_words(key))


def mode_label(key: str) -> str:
    return str(MODE_LABELS.get(key, key))


def tone_label(key: str) -> str:
    return str(TONE_LABELS.get(key, key))


def penalties_label(key: str) -> str:
    return str(PENALTY_LABELS.get(key, key))


def offset_label(days: int) -> str:
    """``-3`` → ``J-3``, ``5`` → ``J+5``, ``0`` → ``J`` (D-3, D+5, D in English)."""
    if days == 0:
        return pgettext("the due date", "J")
    return pgettext("days from the due date", "J%(days)+d") % {"days": days}


def _named(key: str, stored: str | None, shipped: dict[str, tuple[str, Label]]) -> str:
    """The organisation's name, the translated one while a shipped name is kept as is."""
    if not key:
        return ""
    default = shipped.get(key)
    if default is not None and stored in (None, default[0]):
        return str(default[1])
    return stored or as_words(key)


def scenario_name(scenario: Scenario) -> str:
    """A scenario at hand (no query): its name, translated while the shipped one is kept."""
    return _named(scenario.key, scenario.name, SHIPPED_SCENARIOS)


def segment_name(segment: Segment) -> str:
    return _named(segment.key, segment.name, SHIPPED_SEGMENTS)


@dataclass(frozen=True)
class Labels:
    """The names of one organisation's scenarios and segments, by key."""

    scenarios: dict[str, str] = field(default_factory=dict)
    segments: dict[str, str] = field(default_factory=dict)

    def scenario(self, key: str) -> str:
        return _named(key, self.scenarios.get(key), SHIPPED_SCENARIOS)

    def segment(self, key: str) -> str:
        return _named(key, self.segments.get(key), SHIPPED_SEGMENTS)

    def step(self, key: str) -> str:
        return step_label(key)

    def channel(self, key: str) -> str:
        return channel_label(key)


def labels_of(organisation: Organisation | int) -> Labels:
    """The organisation's scenario and segment names, in one query."""
    kind: CharField[str, str] = CharField()
    scenarios = (
        Scenario.objects.filter(organisation=organisation)
        .order_by()
        .values_list(Value("scenario", output_field=kind), "key", "name")
    )
    segments = (
        Segment.objects.filter(organisation=organisation)
        .order_by()
        .values_list(Value("segment", output_field=kind), "key", "name")
    )
    names: dict[str, dict[str, str]] = {"scenario": {}, "segment": {}}
    for what, key, name in scenarios.union(segments, all=True):
        names[what][key] = name
    return Labels(scenarios=names["scenario"], segments=names["segment"])


def step_options_label(step: ScenarioStep) -> str:
    """A step's options in a few words ("" when it has none), for the scenario page."""
    said: list[str] = []
    if step.repeat_every and step.repeat_times:
        said.append(gettext("répétée tous les %(every)s j, %(times)s fois")
                    % {"every": step.repeat_every, "times": step.repeat_times})  # fmt: skip
    elif step.repeat_every:
        said.append(gettext("répétée tous les %(every)s j jusqu'au paiement")
                    % {"every": step.repeat_every})  # fmt: skip
    if step.pay_within:
        said.append(gettext("à payer sous %(days)s j") % {"days": step.pay_within})
    if step.copy_collector:
        said.append(gettext("chargé en copie") if step.copy_collector == "cc"
                    else gettext("chargé en copie cachée"))  # fmt: skip
    if not step.attach_invoices:
        said.append(gettext("sans les factures"))
    if step.fallback:
        said.append(gettext("canal de repli"))
    if step.suspension:
        said.append(gettext("suspension de service"))
    return " ; ".join(said)
