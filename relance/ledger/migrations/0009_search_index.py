"""Indexes for the search box: FTS5 tables and triggers on SQLite, trigram indexes on
PostgreSQL (see relance.ledger.search_index). Other databases get none."""

from typing import Any

from django.db import migrations

from relance.ledger.search_index import search_index_install, search_index_remove


def install(apps: Any, schema_editor: Any) -> None:
    search_index_install(schema_editor.connection)


def remove(apps: Any, schema_editor: Any) -> None:
    search_index_remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_contact_bounce")]

    operations = [migrations.RunPython(install, remove)]
