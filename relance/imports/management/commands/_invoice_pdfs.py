"""``relance import invoice-pdfs PATH``: the PDFs of a ZIP archive or of a folder attached to
their invoices, then what became of each file, as JSON or in words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, OutputWrapper
from django.utils.translation import gettext, ngettext

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.imports.invoice_pdfs import (
    PdfImportReport,
    PdfNote,
    bundle_limits,
    invoice_pdfs_import,
    invoice_pdfs_import_zip,
)
from relance.imports.parsers.pdf_bundle import MB, BundleEntry, BundleLimits
from relance.lib.text import translated

INVOICE_PDFS = "invoice-pdfs"


def folder_entries(folder: Path, limits: BundleLimits) -> list[BundleEntry]:
    """The files of the folder and its subfolders, links left aside (they may point
    anywhere), within the same limits as an archive."""
    files = sorted(path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
    if len(files) > limits.files:
        raise CommandError(
            gettext("%(count)s fichiers dans le dossier : %(most)s au plus "
                    "(RELANCE_IMPORT_PDF_MAX_FILES).") % {"count": len(files), "most": limits.files}
        )  # fmt: skip
    total = sum(path.stat().st_size for path in files)
    if total > limits.total_bytes:
        raise CommandError(
            gettext("Le dossier pèse %(size)s Mo : %(most)s Mo au plus "
                    "(RELANCE_IMPORT_PDF_MAX_MB).")
            % {"size": total // MB, "most": limits.total_bytes // MB}
        )  # fmt: skip
    return [BundleEntry(name=str(path.relative_to(folder)), size=path.stat().st_size,
                        read=path.read_bytes) for path in files]  # fmt: skip


def import_invoice_pdfs(
    out: OutputWrapper, organisation: Organisation, path: Path, options: dict[str, Any]
) -> None:
    actor, dry_run = Actor.system("cli"), options["dry_run"]
    if path.is_dir():
        entries = folder_entries(path, bundle_limits())
        report = invoice_pdfs_import(organisation=organisation, entries=entries,
                                     filename=path.name, actor=actor, dry_run=dry_run)  # fmt: skip
    elif path.is_file():
        with path.open("rb") as handle:
            report = invoice_pdfs_import_zip(
                organisation=organisation, handle=handle, filename=path.name, actor=actor,
                dry_run=dry_run,
            )  # fmt: skip
    else:
        raise CommandError(gettext("Fichier ou dossier introuvable : %(path)s") % {"path": path})
    if options["json"]:
        out.write(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        summary(out, report, dry_run=dry_run)
    if report.refused:
        raise SystemExit(1)


def summary(out: OutputWrapper, report: PdfImportReport, *, dry_run: bool) -> None:
    if report.refused:
        out.write(f"{report.refused}\n" + gettext("Rien n'a été importé."))
        return
    counts = ngettext(
        "%(files)s fichier(s) lus : %(attached)s PDF rattaché(s), %(replaced)s remplacé(s), "
        "%(unchanged)s inchangé(s), %(problems)s non rattaché(s).",
        "%(files)s fichier(s) lus : %(attached)s PDF rattaché(s), %(replaced)s remplacé(s), "
        "%(unchanged)s inchangé(s), %(problems)s non rattaché(s).",
        report.files,
    ) % {
        "files": report.files,
        "attached": report.attached,
        "replaced": report.replaced,
        "unchanged": report.unchanged,
        "problems": len(report.problems),
    }
    out.write(gettext("Simulation : %(summary)s") % {"summary": counts} if dry_run else counts)
    for note in report.problems:
        out.write("  " + gettext("non rattaché — %(file)s : %(reason)s") % worded(note))
    for note in report.warnings:
        out.write("  " + gettext("attention — %(file)s : %(reason)s") % worded(note))


def worded(note: PdfNote) -> dict[str, str]:
    return {"file": note.name, "reason": translated(note.text)}
