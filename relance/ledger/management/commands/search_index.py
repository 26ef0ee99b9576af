from __future__ import annotations

import time
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.ledger.search_index import search_index_install
from relance.lib.cli import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop(
        "Reconstruire les index de recherche (après l'installation des extensions PostgreSQL "
        "pg_trgm et unaccent, ou pour réparer un index SQLite)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            search_index_install(connection)
        self.stdout.write(
            _("Index de recherche reconstruits en %(seconds)s s.")
            % {"seconds": f"{time.perf_counter() - started:.1f}"}
        )
