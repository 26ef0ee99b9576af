"""The forecast's reasons in words, for the staff (French, translated with the catalogue)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relance.core.forecast import Reason


def _delay(days: int | None) -> str:
    days = days or 0
    if days > 0:
        return ngettext("%(n)d jour après l'échéance", "%(n)d jours après l'échéance", days) % {
            "n": days
        }
    if days < 0:
        return ngettext("%(n)d jour avant l'échéance", "%(n)d jours avant l'échéance", -days) % {
            "n": -days
        }
    return _("à l'échéance")


def reason_text(reason: Reason) -> str:
    day = date_format(reason.day, "SHORT_DATE_FORMAT") if reason.day else ""
    count = reason.count or 0
    match reason.code:
        case "customer":
            return ngettext(
                "paie d'habitude %(delay)s (%(count)d paiement)",
                "paie d'habitude %(delay)s (médiane de %(count)d paiements)",
                count,
            ) % {"delay": _delay(reason.days), "count": count}
        case "few_payments":
            return ngettext(
                "%(count)d seul paiement connu : rapproché du délai habituel de l'organisation "
                "(%(delay)s)",
                "%(count)d paiements connus seulement : rapprochés du délai habituel de "
                "l'organisation (%(delay)s)",
                count,
            ) % {"delay": _delay(reason.days), "count": count}
        case "no_history":
            return _("aucun paiement connu de ce client : délai habituel de l'organisation "
                     "(%(delay)s)") % {"delay": _delay(reason.days)}  # fmt: skip
        case "overdue":
            return _("déjà %(days)d j de retard : estimé d'après les paiements arrivés plus "
                     "tard encore") % {"days": reason.days}  # fmt: skip
        case "beyond_history":
            return _("en retard depuis plus longtemps que tout paiement connu : date très "
                     "incertaine")  # fmt: skip
        case "no_data":
            return _("aucun paiement connu dans l'organisation : date d'échéance")
        case "large_amount":
            return _("montant élevé pour ce client : %(days)+d j") % {"days": reason.days}
        case "formal_notice":
            return _("mise en demeure envoyée le %(day)s") % {"day": day}
        case "legal":
            return _("transmise au contentieux le %(day)s") % {"day": day}
        case "promise":
            return _("promesse de paiement pour le %(day)s") % {"day": day}
        case "plan":
            return ngettext(
                "échéancier : %(count)d échéance, jusqu'au %(day)s",
                "échéancier : %(count)d échéances, jusqu'au %(day)s",
                count,
            ) % {"count": count, "day": day}
        case "dispute":
            return _("litige ouvert le %(day)s : repoussée à sa fin probable, hors "
                     "encaissements attendus") % {"day": day}  # fmt: skip
    return reason.code


def why(reasons: Iterable[Reason]) -> str:
    """The reasons of a prediction, the weightiest first, in one line."""
    return " ; ".join(reason_text(reason) for reason in reasons)
