"""Adding a newly published rate to this installation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

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
        raise RateRefused(f"table inconnue « {table} » : {', '.join(TABLE_FIELDS)}.")
    if end < start:
        raise RateRefused(f"la fin ({end:%d/%m/%Y}) précède le début ({start:%d/%m/%Y}).")
    if not rate.is_finite() or not LOWEST <= rate <= HIGHEST:
        raise RateRefused(
            f"taux {rate} % hors des bornes plausibles ({LOWEST} % à {HIGHEST} %) : "
            "le taux s'écrit en pour cent par an, 2.15 pour 2,15 %."
        )
    if rate != rate.quantize(Decimal("0.0001")):
        raise RateRefused(f"taux {rate} : quatre décimales au plus.")
    if len(source.strip()) < 8:
        raise RateRefused(
            "la source est obligatoire : la publication officielle (arrêté et JO, avis du "
            "Moniteur belge, communiqué de la BCE, avis de la Bundesbank…)."
        )


def _check_place(table: str, row: RateRow, replace: bool) -> None:
    current = merged.rate_tables().table(table)
    if row.start > current.last_day + timedelta(days=1):
        raise RateRefused(
            f"la table {table} s'arrête le {current.last_day:%d/%m/%Y} : le nouveau taux doit "
            f"commencer au plus tard le {current.last_day + timedelta(days=1):%d/%m/%Y} "
            "(une table n'a jamais de trou)."
        )
    if row.end < current.first_day - timedelta(days=1):
        raise RateRefused(
            f"la table {table} commence le {current.first_day:%d/%m/%Y} : le nouveau taux doit "
            "la toucher (une table n'a jamais de trou)."
        )
    overlapped = [r for r in current.rows if r.start <= row.end and r.end >= row.start]
    if overlapped and not replace:
        raise RateRefused(
            f"la table {table} a déjà un taux du {overlapped[0].start:%d/%m/%Y} au "
            f"{overlapped[-1].end:%d/%m/%Y} ({overlapped[0].rate} %) : ajoutez --replace pour "
            "le remplacer par la valeur publiée."
        )
    for shipped in load_rate_tables().table(table).rows:
        if shipped.verified and shipped.start <= row.end and shipped.end >= row.start:
            raise RateRefused(
                f"le taux livré du {shipped.start:%d/%m/%Y} au {shipped.end:%d/%m/%Y} "
                f"({shipped.rate} %) est vérifié et sourcé ({shipped.source}) : il ne se remplace "
                "pas par installation. Seuls les taux non vérifiés (supposés) se remplacent."
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
