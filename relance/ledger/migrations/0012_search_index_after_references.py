"""SQLite rebuilds the invoice table to add the reference columns, and its triggers go with
it: the search indexes are installed again (and refilled) once the table has its new shape."""

from typing import Any

from django.db import migrations

from relance.ledger.search_index import search_index_install


def install(apps: Any, schema_editor: Any) -> None:
    search_index_install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0011_invoice_contract_reference_invoice_order_reference_and_more")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
