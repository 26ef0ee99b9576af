from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from relance.ledger.search_index import search_index_install


class Command(BaseCommand):
    help = (
        "Reconstruire les index de recherche (après l'installation des extensions PostgreSQL "
        "pg_trgm et unaccent, ou pour réparer un index SQLite)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            search_index_install(connection)
        self.stdout.write(
            f"Index de recherche reconstruits en {time.perf_counter() - started:.1f} s."
        )
