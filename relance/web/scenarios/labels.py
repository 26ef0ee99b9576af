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


# The shipped steps' names; a step an organisation added is named by its channel and offset.
STEP_LABELS: dict[str, str | Promise] = {
    "preventive": _("Rappel avant échéance"),
    "reminder_1": _("Première relance"),
    "reminder_2": _("Deuxième relance"),
    "call_1": _("Premier appel"),
    "call_2": _("Deuxième appel"),
    "last_warning": _("Dernier avertissement"),
    "last_reminder": _("Dernière relance"),
    "formal_notice": _("Mise en demeure"),
    "legal": _("Passage au contentieux"),
}


def step_label(key: str, channel: str = "", offset_days: int | None = None) -> str:
    """What a person calls a step: its shipped name, else its channel at its offset
    (« E-mail à J+12 »), else its key."""
    if key in STEP_LABELS:
        return str(STEP_LABELS[key])
    if channel in CHANNEL_LABELS and offset_days is not None:
        return _("%(channel)s à %(offset)s") % {
            "channel": CHANNEL_LABELS[channel], "offset": offset_label(offset_days),
        }  # fmt: skip
    return key.replace("_", " ").capitalize()
