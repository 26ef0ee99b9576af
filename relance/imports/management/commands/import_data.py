"""relance import customers|invoices|payments PATH [--org SLUG] [--dry-run] [--json]
[--map CHAMP=EN-TÊTE] [--encoding ENCODAGE]; relance import bank-statement PATH [--org SLUG]
[--dry-run] [--json]; relance import invoice-pdfs ZIP-OU-DOSSIER [--org SLUG] [--dry-run]
[--json]"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.audit import Actor
from relance.imports.limits import import_limits
from relance.imports.management.commands._bank_statement import BANK_STATEMENT, import_statement
from relance.imports.management.commands._invoice_pdfs import INVOICE_PDFS, import_invoice_pdfs
from relance.imports.models import ImportKind
from relance.imports.parsers.encoding import ENCODINGS
from relance.imports.parsers.limits import MB
from relance.imports.services import ImportReport, import_file
from relance.lib.cli import TranslatedCommand
from relance.lib.progress import TerminalProgress
from relance.lib.text import translated


def parse_mapping(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise CommandError(_("--map attend CHAMP=EN-TÊTE, pas « %(item)s ».") % {"item": item})
        mapping[field.strip()] = header.strip()
    return mapping


class Command(TranslatedCommand):
    help = gettext_noop(
        "Importer un fichier de clients, de factures ou de paiements (CSV ou XLSX), ou un "
        "relevé bancaire (camt, CFONB 120, CODA, MT940, OFX, QIF), ou les PDF des factures (une "
        "archive ZIP ou un dossier)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        others = (ImportKind.BANK_STATEMENT, ImportKind.INVOICE_PDFS)
        tables = [kind for kind in ImportKind.values if kind not in others]
        parser.add_argument("kind", choices=[*tables, BANK_STATEMENT, INVOICE_PDFS])
        parser.add_argument("path")
        parser.add_argument("--org", default=None, help=_("organisation (slug)"))
        parser.add_argument("--dry-run", action="store_true", help=_("vérifier sans rien écrire"))
        parser.add_argument("--json", action="store_true", help=_("résultat en JSON"))
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar=_("CHAMP=EN-TÊTE"),
            help=_("associer une colonne du fichier à un champ (répétable), ex. number=Pièce"),
        )
        parser.add_argument(
            "--encoding",
            choices=list(ENCODINGS),
            default="",
            help=_(
                "encodage d'un fichier CSV, quand la détection (UTF-8, sinon Windows-1252) "
                "ne convient pas"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        if options["kind"] == INVOICE_PDFS:  # a ZIP or a folder, capped by its own limits
            import_invoice_pdfs(self.stdout, organisation, path, options)
            return
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        kind = ImportKind.BANK_STATEMENT if options["kind"] == BANK_STATEMENT else options["kind"]
        most = import_limits(kind).file_bytes
        if path.stat().st_size > most:  # refused before being read into memory
            raise CommandError(
                _(
                    "Fichier trop volumineux (%(size)s Mo) : %(most)s Mo au plus "
                    "(RELANCE_IMPORT_FILE_MAX_MB). Découpez-le en plusieurs fichiers."
                )
                % {"size": path.stat().st_size // MB, "most": most // MB}
            )
        if kind == ImportKind.BANK_STATEMENT:
            import_statement(self.stdout, organisation, path, options)
            return
        progress = TerminalProgress(enabled=sys.stderr.isatty() and not options["json"])
        try:
            report = import_file(
                organisation=organisation,
                kind=options["kind"],
                data=path.read_bytes(),
                filename=path.name,
                actor=Actor.system("cli"),
                dry_run=options["dry_run"],
                mapping=parse_mapping(options["map"]),
                progress=progress,
                encoding=options["encoding"],
            )
        except KeyboardInterrupt:
            progress.close()
            self.stderr.write(_("Import interrompu : rien n'a été écrit."))
            raise SystemExit(130) from None
        finally:
            progress.close()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self._summary(report, options["dry_run"])
        if report.rejected:
            raise SystemExit(1)

    def _summary(self, report: ImportReport, dry_run: bool) -> None:
        if report.rejected:
            self.stdout.write(
                _("Fichier rejeté : %(n)s erreur(s), rien n'a été importé.")
                % {"n": report.error_count}
            )
            for error in report.rejected:
                where = _("ligne %(line)s") % {"line": error.line} if error.line else _("fichier")
                if error.column:
                    where = _("%(where)s, colonne « %(column)s »") % {
                        "where": where,
                        "column": error.column,
                    }
                self.stdout.write(f"  {where} : {translated(error.reason)}")
            if report.more:
                self.stdout.write(
                    "  "
                    + _("… et %(n)s autre(s) : corrigez celles-ci, puis importez à nouveau.")
                    % {"n": report.more}
                )
            return
        read_as = (
            _("%(encoding)s, séparateur %(delimiter)s")
            % {"encoding": report.encoding, "delimiter": repr(report.delimiter)}
            if report.delimiter
            else report.encoding
        )
        counts = ngettext(
            "%(rows)s ligne(s) lues (%(read_as)s) : %(created)s créée(s), %(updated)s "
            "modifiée(s), %(unchanged)s inchangée(s).",
            "%(rows)s ligne(s) lues (%(read_as)s) : %(created)s créée(s), %(updated)s "
            "modifiée(s), %(unchanged)s inchangée(s).",
            report.rows,
        ) % {
            "rows": report.rows,
            "read_as": read_as,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        self.stdout.write(
            _("Simulation : %(summary)s") % {"summary": counts} if dry_run else counts
        )
        if not dry_run and not report.created and not report.updated:
            self.stdout.write(_("Rien de nouveau : la base n'a pas été modifiée."))
