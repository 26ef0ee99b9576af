"""Attaching invoice PDFs in bulk: a ZIP (or a folder) of PDFs, each matched to its invoice.

A PDF is matched first on the invoice number of the Factur-X / ZUGFeRD invoice it embeds,
then on its file name (``relance.imports.parsers.pdf_names``). The ledger's numbers are read
once, as a stream, whatever the number of files. A file matched to no invoice, to several, or
an invoice given two different files, is reported with its name and why, and not attached;
the others are. An embedded invoice that disagrees with the ledger (amount, due date,
currency) is attached with a warning: the ledger is the reference and is never changed here.

Files are read twice (to match, then to store) rather than held in memory. Writing is one
transaction: the PDFs are put in storage only for matched invoices, and removed again if
the transaction fails. A PDF replaced stays in storage: a message already sent, or waiting in the
outbox, names it as its attachment. The same archive imported again changes nothing (a
stored PDF is named after its content).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation
from relance.core.text import Text, gettext_noop, joined, sentence
from relance.imports.models import BatchStatus, ImportBatch, ImportKind
from relance.imports.parsers.facturx import EmbeddedInvoice, embedded_invoice
from relance.imports.parsers.limits import MB
from relance.imports.parsers.pdf_bundle import BundleEntry, BundleLimits, is_pdf, zip_entries
from relance.imports.parsers.pdf_names import Matches, match_numbers, number_key
from relance.imports.parsers.rows import FileFormatError
from relance.ledger.models import Instalment, Invoice
from relance.lib.bulk import CHUNK
from relance.lib.text import translated

NOT_PDF = sentence(gettext_noop("le contenu n'est pas un PDF (il ne commence pas par « %%PDF- »)"))
CREDIT_NOTE_TYPES = ("381", "261", "262", "396", "532")


def bundle_limits() -> BundleLimits:
    return BundleLimits(files=int(settings.RELANCE_IMPORT_PDF_MAX_FILES),
                        total_bytes=int(settings.RELANCE_IMPORT_PDF_MAX_MB) * MB)  # fmt: skip


@dataclass(frozen=True)
class PdfNote:
    """A file and what happened to it, in words for the person who imported it."""

    name: str
    text: Text  # worded in the reader's language where it is shown

    @property
    def reason(self) -> str:
        """In French: the words kept with the import and given by ``--json``."""
        return str(self.text)

    def as_dict(self) -> dict[str, str]:
        return {"file": self.name, "reason": self.reason}


@dataclass
class PdfImportReport:
    filename: str
    files: int = 0
    attached: int = 0  # invoices that had no PDF
    replaced: int = 0  # invoices whose PDF changed
    unchanged: int = 0  # the same PDF was already there
    problems: list[PdfNote] = field(default_factory=list)  # files not attached
    warnings: list[PdfNote] = field(default_factory=list)  # attached, but see why
    refused: str = ""  # the whole archive was refused: nothing was read further
    status: str = BatchStatus.REJECTED
    batch_uuid: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status, "files": self.files, "attached": self.attached,
            "replaced": self.replaced, "unchanged": self.unchanged, "refused": self.refused,
            "problems": [note.as_dict() for note in self.problems],
            "warnings": [note.as_dict() for note in self.warnings],
        }  # fmt: skip


@dataclass
class _Scanned:
    entry: BundleEntry
    sha256: str
    embedded: EmbeddedInvoice | None
    invoice_id: int | None = None


def invoice_pdfs_import_zip(
    *, organisation: Organisation, handle: IO[bytes], filename: str, actor: Actor,
    dry_run: bool = False,
) -> PdfImportReport:  # fmt: skip
    """Import the PDFs of a ZIP archive (an open binary file)."""
    try:
        entries = zip_entries(handle, bundle_limits())
    except FileFormatError as exc:
        return PdfImportReport(filename=filename, refused=translated(exc))
    return invoice_pdfs_import(organisation=organisation, entries=entries, filename=filename,
                               actor=actor, dry_run=dry_run)  # fmt: skip


def invoice_pdfs_import(
    *, organisation: Organisation, entries: Sequence[BundleEntry], filename: str, actor: Actor,
    dry_run: bool = False,
) -> PdfImportReport:  # fmt: skip
    """Match every PDF of ``entries`` to its invoice, then attach those matched."""
    report = PdfImportReport(filename=filename, files=len(entries))
    if not entries:
        report.refused = gettext("Aucun fichier à importer : l'archive ou le dossier est vide.")
        return report
    try:
        scanned = _scan(entries, report)
    except FileFormatError as exc:
        report.refused = translated(exc)
        return report
    invoices = _match(organisation, scanned, report)
    _compare(scanned, invoices, report)
    chosen = [item for item in scanned if item.invoice_id is not None]
    if dry_run:
        report.status = BatchStatus.DRY_RUN
        _count(organisation, chosen, invoices, report)
        return report
    try:
        _write(organisation, chosen, invoices, report, actor)
    except FileFormatError as exc:  # an entry unreadable the second time: nothing written
        report.attached = report.replaced = report.unchanged = 0
        report.refused, report.status = translated(exc), BatchStatus.REJECTED
    return report


def _scan(entries: Sequence[BundleEntry], report: PdfImportReport) -> list[_Scanned]:
    """Read each file once: is it a PDF, its fingerprint, the invoice it embeds."""
    scanned = []
    for entry in entries:
        if not entry.size:
            report.problems.append(
                PdfNote(entry.name, sentence(gettext_noop("fichier vide (0 octet)")))
            )
            continue
        data = entry.read()
        if not is_pdf(data):
            reason = (
                NOT_PDF
                if entry.name.lower().endswith(".pdf")
                else sentence(gettext_noop("ignoré : ce n'est pas un PDF"))
            )
            report.problems.append(PdfNote(entry.name, reason))
            continue
        sha = hashlib.sha256(data).hexdigest()
        scanned.append(_Scanned(entry=entry, sha256=sha, embedded=embedded_invoice(data)))
    return scanned


def _name_key(name: str) -> str:
    stem = PurePosixPath(name.replace("\\", "/")).name
    return number_key(stem[:-4] if stem.lower().endswith(".pdf") else stem)


def _match(
    organisation: Organisation, scanned: list[_Scanned], report: PdfImportReport
) -> dict[int, Invoice]:
    """Tie each file to one invoice, or report why not; the invoices tied, by id."""
    names = {item.entry.name: _name_key(item.entry.name) for item in scanned}
    wanted = {number_key(item.embedded.number) for item in scanned if item.embedded}
    ledger = (
        Invoice.objects.filter(organisation=organisation)
        .values_list("id", "number").order_by().iterator(chunk_size=CHUNK)
    )  # fmt: skip
    matches = match_numbers(names, wanted, ledger)
    found: dict[str, set[int]] = {}
    for item in scanned:
        found[item.entry.name] = _candidates(item, matches)
    numbers = _numbers({pk for ids in found.values() for pk in ids})
    kept: list[_Scanned] = []
    for item in scanned:
        ids = found[item.entry.name]
        if len(ids) == 1:
            item.invoice_id = next(iter(ids))
            kept.append(item)
        else:
            report.problems.append(PdfNote(item.entry.name, _why_not(item, ids, numbers)))
    _one_file_per_invoice(kept, numbers, report)
    return _invoices([item.invoice_id for item in kept if item.invoice_id is not None])


def _candidates(item: _Scanned, matches: Matches) -> set[int]:
    if item.embedded is not None:
        by_xml = matches.by_number.get(number_key(item.embedded.number), set())
        if by_xml:
            return by_xml
    best = matches.by_name[item.entry.name].best
    return {pk for _key, ids in best for pk in ids}


def _why_not(item: _Scanned, ids: set[int], numbers: dict[int, str]) -> Text:
    if ids:
        listed = ", ".join(sorted(numbers[pk] for pk in ids))
        return sentence(gettext_noop(
            "ambigu : le nom ou le contenu correspond à plusieurs factures (%(numbers)s)"
        ), numbers=listed)  # fmt: skip
    if item.embedded is not None:
        return sentence(gettext_noop(
            "aucune facture %(number)s (n° lu dans le PDF Factur-X), et aucun numéro de facture "
            "connu dans le nom du fichier"
        ), number=item.embedded.number)  # fmt: skip
    return sentence(gettext_noop("aucun numéro de facture connu dans le nom du fichier"))


def _one_file_per_invoice(
    kept: list[_Scanned], numbers: dict[int, str], report: PdfImportReport
) -> None:
    """An invoice given two different PDFs gets neither (the same PDF twice is one)."""
    by_invoice: dict[int, list[_Scanned]] = {}
    for item in kept:
        assert item.invoice_id is not None
        by_invoice.setdefault(item.invoice_id, []).append(item)
    for invoice_id, items in by_invoice.items():
        if len({item.sha256 for item in items}) > 1:
            others = ", ".join(item.entry.name for item in items)
            for item in items:
                item.invoice_id = None
                report.problems.append(PdfNote(item.entry.name, sentence(gettext_noop(
                    "ambigu : plusieurs fichiers différents pour la facture %(number)s "
                    "(%(files)s)"
                ), number=numbers[invoice_id], files=others)))  # fmt: skip
        else:
            for item in items[1:]:  # the same content again: stored once
                item.invoice_id = None


def _numbers(ids: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 900):
        part = ordered[start : start + 900]
        found.update(Invoice.objects.filter(pk__in=part).values_list("id", "number"))
    return found


def _invoices(ids: list[int]) -> dict[int, Invoice]:
    """The matched invoices with their due dates (``due_dates``), in two reads per 900."""
    found: dict[int, Invoice] = {}
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        for invoice in Invoice.objects.filter(pk__in=part).only(
            "id", "uuid", "number", "amount_incl_tax", "currency", "pdf"
        ):
            invoice.due_dates = set()  # type: ignore[attr-defined]
            found[invoice.pk] = invoice
        for invoice_id, due in Instalment.objects.filter(invoice_id__in=part).values_list(
            "invoice_id", "due_date"
        ):
            found[invoice_id].due_dates.add(due)  # type: ignore[attr-defined]
    return found


def _compare(
    scanned: list[_Scanned], invoices: dict[int, Invoice], report: PdfImportReport
) -> None:
    """Warn where the embedded invoice disagrees with the ledger (which stays as it is)."""
    for item in scanned:
        if item.invoice_id is None or item.embedded is None:
            continue
        invoice, xml = invoices[item.invoice_id], item.embedded
        said = _disagreements(xml, invoice)
        if said:
            report.warnings.append(PdfNote(item.entry.name, sentence(gettext_noop(
                "rattaché à la facture %(number)s, mais %(disagreements)s (le grand livre n'est "
                "pas modifié)"
            ), number=invoice.number, disagreements=joined(said, " ; "))))  # fmt: skip


def _disagreements(xml: EmbeddedInvoice, invoice: Invoice) -> list[Text]:
    """Where the invoice embedded in the PDF says otherwise than the ledger."""
    said = []
    if xml.currency and xml.currency != invoice.currency:
        said.append(sentence(gettext_noop("devise %(pdf)s dans le PDF, %(ledger)s au grand livre"),
                             pdf=xml.currency, ledger=invoice.currency))  # fmt: skip
    if xml.grand_total is not None and xml.grand_total != invoice.amount_incl_tax:
        said.append(sentence(
            gettext_noop("montant TTC %(pdf)s dans le PDF, %(ledger)s au grand livre"),
            pdf=str(xml.grand_total), ledger=str(invoice.amount_incl_tax),
        ))  # fmt: skip
    due_dates: set[date] = invoice.due_dates  # type: ignore[attr-defined]
    if xml.due_date is not None and due_dates and xml.due_date not in due_dates:
        ledger = joined(sorted(due_dates))
        said.append(sentence(
            gettext_noop("échéance %(pdf)s dans le PDF, %(ledger)s au grand livre"),
            pdf=xml.due_date, ledger=ledger,
        ))  # fmt: skip
    if xml.type_code in CREDIT_NOTE_TYPES:
        said.append(sentence(gettext_noop("le PDF est un avoir, pas une facture")))
    return said


def _stored_name(organisation: Organisation, invoice: Invoice, sha256: str) -> str:
    """Within the field's 100 characters (91, and room for the suffix storage may add):
    PostgreSQL would cut a longer name silently in a bulk update."""
    return f"invoices/{organisation.uuid.hex}/{invoice.uuid.hex}-{sha256[:12]}.pdf"


def _count(
    organisation: Organisation, chosen: list[_Scanned], invoices: dict[int, Invoice],
    report: PdfImportReport,
) -> None:  # fmt: skip
    for item in chosen:
        assert item.invoice_id is not None
        invoice = invoices[item.invoice_id]
        name = _stored_name(organisation, invoice, item.sha256)
        if invoice.pdf.name == name:
            report.unchanged += 1
        elif invoice.pdf:
            report.replaced += 1
        else:
            report.attached += 1


def _write(
    organisation: Organisation, chosen: list[_Scanned], invoices: dict[int, Invoice],
    report: PdfImportReport, actor: Actor,
) -> None:  # fmt: skip
    _count(organisation, chosen, invoices, report)
    if not report.attached and not report.replaced:
        report.status = BatchStatus.UNCHANGED
        return
    written: list[str] = []
    try:
        with transaction.atomic():
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
            batch = _batch(organisation, chosen, report, actor)
            _store(organisation, chosen, invoices, written)
            audit_record(organisation=organisation, actor=actor, action="import_commit",
                         entity_type="import_batch", entity_id=str(batch.uuid),
                         after={"kind": batch.kind, "file": batch.filename,
                                "attached": report.attached, "replaced": report.replaced,
                                "unchanged": report.unchanged,
                                "not_attached": len(report.problems)})  # fmt: skip
    except BaseException:
        _delete(written)  # the transaction rolled back: its files must not outlive it
        raise
    report.status, report.batch_uuid = BatchStatus.COMMITTED, str(batch.uuid)


def _store(
    organisation: Organisation, chosen: list[_Scanned], invoices: dict[int, Invoice],
    written: list[str],
) -> None:  # fmt: skip
    """Put the new PDFs in storage and on their invoices (``written``: the files stored)."""
    changed = []
    now = timezone.now()
    for item in chosen:
        assert item.invoice_id is not None
        invoice = invoices[item.invoice_id]
        name = _stored_name(organisation, invoice, item.sha256)
        if invoice.pdf.name == name:
            continue
        saved = default_storage.save(name, ContentFile(item.entry.read()), max_length=100)
        written.append(saved)
        invoice.pdf.name, invoice.updated_at = saved, now
        changed.append(invoice)
    Invoice.objects.bulk_update(changed, ["pdf", "updated_at"], batch_size=500)


def _batch(
    organisation: Organisation, chosen: list[_Scanned], report: PdfImportReport, actor: Actor
) -> ImportBatch:
    """The import's record; its fingerprint is that of the files imported, in order."""
    digest = hashlib.sha256("".join(sorted(item.sha256 for item in chosen)).encode()).hexdigest()
    notes = [*report.problems, *report.warnings]
    return ImportBatch.objects.create(
        organisation=organisation, kind=ImportKind.INVOICE_PDFS, status=BatchStatus.COMMITTED,
        filename=report.filename[-255:], sha256=digest, rows=report.files,
        created=report.attached, updated=report.replaced, unchanged=report.unchanged,
        rejected=[note.as_dict() for note in notes], created_by=actor.user,
        started_at=timezone.now(), finished_at=timezone.now(),
    )  # fmt: skip


def _delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
