"""Adding a newly published rate to this installation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor, audit_record_many
from relance.accounts.models import Organisation
from relance.core.rates import TABLE_FIELDS, RateRow, RateTableError, load_rate_tables, overlay
from relance.rates import tables as merged
from relance.rates.models import AddedRate

# A late-payment or reference rate outside this range is a typing error (the German base rate
# has been negative, the Belgian rate above 10 %).
LOWEST = Decimal("-5")
HIGHEST = Decimal("30")


class RateRefused(ValueError):
    """Why a rate cannot be added (French, shown as it is)."""


def _check(table: str, start: date, end: date, rate: Decimal, source: str) -> None:
    if table not in TABLE_FIELDS:
        raise RateRefused(
            _("table inconnue « %(table)s » : %(known)s.")
            % {"table": table, "known": ", ".join(TABLE_FIELDS)}
        )
    if end < start:
        raise RateRefused(
            _("la fin (%(end)s) précède le début (%(start)s).")
            % {"end": f"{end:%d/%m/%Y}", "start": f"{start:%d/%m/%Y}"}
        )
    if not rate.is_finite() or not LOWEST <= rate <= HIGHEST:
        raise RateRefused(
            _(
                "taux %(rate)s %% hors des bornes plausibles (%(lowest)s %% à %(highest)s %%) : "
                "le taux s'écrit en pour cent par an, 2.15 pour 2,15 %%."
            )
            % {"rate": rate, "lowest": LOWEST, "highest": HIGHEST}
        )
    if rate != rate.quantize(Decimal("0.0001")):
        raise RateRefused(_("taux %(rate)s : quatre décimales au plus.") % {"rate": rate})
    if len(source.strip()) < 8:
        raise RateRefused(
            _(
                "la source est obligatoire : la publication officielle (arrêté et JO, avis du "
                "Moniteur belge, communiqué de la BCE, avis de la Bundesbank…)."
            )
        )


def _check_place(table: str, row: RateRow, replace: bool) -> None:
    current = merged.rate_tables().table(table)
    if row.start > current.last_day + timedelta(days=1):
        raise RateRefused(
            _(
                "la table %(table)s s'arrête le %(last_day)s : le nouveau taux doit commencer au "
                "plus tard le %(next_day)s (une table n'a jamais de trou)."
            )
            % {
                "table": table,
                "last_day": f"{current.last_day:%d/%m/%Y}",
                "next_day": f"{current.last_day + timedelta(days=1):%d/%m/%Y}",
            }
        )
    if row.end < current.first_day - timedelta(days=1):
        raise RateRefused(
            _(
                "la table %(table)s commence le %(first_day)s : le nouveau taux doit la toucher "
                "(une table n'a jamais de trou)."
            )
            % {"table": table, "first_day": f"{current.first_day:%d/%m/%Y}"}
        )
    overlapped = [r for r in current.rows if r.start <= row.end and r.end >= row.start]
    if overlapped and not replace:
        raise RateRefused(
            _(
                "la table %(table)s a déjà un taux du %(start)s au %(end)s (%(rate)s %%) : "
                "ajoutez --replace pour le remplacer par la valeur publiée."
            )
            % {
                "table": table,
                "start": f"{overlapped[0].start:%d/%m/%Y}",
                "end": f"{overlapped[-1].end:%d/%m/%Y}",
                "rate": overlapped[0].rate,
            }
        )
    for shipped in load_rate_tables().table(table).rows:
        if shipped.verified and shipped.start <= row.end and shipped.end >= row.start:
            raise RateRefused(
                _(
                    "le taux livré du %(start)s au %(end)s (%(rate)s %%) est vérifié et sourcé "
                    "(%(source)s) : il ne se remplace pas par installation. Seuls les taux non "
                    "vérifiés (supposés) se remplacent."
                )
                % {
                    "start": f"{shipped.start:%d/%m/%Y}",
                    "end": f"{shipped.end:%d/%m/%Y}",
                    "rate": shipped.rate,
                    "source": shipped.source,
                }
            )
    try:
        overlay(current, [row])
    except RateTableError as exc:  # pragma: no cover - the checks above prevent it
        raise RateRefused(str(exc)) from exc


@transaction.atomic
def rate_add(
    *,
    table: str,
    start: date,
    end: date,
    rate: Decimal,
    source: str,
    actor: Actor,
    replace: bool = False,
    verified: bool = True,
    note: str = "",
) -> AddedRate:
    """Add a published rate to ``table`` for ``start``..``end`` (both included), used at once by
    every computation. Refused: an unknown table, a gap, an overlap without ``replace``, any
    overlap with a verified shipped row, an implausible value, no source. Audited in every
    organisation, since all of their penalties may change."""
    source = source.strip()
    _check(table, start, end, rate, source)
    # Serialise additions: two at once could both pass the checks and leave an overlap.
    list(AddedRate.objects.select_for_update().filter(table=table).values_list("id"))
    row = RateRow(start, end, rate.normalize(), source, verified, note.strip())
    _check_place(table, row, replace)
    added = AddedRate.objects.create(
        table=table, start=start, end=end, rate=rate, source=source, verified=verified,
        note=note.strip(), replace=replace, added_at=timezone.now(), added_by=actor.user,
        added_by_label=actor.label,
    )  # fmt: skip
    after = {
        "table": table, "start": start.isoformat(), "end": end.isoformat(), "rate": str(rate),
        "source": source, "verified": verified, "replace": replace,
    }  # fmt: skip
    for organisation in Organisation.objects.order_by("id"):
        audit_record_many(organisation=organisation, actor=actor, action="rate_added",
                          entity_type="rate", changes=[(str(added.pk), None, after)])  # fmt: skip
    transaction.on_commit(merged.forget)
    merged.forget()
    return added
