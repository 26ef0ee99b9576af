"""Set-based writes for large batches, without building a model instance per row.

Django's ``bulk_create`` builds Python objects and one large statement per batch; for the
million-row imports relance must handle, a prepared ``executemany`` over plain tuples is
several times faster on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models

CHUNK = 20_000


def chunks(rows: Iterable[Sequence[Any]], size: int = CHUNK) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def column_names(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    meta = model._meta
    columns = []
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, models.Field), f"{name} is not a concrete field"
        columns.append(field.column)
    return columns


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """INSERT rows (tuples in the order of ``fields``, by attribute name); returns the count."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in column_names(model, fields))
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    count = 0
    with connection.cursor() as cursor:
        for chunk in chunks(rows):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """UPDATE by primary key: each row is (value of each field..., pk)."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in column_names(model, fields))
    pk_column = quote(model._meta.pk.column)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {pk_column} = %s"
    count = 0
    with connection.cursor() as cursor:
        for chunk in chunks(rows):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def delete_where(model: type[models.Model], field: str, values: Sequence[Any]) -> int:
    """DELETE rows whose ``field`` is one of ``values``, in chunks, with no cascade in Python.

    The caller deletes dependent rows first: the database's foreign keys refuse orphans.
    """
    count = 0
    manager = model._default_manager
    for start in range(0, len(values), 500):
        query = manager.filter(**{f"{field}__in": values[start : start + 500]})
        count += query._raw_delete(manager.db)
    return count


def new_uuid() -> Any:
    """A fresh UUID in the form the database stores (32 hex chars on SQLite)."""
    value = uuid.uuid4()
    return value if connection.features.has_native_uuid_field else value.hex


def now_for_db() -> Any:
    from django.utils import timezone

    return connection.ops.adapt_datetimefield_value(timezone.now())
