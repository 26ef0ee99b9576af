"""The indexes behind the search box, kept by the database itself on every write.

Nothing in Python has to remember to refresh them: imports write with plain bulk SQL
(``relance.lib.bulk``), and a row inserted, updated or deleted by any statement is indexed
in the same transaction. On SQLite an import inserting a million rows indexes them at the
end in one statement per table instead (``search_index_deferred``): indexing row by row
through the triggers would make it half as slow again.

* SQLite: FTS5 tables kept by triggers. Customers and contacts by word (``unicode61``, accents
  removed by the tokenizer on both sides); invoice numbers by any three characters in a row
  (``trigram``), written without separators. A contact's phone is indexed with the endings
  of its E.164 digits, so that a number typed the national way (without the country code)
  is found by prefix.
* PostgreSQL: trigram GIN indexes (``pg_trgm``) on the same texts, accents removed by
  ``relance_search_fold`` (``unaccent``). Without either extension the search still works,
  by reading the tables, and the migration says what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from relance.core.search_text import NUMBER_SEPARATORS

logger = logging.getLogger(__name__)

CUSTOMERS = "ledger_customer_search"
CONTACTS = "ledger_contact_search"
INVOICES = "ledger_invoice_search"
FOLD = "relance_search_fold"
# While this table holds a row, the insert triggers stand aside (SQLite): only an import,
# inside its transaction, which holds the only write lock, fills it and empties it.
DEFERRED = "ledger_search_deferred"


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sqlite_compact(column: str) -> str:
    """SQL (SQLite) of ``column`` without the separators of invoice numbers."""
    expression = column
    for separator in NUMBER_SEPARATORS:
        expression = f"replace({expression}, {_sql_text(separator)}, '')"
    return expression


def postgresql_compact(column: str) -> str:
    return f"upper(translate({column}, {_sql_text(NUMBER_SEPARATORS)}, ''))"


def _sqlite_phone(column: str) -> str:
    """The E.164 digits and their endings: ``+32470123456`` gives ``32470123456
    2470123456 470123456 70123456``: the country code is one to three digits."""
    digits = f"substr({column}, 2)"
    endings = [digits, *(f"substr({digits}, {start})" for start in (2, 3, 4))]
    return " || ' ' || ".join(endings)


def _sqlite_triggers(table: str, index: str, values: dict[str, str], sources: str) -> list[str]:
    """Insert, delete and update triggers writing ``values`` (SQL over ``{row}``, by column of
    the FTS table ``index``) for each row of ``table``; ``sources`` are the columns of
    ``table`` they are made of (an update leaving them alone costs nothing)."""
    names = ", ".join(values)

    def row(prefix: str) -> str:
        return ", ".join(value.replace("{row}", prefix) for value in values.values())

    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in sources.split())
    delete = (f"INSERT INTO {index}({index}, rowid, {names}) "
              f"VALUES ('delete', old.id, {row('old')});")  # fmt: skip
    insert = f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {row('new')});"
    # While an import defers indexing, what it inserts is indexed at its end, as it is
    # then: rows it inserted are neither indexed nor taken out of the index before.
    deferring = f"EXISTS (SELECT 1 FROM {DEFERRED} WHERE name = '{index}')"
    deferred = f"EXISTS (SELECT 1 FROM {DEFERRED} WHERE name = '{index}' AND old.id > since)"
    return [
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} WHEN NOT {deferring} "
        f"BEGIN {insert} END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} WHEN NOT {deferred} "
        f"BEGIN {delete} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE ON {table} WHEN ({changed}) "
        f"AND NOT {deferred} BEGIN {delete} {insert} END",
    ]


def _sqlite_values() -> dict[str, tuple[str, str, dict[str, str]]]:
    """Index -> (table, columns it is made of, SQL of each indexed value over ``{row}``)."""
    return {
        CUSTOMERS: ("ledger_customer", "name external_ref",
                    {"name": "{row}.name", "external_ref": "{row}.external_ref"}),
        CONTACTS: ("ledger_contact", "name email phone",
                   {"name": "{row}.name", "email": "{row}.email",
                    "phone": _sqlite_phone("{row}.phone")}),
        INVOICES: ("ledger_invoice", "number", {"number": sqlite_compact("{row}.number")}),
    }  # fmt: skip


def _sqlite_statements() -> list[str]:
    values = _sqlite_values()
    customer_values, contact_values, invoice_values = (
        values[index][2] for index in (CUSTOMERS, CONTACTS, INVOICES)
    )
    words = "tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3'"
    return [
        f"CREATE TABLE {DEFERRED} (name TEXT NOT NULL, since INTEGER NOT NULL)",
        # The customer's own columns: the index keeps no copy of them.
        f"CREATE VIRTUAL TABLE {CUSTOMERS} USING fts5(name, external_ref, "
        f"content='ledger_customer', content_rowid='id', {words})",
        *_sqlite_triggers("ledger_customer", CUSTOMERS, customer_values, "name external_ref"),
        f"INSERT INTO {CUSTOMERS}({CUSTOMERS}) VALUES ('rebuild')",
        # Contentless: the phone endings and compact numbers exist only in the index.
        f"CREATE VIRTUAL TABLE {CONTACTS} USING fts5(name, email, phone, content='', {words})",
        *_sqlite_triggers("ledger_contact", CONTACTS, contact_values, "name email phone"),
        f"INSERT INTO {CONTACTS}(rowid, name, email, phone) SELECT id, name, email, "
        f"{_sqlite_phone('phone')} FROM ledger_contact",
        f"CREATE VIRTUAL TABLE {INVOICES} USING fts5(number, content='', tokenize='trigram')",
        *_sqlite_triggers("ledger_invoice", INVOICES, invoice_values, "number"),
        f"INSERT INTO {INVOICES}(rowid, number) SELECT id, {sqlite_compact('number')} "
        "FROM ledger_invoice",
    ]


def _sqlite_drop() -> list[str]:
    statements = []
    for index in (CUSTOMERS, CONTACTS, INVOICES):
        statements += [f"DROP TRIGGER IF EXISTS {index}_{event}"
                       for event in ("insert", "delete", "update")]  # fmt: skip
        statements.append(f"DROP TABLE IF EXISTS {index}")
    statements.append(f"DROP TABLE IF EXISTS {DEFERRED}")
    return statements


@contextmanager
def search_index_deferred(connection: Any) -> Iterator[None]:
    """Inside a transaction writing many rows (an import): on SQLite, the rows inserted are
    indexed when the block ends, one statement per index, instead of one trigger call each.
    Updates and deletes are indexed as they happen. A block that fails leaves the
    transaction to be rolled back, flag and all."""
    if connection.vendor != "sqlite":
        yield
        return
    tables = _sqlite_values()
    with connection.cursor() as cursor:
        last: dict[str, int] = {}
        for index, (table, _, _) in tables.items():
            # Ids only grow (AUTOINCREMENT): what the block inserts lies above this.
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            last[index] = int(cursor.fetchone()[0])
            cursor.execute(f"INSERT INTO {DEFERRED} (name, since) VALUES (%s, %s)",
                           [index, last[index]])  # fmt: skip
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DEFERRED}")
        for index, (table, _, values) in tables.items():
            names = ", ".join(values)
            row = ", ".join(value.replace("{row}", table) for value in values.values())
            cursor.execute(f"INSERT INTO {index}(rowid, {names}) SELECT {table}.id, {row} "
                           f"FROM {table} WHERE {table}.id > %s", [last[index]])  # fmt: skip


def _postgresql_extension(cursor: Any, name: str) -> str | None:
    """The schema holding extension ``name``, created if need be; None when unavailable."""
    cursor.execute("SAVEPOINT relance_search_extension")
    try:
        cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")
    except Exception as exc:  # not installed on the server, or not allowed to this user
        cursor.execute("ROLLBACK TO SAVEPOINT relance_search_extension")
        logger.warning(
            "PostgreSQL extension %s unavailable (%s): the search works without it, more "
            "slowly%s. Ask the database administrator to run CREATE EXTENSION %s, then "
            "`relance search_index`.",
            name, str(exc).strip().splitlines()[0],
            ", and accents count" if name == "unaccent" else "", name,
        )  # fmt: skip
        return None
    cursor.execute("RELEASE SAVEPOINT relance_search_extension")
    cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = %s",
                   [name])  # fmt: skip
    return str(cursor.fetchone()[0])


def _postgresql_install(cursor: Any) -> None:
    # Foreign keys checked at commit would otherwise forbid creating an index on a table
    # written earlier in the same transaction.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    unaccent = _postgresql_extension(cursor, "unaccent")
    trigram = _postgresql_extension(cursor, "pg_trgm")
    body = (f"lower({unaccent}.unaccent('{unaccent}.unaccent'::regdictionary, $1))"
            if unaccent else "lower($1)")  # fmt: skip
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {FOLD}(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT {body} $$"
    )
    _postgresql_drop_indexes(cursor)
    if trigram is None:
        return
    ops = f"{trigram}.gin_trgm_ops"
    for name, table, expression in postgresql_indexes():
        cursor.execute(f"CREATE INDEX {name} ON {table} USING gin (({expression}) {ops})")


def postgresql_indexes() -> list[tuple[str, str, str]]:
    """(index, table, indexed expression): the searches write the same expressions."""
    return [
        (CUSTOMERS, "ledger_customer", f"{FOLD}(name || ' ' || external_ref)"),
        (CONTACTS, "ledger_contact", f"{FOLD}(name || ' ' || email || ' ' || phone)"),
        (INVOICES, "ledger_invoice", postgresql_compact("number")),
    ]


def _postgresql_drop_indexes(cursor: Any) -> None:
    for name in (CUSTOMERS, CONTACTS, INVOICES):
        cursor.execute(f"DROP INDEX IF EXISTS {name}")


def search_index_install(connection: Any) -> None:
    """Create the indexes (and fill them from what the tables hold)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in _sqlite_drop() + _sqlite_statements():
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            _postgresql_install(cursor)


def search_index_remove(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in _sqlite_drop():
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            _postgresql_drop_indexes(cursor)
            cursor.execute(f"DROP FUNCTION IF EXISTS {FOLD}(text)")
