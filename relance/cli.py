"""The ``relance`` command: a thin layer over Django's management commands.

``relance import ...`` runs the ``import_data`` command (``import`` is a Python keyword);
everything else is passed on as it is, so ``relance migrate`` or ``relance runserver`` work.
"""

from __future__ import annotations

import os
import sys

# Commands that may run on a database that is not (fully) migrated yet.
NO_DATABASE_NEEDED = {
    "migrate",
    "demo",
    "help",
    "--help",
    "-h",
    "version",
    "--version",
    "check",
    "makemigrations",
    "showmigrations",
    "collectstatic",
    "shell",
    "dbshell",
    "sqlmigrate",
    "penalties",  # a calculation: no database needed
}
ALIASES = {
    "import": "import_data",
    "run-day": "run_day",
    "send-outbox": "send_outbox",
    "send-sms": "send_sms",
    "sending-domain": "sending_domain",
}


def database_problem() -> str | None:
    """Why the database cannot be used yet, or None when it is ready."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return f"la base de données est injoignable ({exc}). Vérifiez DATABASE_URL."
    if not pending:
        return None
    if not executor.loader.applied_migrations:
        return "la base de données n'est pas initialisée. Lancez : relance migrate"
    return f"{len(pending)} migration(s) en attente. Lancez : relance migrate"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"relance: configuration invalide : {exc}\n")
        return 2
    from django.core.management import execute_from_command_line

    command = args[0] if args else "help"
    if command not in NO_DATABASE_NEEDED:
        problem = database_problem()
        if problem:
            sys.stderr.write(f"relance: {problem}\n")
            return 2
    try:
        execute_from_command_line(["relance", ALIASES.get(command, command), *args[1:]])
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
