"""Set-based writes for large batches, without building a model instance per row.

Django's ``bulk_create`` builds Python objects and one large statement per batch; for the
million-row imports relance must handle, a prepared ``executemany`` over plain tuples is
several times faster on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from itertools import islice
from typing import Any, TypeVar

from django.db import connection, models

CHUNK = 20_000
T = TypeVar("T")


@contextmanager
def large_cache(megabytes: int = 1024) -> Iterator[None]:
    """Give SQLite's page cache room for a big write, then shrink it back.

    A million-row import touches indexes far larger than the default cache; with room to keep
    them in memory it runs about 10 % faster. Memory is only taken as pages are read.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size=-{megabytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={int(previous)}")


def chunks(rows: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
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


def quoted_names(model: type[models.Model], *fields: str) -> tuple[str, ...]:
    """The model's table, then each field's column, quoted for the database: for statements
    written once and run many times (the ORM builds its statement anew at every call, at
    several times the cost of running it)."""
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), *(quote(c) for c in column_names(model, fields))


def db_values(model: type[models.Model], values: dict[str, Any]) -> list[Any]:
    """Field values as the database takes them (dates, times, decimals...), by field name."""
    meta = model._meta
    prepared = []
    for name, value in values.items():
        field = meta.get_field(name)
        assert isinstance(field, models.Field), f"{name} is not a concrete field"
        prepared.append(field.get_db_prep_save(value, connection=connection))
    return prepared


def upsert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    unique: str,
    update: Sequence[str],
) -> None:
    """INSERT rows (values as the database takes them, in the order of ``fields``), or where a
    row with the same ``unique`` value exists, set its ``update`` fields (one statement on
    SQLite and PostgreSQL alike: ``ON CONFLICT ... DO UPDATE``). The model's other fields take
    their default in a new row."""
    sql, defaults = _upsert_statement(model, tuple(fields), unique, tuple(update))
    with connection.cursor() as cursor:
        for chunk in chunks(rows):
            cursor.executemany(sql, [[*row, *defaults] for row in chunk])


@cache
def _upsert_statement(
    model: type[models.Model], fields: tuple[str, ...], unique: str, update: tuple[str, ...]
) -> tuple[str, list[Any]]:
    others = [f for f in model._meta.concrete_fields
              if f.name not in fields and not f.primary_key]  # fmt: skip
    defaults = [f.get_db_prep_save(f.get_default(), connection=connection) for f in others]
    table, *columns = quoted_names(model, *fields, *(f.name for f in others))
    (key,) = quoted_names(model, unique)[1:]
    changes = ", ".join(f"{c} = excluded.{c}" for c in quoted_names(model, *update)[1:])
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "
           f"ON CONFLICT ({key}) DO UPDATE SET {changes}")  # fmt: skip
    return sql, defaults


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


def insert_objects(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT unsaved instances of ``model``, which get their primary key, as ``bulk_create``
    does, at a fraction of its cost: each field's conversion for the database is chosen once,
    not worked out again for every value of every row."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    convert = [(field, _to_database(field)) for field in fields]
    for instance, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = connection.alias
    insert_rows(
        model,
        [model._meta.pk.attname, *(f.attname for f in fields)],
        (
            [instance.pk, *(to_db(f.pre_save(instance, True)) for f, to_db in convert)]
            for instance in objects
        ),
    )  # fmt: skip


def _to_database(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: None if value is None else json.dumps(value, cls=encoder)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
    if isinstance(field, plain) or (isinstance(field, models.ForeignKey) and
                                    isinstance(field.target_field, models.AutoField)):  # fmt: skip
        return lambda value: value
    return lambda value: field.get_db_prep_save(value, connection=connection)


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


def reserve_ids(model: type[models.Model], count: int) -> Sequence[int]:
    """Primary keys for ``count`` rows the caller is about to insert in this transaction.

    Knowing the keys up front saves reading back every inserted row to link its children.
    """
    assert connection.in_atomic_block, "ids are reserved for the current transaction only"
    if count == 0:
        return []
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: transactions start IMMEDIATE, so this one holds the only write lock and no
        # one else can take these numbers. AUTOINCREMENT never reuses a number, even a
        # deleted row's, hence sqlite_sequence.
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX({quote(pk)}) FROM {quote(table)}), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        start = int(cursor.fetchone()[0]) + 1
    return range(start, start + count)


def uuid_factory() -> Callable[[], Any]:
    """A function returning fresh UUIDs, in the form the database stores, for one batch.

    They are version 7 (RFC 9562): the time in milliseconds, then a counter that starts at a
    random value. Consecutive UUIDs of a batch therefore sort together, and a million of them
    land at the end of the unique index instead of on a million random pages of it.
    """
    native = connection.features.has_native_uuid_field
    millis = time.time_ns() // 1_000_000
    counter = int.from_bytes(os.urandom(8), "big") >> 2  # 62 bits, room to count up

    def next_uuid() -> Any:
        nonlocal counter
        counter += 1
        value = (millis << 80) | (0x7 << 76) | (0b10 << 62) | (counter & ((1 << 62) - 1))
        value |= (counter >> 62 & 0xFFF) << 64
        return uuid.UUID(int=value) if native else f"{value:032x}"

    return next_uuid


def now_for_db() -> Any:
    from django.utils import timezone

    return connection.ops.adapt_datetimefield_value(timezone.now())
