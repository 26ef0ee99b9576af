"""Importing a customers, invoices or payments file: all or nothing, and idempotent.

The file is parsed and checked whole before anything is written. A file with any bad row is
rejected with every reason and writes nothing; a dry run writes nothing; a file that changes
nothing writes nothing and says so. Otherwise one transaction records the batch (with the
original file), the changes and their audit trail. Interrupting it leaves no half batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation
from relance.imports import customers, invoices, payments
from relance.imports.limits import import_limits, max_errors
from relance.imports.models import BatchStatus, ImportBatch, ImportKind
from relance.imports.parsers import parse_customers, parse_invoices, parse_payments
from relance.imports.parsers.rows import FileFormatError, ParseResult, RowError
from relance.ledger.balances import balances_day, customer_balances_refresh
from relance.ledger.search_index import search_index_deferred
from relance.lib import bulk
from relance.lib.progress import Progress

PARSERS: dict[str, Callable[..., ParseResult[Any]]] = {
    ImportKind.CUSTOMERS: parse_customers,
    ImportKind.INVOICES: parse_invoices,
    ImportKind.PAYMENTS: parse_payments,
}


class UnknownImportKind(ValueError):
    """A request to import that cannot start (unknown kind...)."""


@dataclass
class ImportReport:
    kind: str
    filename: str
    status: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)  # the first ones, see ``more``
    more: int = 0  # problems beyond those listed in ``rejected``
    rows: int = 0
    encoding: str = ""
    delimiter: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    batch_uuid: str | None = None

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def error_count(self) -> int:
        return len(self.rejected) + self.more

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [error.as_dict() for error in self.rejected],
        }
        if self.rejected:  # the problems beyond those listed
            found["rejected_more"] = self.more
        return found

    def keep_errors(self, errors: list[RowError], most: int) -> None:
        """The first ``most`` problems in line order, and how many more: a report of a
        million bad rows must stay readable and small."""
        self.rejected = sorted(errors, key=lambda error: error.line)[:most]
        self.more = max(0, len(errors) - most)


class _ParserProgress:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def __call__(self, rows: int) -> None:
        self.progress.advance(rows)


def import_file(
    *,
    organisation: Organisation,
    kind: str,
    data: bytes,
    filename: str,
    actor: Actor,
    dry_run: bool = False,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    encoding: str = "",
) -> ImportReport:
    """Import ``data``; ``encoding`` is the text encoding a person chose ("" = detect)."""
    if kind not in PARSERS:
        raise UnknownImportKind(
            _("Type d'import « %(kind)s » inconnu : %(known)s.")
            % {"kind": kind, "known": ", ".join(PARSERS)}
        )
    progress = progress or Progress()
    report = ImportReport(kind=kind, filename=filename, status=BatchStatus.REJECTED)
    progress.phase("Lecture du fichier", 0)
    try:
        parsed = PARSERS[kind](
            data,
            filename=filename,
            mapping=mapping,
            progress=_ParserProgress(progress),
            limits=import_limits(kind),
            encoding=encoding,
        )
    except FileFormatError as exc:
        report.rejected = [RowError(line=0, column="", reason=exc.text)]
        return report
    report.rows = parsed.data_rows
    report.encoding, report.delimiter, report.mapping = (
        parsed.encoding,
        parsed.delimiter,
        dict(parsed.mapping),
    )
    with bulk.large_cache(), transaction.atomic():
        # One import at a time per organisation: the plan must not go stale before writing.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        plan, errors = _check(organisation, kind, parsed, progress)
        report.keep_errors([*parsed.errors, *errors], max_errors())
        report.created, report.updated, report.unchanged = (
            plan.created,
            plan.updated,
            plan.unchanged,
        )
        if report.rejected:
            report.created = report.updated = report.unchanged = 0
            return report
        if dry_run:
            report.status = BatchStatus.DRY_RUN
            return report
        if not report.created and not report.updated:
            report.status = BatchStatus.UNCHANGED
            return report
        batch = _start_batch(organisation, kind, data, filename, parsed, actor)
        try:
            with search_index_deferred(connection):
                _write(organisation, kind, plan, batch, actor, progress)
            _finish_batch(batch, report, actor)
            # An import may touch any customer: the summaries are rebuilt whole, set-based.
            customer_balances_refresh(organisation=organisation, as_of=balances_day(organisation))
        except BaseException:
            # The transaction rolls back; the copy of the file must not outlive it.
            default_storage.delete(batch.original.name)
            raise
    report.status = BatchStatus.COMMITTED
    report.batch_uuid = str(batch.uuid)
    progress.close()
    return report


def _check(
    organisation: Organisation, kind: str, parsed: ParseResult[Any], progress: Progress
) -> tuple[Any, list[RowError]]:
    if kind == ImportKind.CUSTOMERS:
        return customers.check_customers(
            organisation, parsed.rows, mapping=parsed.mapping, progress=progress
        )
    if kind == ImportKind.INVOICES:
        return invoices.check_invoices(
            organisation, parsed.rows, header=parsed.mapping, progress=progress
        )
    return payments.check_payments(
        organisation, parsed.rows, header=parsed.mapping, progress=progress
    )


def _write(
    organisation: Organisation,
    kind: str,
    plan: Any,
    batch: ImportBatch,
    actor: Actor,
    progress: Progress,
) -> None:
    if kind == ImportKind.CUSTOMERS:
        customers.write_customers(organisation, plan, batch=batch, actor=actor, progress=progress)
    elif kind == ImportKind.INVOICES:
        invoices.write_invoices(organisation, plan, batch=batch, actor=actor, progress=progress)
    else:
        payments.write_payments(organisation, plan, batch=batch, progress=progress)


def _start_batch(
    organisation: Organisation,
    kind: str,
    data: bytes,
    filename: str,
    parsed: ParseResult[Any],
    actor: Actor,
) -> ImportBatch:
    return batch_start(organisation=organisation, kind=kind, data=data, filename=filename,
                       rows=parsed.data_rows, actor=actor, encoding=parsed.encoding,
                       delimiter=parsed.delimiter, mapping=dict(parsed.mapping))  # fmt: skip


def batch_start(
    *,
    organisation: Organisation,
    kind: str,
    data: bytes,
    filename: str,
    rows: int,
    actor: Actor,
    **fields: Any,
) -> ImportBatch:
    """The batch of a file being imported, with the original file kept beside it."""
    batch = ImportBatch(
        organisation=organisation,
        kind=kind,
        status=BatchStatus.COMMITTED,
        filename=filename[-255:],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=rows,
        created_by=actor.user,
        started_at=timezone.now(),
        **fields,
    )
    safe_name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in filename)
    batch.original.save(safe_name[-100:] or kind, ContentFile(data), save=False)
    batch.save()
    return batch


def _finish_batch(batch: ImportBatch, report: ImportReport, actor: Actor) -> None:
    batch.created, batch.updated, batch.unchanged = report.created, report.updated, report.unchanged
    batch.finished_at = timezone.now()
    batch.save(update_fields=["created", "updated", "unchanged", "finished_at"])
    audit_record(
        organisation=batch.organisation,
        actor=actor,
        action="import_commit",
        entity_type="import_batch",
        entity_id=str(batch.uuid),
        after={
            "kind": batch.kind,
            "file": batch.filename,
            "sha256": batch.sha256,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
    )
