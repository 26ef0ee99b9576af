"""The ``relance`` command: a thin layer over Django's management commands.

``relance import ...`` runs the ``import_data`` command (``import`` is a Python keyword);
everything else is passed on as it is, so ``relance migrate`` or ``relance runserver`` work.

Messages are French unless ``relance --language en ...`` or the ``LANGUAGE`` environment
variable (``en``, ``en_GB:en``: the GNU convention) asks for another language relance speaks.
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
    from django.utils.translation import gettext, ngettext

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return gettext("la base de données est injoignable (%(error)s). Vérifiez DATABASE_URL.") % {
            "error": exc
        }
    if not pending:
        return None
    if not executor.loader.applied_migrations:
        return gettext("la base de données n'est pas initialisée. Lancez : relance migrate")
    return ngettext(
        "%(count)s migration(s) en attente. Lancez : relance migrate",
        "%(count)s migration(s) en attente. Lancez : relance migrate",
        len(pending),
    ) % {"count": len(pending)}


def cli_language(args: list[str], environ: dict[str, str]) -> tuple[str, list[str]]:
    """The language asked for (``--language xx`` before the command, else the first of
    ``LANGUAGE``; "" for none) and the arguments without the option."""
    if args[:1] == ["--language"] and len(args) > 1:
        return args[1], args[2:]
    if args[:1] and args[0].startswith("--language="):
        return args[0].partition("=")[2], args[1:]
    first = environ.get("LANGUAGE", "").split(":")[0]
    return first.split("_")[0].split(".")[0], args


def command_line(args: list[str]) -> list[str]:
    """The arguments with Django's name for the command, also after ``help``
    (``relance help import`` describes ``import_data``)."""
    command = args[0] if args else "help"
    if command == "help":
        return [command, *(ALIASES.get(arg, arg) for arg in args[1:2]), *args[2:]]
    return [ALIASES.get(command, command), *args[1:]]


def _activate(language: str) -> None:
    """Speak ``language`` when relance has a catalogue for it; French otherwise."""
    from django.conf import settings
    from django.utils import translation

    code = language.lower()
    if code in dict(settings.LANGUAGES):
        translation.activate(code)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    language, args = cli_language(list(sys.argv[1:] if argv is None else argv), dict(os.environ))
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"relance: configuration invalide : {exc}\n")
        return 2
    _activate(language)
    from django.core.management import execute_from_command_line

    command = args[0] if args else "help"
    if command not in NO_DATABASE_NEEDED:
        problem = database_problem()
        if problem:
            sys.stderr.write(f"relance: {problem}\n")
            return 2
    try:
        execute_from_command_line(["relance", *command_line(args)])
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
