"""French names of the scenario vocabulary (the stored values are the engine's English keys)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

CHANNEL_LABELS: dict[str, str | Promise] = {
    "email": _("E-mail"),
    "sms": _("SMS"),
    "letter": _("Courrier"),
    "formal_notice": _("Mise en demeure (recommandé)"),
    "call": _("Appel"),
    "legal": _("Contentieux"),
}
MODE_LABELS: dict[str, str | Promise] = {
    "auto": _("Automatique"),
    "manual": _("Manuel (liste des tâches)"),
}
TONE_LABELS: dict[str, str | Promise] = {
    "courteous": _("Courtois"),
    "neutral": _("Neutre"),
    "firm": _("Ferme"),
    "formal": _("Formel"),
}
PENALTY_LABELS: dict[str, str | Promise] = {
    "none": _("Aucune"),
    "mentioned": _("Mentionnées"),
    "claimed": _("Réclamées"),
}
KIND_LABELS: dict[str, str | Promise] = {
    "B2B": _("Entreprise (B2B)"),
    "B2C": _("Particulier (B2C)"),
    "PUBLIC": _("Acheteur public"),
}


def offset_label(days: int) -> str:
    """``-3`` → ``J-3``, ``5`` → ``J+5``, ``0`` → ``J`` (D-3, D+5, D in English)."""
    if days == 0:
        return pgettext("the due date", "J")
    return pgettext("days from the due date", "J%(days)+d") % {"days": days}


# The shipped scenarios' steps (relance.core.scenario.PRESETS); an organisation's own step
# keys are shown by their channel's name rather than as a key.
STEP_LABELS: dict[str, str | Promise] = {
    "preventive": _("Rappel avant échéance"),
    "reminder_1": _("1re relance"),
    "reminder_2": _("2e relance"),
    "call_1": _("1er appel"),
    "call_2": _("2e appel"),
    "last_warning": _("Dernier avertissement"),
    "last_reminder": _("Dernière relance"),
    "formal_notice": _("Mise en demeure"),
    "legal": _("Contentieux"),
}


def step_label(key: str, channel: str = "") -> str:
    if key in STEP_LABELS:
        return str(STEP_LABELS[key])
    return str(CHANNEL_LABELS.get(channel, _("Étape du scénario")))
