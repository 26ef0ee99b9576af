"""Why an e-mail came back, in plain words for the collector, from the report's status code.

A delivery status notification (RFC 3464) carries an enhanced status code (RFC 3463):
``class.subject.detail``, such as ``5.1.1``. The class says whether it may still arrive (4:
temporary) or not (5: permanent); the subject and detail say why. The most specific known
code wins, then its subject (``5.7``), then its class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")

REASONS: dict[str, str | Promise] = {
    "5.1.1": _("L'adresse n'existe pas chez le destinataire (boîte inconnue)."),
    "5.1.2": _("Le domaine de l'adresse n'existe pas : l'adresse est sans doute mal écrite."),
    "5.1.3": _("L'adresse est mal formée."),
    "5.1.6": _("La personne a changé d'adresse : la boîte n'est plus utilisée."),
    "5.1.10": _("L'adresse n'existe pas chez le destinataire (boîte inconnue)."),
    "5.2.1": _("La boîte du destinataire est désactivée."),
    "5.2.2": _("La boîte du destinataire est pleine."),
    "5.2.3": _("Le message est trop gros pour la boîte du destinataire."),
    "5.3.4": _("Le message est trop gros pour le serveur du destinataire."),
    "5.4.1": _("Le serveur du destinataire refuse les messages pour cette adresse."),
    "5.4.4": _("Le domaine de l'adresse ne reçoit pas d'e-mails."),
    "5.7.1": _("Refusé par le serveur du destinataire (règle anti-spam ou politique)."),
    "5.7.26": _("Refusé : l'authentification de l'expéditeur (SPF, DKIM, DMARC) a échoué."),
}
SUBJECTS: dict[str, str | Promise] = {
    "5.1": _("L'adresse n'est pas reconnue par le serveur du destinataire."),
    "5.2": _("La boîte du destinataire ne peut pas recevoir ce message."),
    "5.3": _("Le serveur du destinataire ne peut pas recevoir ce message."),
    "5.4": _("Le message n'a pas pu être acheminé jusqu'au destinataire."),
    "5.7": _("Refusé par le serveur du destinataire (règle anti-spam ou politique)."),
}
TEMPORARY = _("Échec temporaire : le serveur du destinataire réessaiera ou le message "
              "peut être renvoyé plus tard.")  # fmt: skip
PERMANENT = _("Le serveur du destinataire a refusé le message.")


@dataclass(frozen=True)
class BounceReason:
    code: str  # the enhanced status code found, or ""
    text: str  # what it means, in plain words
    permanent: bool


def bounce_reason(status: str, diagnostic: str = "") -> BounceReason:
    """The plain-words reason of a report's ``Status`` (else the code in its diagnostic)."""
    found = STATUS.search(status) or STATUS.search(diagnostic)
    if found is None:
        return BounceReason("", str(PERMANENT), True)
    code = ".".join(found.groups())
    if found.group(1) == "4":
        return BounceReason(code, str(TEMPORARY), False)
    if found.group(1) == "2":
        return BounceReason(code, str(PERMANENT), True)
    subject = ".".join(found.groups()[:2])
    text = REASONS.get(code) or SUBJECTS.get(subject) or PERMANENT
    return BounceReason(code, str(text), True)
