"""Fill the payments per day of the reminded items and each instalment's first reminder done
for the reminders already done: a few set-based statements (INSERT ... SELECT, UPDATE with
correlated subqueries), on SQLite and PostgreSQL alike."""

from typing import Any

from django.db import migrations

from relance.dunning.reminder_facts import reminder_facts_rebuild


def fill(apps: Any, schema_editor: Any) -> None:
    reminder_facts_rebuild()


class Migration(migrations.Migration):
    dependencies = [("dunning", "0010_reminder_facts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
