"""The rate tables every computation uses: the shipped ones with this installation's rows.

``rate_tables()`` is what callers outside ``relance.core`` pass to ``compute_penalties``.
The merged tables are kept per process and rebuilt when the added rows change; one small
query per call tells (count, highest id, latest time: rows are never edited), so a rate added by
another process or worker is used by the next computation.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from django.db.models import Count, Max

from relance.core.rates import RateRow, RateTables, load_rate_tables, overlay
from relance.rates.models import AddedRate

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[object, ...], RateTables]] = {}


def added_rows() -> dict[str, list[RateRow]]:
    """This installation's rows per table, oldest first."""
    rows: dict[str, list[RateRow]] = defaultdict(list)
    for added in AddedRate.objects.order_by("id"):
        rows[added.table].append(as_row(added))
    return rows


def as_row(added: AddedRate) -> RateRow:
    return RateRow(
        start=added.start,
        end=added.end,
        rate=added.rate.normalize(),
        source=added.source,
        verified=added.verified,
        note=added.note,
    )


def merge(shipped: RateTables, rows: dict[str, list[RateRow]]) -> RateTables:
    merged = shipped
    for name, table_rows in rows.items():
        merged = merged.with_table(overlay(merged.table(name), table_rows))
    return merged


def rate_tables() -> RateTables:
    """The shipped tables merged with the rates added to this installation."""
    found = AddedRate.objects.aggregate(count=Count("id"), last=Max("id"), at=Max("added_at"))
    version = (found["count"], found["last"], found["at"])
    with _lock:
        cached = _cache.get("tables")
        if cached is not None and cached[0] == version:
            return cached[1]
    tables = merge(load_rate_tables(), added_rows()) if found["count"] else load_rate_tables()
    with _lock:
        _cache["tables"] = (version, tables)
    return tables


def forget() -> None:
    """Drop the merged tables (after a rate is added in this process)."""
    with _lock:
        _cache.clear()
