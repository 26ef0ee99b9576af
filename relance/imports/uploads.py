"""Importing a file through the back-office: upload, fix the mapping, check, then import.

The steps of a web request each last a few seconds at most, so the file is kept between
them as a ``PendingUpload``: stored by the server, found again by a random token bound to the
organisation and the user. Checking and importing go through ``import_file``, exactly as the
command line does (the corrected mapping is its ``--map``); nothing is written to the ledger
before the import itself, which is all or nothing. Uploads left behind are removed after a day.

Files above ``INLINE_ROWS`` rows are not checked in a web request (it would take minutes):
the page says to use ``relance import``, which shows its progress.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation, User
from relance.imports.limits import import_limits, upload_max_bytes
from relance.imports.models import BatchStatus, PendingUpload, PendingUploadError
from relance.imports.parsers.headers import match_columns, missing_fields
from relance.imports.parsers.overview import SPECS, FileOverview, file_overview
from relance.imports.parsers.rows import FileFormatError
from relance.imports.services import ImportReport, import_file
from relance.lib.text import translated

INLINE_ROWS = 200_000
KEEP_PENDING = timedelta(days=1)
SAMPLE_ROWS = 5
UPLOAD_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


class UploadRefused(ValueError):
    """The file cannot be taken at all (empty, too large, unreadable, of another type)."""


def _safe_name(filename: str) -> str:
    name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in filename)
    return name[-100:] or "import"


def _refuse_early(filename: str, size: int) -> None:
    if size == 0:
        raise UploadRefused(gettext("Le fichier est vide (0 octet)."))
    if size > upload_max_bytes():
        raise UploadRefused(
            gettext(
                "Fichier trop volumineux (%(size)s Mo) : %(most)s Mo au plus par cette page. "
                "Importez-le avec la commande « relance import »."
            )
            % {"size": f"{size / 1024 / 1024:.0f}", "most": upload_max_bytes() // 2**20}
        )
    if not filename.lower().endswith(UPLOAD_SUFFIXES):
        raise UploadRefused(
            gettext(
                "Type de fichier non pris en charge : importez un fichier CSV (.csv, .txt) ou "
                "Excel (.xlsx)."
            )
        )


@transaction.atomic
def pending_upload_create(
    *,
    organisation: Organisation,
    user: User,
    kind: str,
    filename: str,
    data: bytes,
    encoding: str = "",
) -> PendingUpload:
    """Keep an uploaded file for its next steps, once it is known to be readable within the
    import limits (size, columns, cells, encoding: ``encoding`` "" detects it)."""
    if kind not in SPECS:
        raise UploadRefused(gettext("Type d'import « %(kind)s » inconnu.") % {"kind": kind})
    _refuse_early(filename, len(data))
    try:
        overview = file_overview(
            data,
            filename=filename,
            sample=0,
            count_limit=INLINE_ROWS,
            limits=import_limits(kind),
            encoding=encoding,
        )
    except FileFormatError as exc:
        raise UploadRefused(translated(exc)) from None
    pending_uploads_purge(now=timezone.now())
    upload = PendingUpload(
        organisation=organisation,
        user=user,
        kind=kind,
        encoding=encoding,
        filename=filename[-255:],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        rows=overview.rows,
        rows_exact=overview.rows_exact,
        created_at=timezone.now(),
    )
    upload.file.save(_safe_name(filename), ContentFile(data), save=False)
    try:
        upload.save()
    except BaseException:
        default_storage.delete(upload.file.name)
        raise
    return upload


@dataclass(frozen=True)
class UploadColumns:
    """How the columns of an upload are (or would be) matched to the fields of its kind."""

    overview: FileOverview
    assigned: dict[str, int]  # field -> column position, with the correction applied
    detected: dict[str, int]  # field -> column position, as the file alone gives them
    missing: list[tuple[str, ...]]  # required groups without a column
    problem: str = ""  # the correction no longer fits the file (should not happen)

    @property
    def unmapped(self) -> list[str]:
        used = set(self.assigned.values())
        headers = self.overview.headers
        return [h for col, h in enumerate(headers) if col not in used and h.strip()]


def upload_data(upload: PendingUpload) -> bytes:
    with upload.file.open("rb") as stored:
        data: bytes = stored.read()
    return data


def upload_columns(
    upload: PendingUpload, mapping: Mapping[str, str] | None = None
) -> UploadColumns:
    """The file's columns, a few rows, and the mapping (``mapping``, else the stored one)."""
    overview = _overview(upload, upload_data(upload), sample=SAMPLE_ROWS)
    spec = SPECS[upload.kind]
    detected = match_columns(overview.headers, spec)
    wanted = dict(upload.mapping if mapping is None else mapping)
    problem = ""
    try:
        assigned = match_columns(overview.headers, spec, wanted)
    except FileFormatError as exc:
        assigned, problem = detected, translated(exc)
    return UploadColumns(overview, assigned, detected, missing_fields(assigned, spec), problem)


def _overview(upload: PendingUpload, data: bytes, *, sample: int) -> FileOverview:
    return file_overview(
        data,
        filename=upload.filename,
        sample=sample,
        count_limit=0,
        limits=import_limits(upload.kind),
        encoding=upload.encoding,
    )


def mapping_override(upload: PendingUpload, chosen: Mapping[str, str]) -> dict[str, str]:
    """What differs from the detection in a complete choice (field -> header or ""): the
    ``--map`` options the command line would need for the same result."""
    overview = _overview(upload, upload_data(upload), sample=0)
    detected = match_columns(overview.headers, SPECS[upload.kind])
    found = {name: overview.headers[col] for name, col in detected.items()}
    return {
        name: header
        for name, header in chosen.items()
        if name in SPECS[upload.kind].fields and header != found.get(name, "")
    }


@transaction.atomic
def pending_upload_map(*, upload: PendingUpload, mapping: Mapping[str, str]) -> PendingUpload:
    """Record a correction of the column detection; any earlier check no longer holds."""
    upload.mapping = dict(mapping)
    upload.checked = None
    upload.save(update_fields=["mapping", "checked"])
    PendingUploadError.objects.filter(upload=upload).delete()
    return upload


def inline_allowed(upload: PendingUpload) -> bool:
    return upload.rows <= INLINE_ROWS


def pending_upload_check(*, upload: PendingUpload, actor: Actor) -> ImportReport:
    """Validate the whole file as the import would (a dry run): counts or every bad row."""
    if not inline_allowed(upload):
        raise UploadRefused(too_many_rows_message(upload))
    report = import_file(
        organisation=upload.organisation,
        kind=upload.kind,
        data=upload_data(upload),
        filename=upload.filename,
        actor=actor,
        dry_run=True,
        mapping=upload.mapping,
        encoding=upload.encoding,
    )
    _record_check(upload, report)
    return report


def check_is_current(upload: PendingUpload) -> bool:
    checked = upload.checked
    return bool(checked) and checked.get("mapping") == upload.mapping  # type: ignore[union-attr]


def commit_allowed(upload: PendingUpload) -> bool:
    checked = upload.checked or {}
    return (
        check_is_current(upload)
        and inline_allowed(upload)
        and not checked.get("errors")
        and bool(checked.get("created") or checked.get("updated"))
    )


def pending_upload_commit(*, upload: PendingUpload, actor: Actor) -> ImportReport:
    """Import a checked upload for real, all or nothing; the upload is then forgotten.

    The ledger may have moved since the check: the import validates everything again, and a
    file rejected now is kept with its new errors.
    """
    if not inline_allowed(upload):
        raise UploadRefused(too_many_rows_message(upload))
    if not commit_allowed(upload):
        raise UploadRefused(
            gettext(
                "Vérifiez d'abord le fichier : seul un fichier sans erreur, qui change quelque "
                "chose, peut être importé."
            )
        )
    report = import_file(
        organisation=upload.organisation,
        kind=upload.kind,
        data=upload_data(upload),
        filename=upload.filename,
        actor=actor,
        mapping=upload.mapping,
        encoding=upload.encoding,
    )
    if report.rejected:
        _record_check(upload, report)
    else:
        pending_upload_delete(upload=upload)
    return report


def pending_upload_delete(*, upload: PendingUpload) -> None:
    path = upload.file.name
    with transaction.atomic():
        upload.delete()
        transaction.on_commit(lambda: default_storage.delete(path) if path else None)


def pending_uploads_purge(*, now: datetime) -> int:
    """Forget the uploads nobody went on with for a day, and their files."""
    stale = list(
        PendingUpload.objects.filter(created_at__lt=now - KEEP_PENDING).values_list("id", "file")[
            :500
        ]
    )
    if not stale:
        return 0
    PendingUpload.objects.filter(id__in=[pk for pk, _ in stale]).delete()
    paths = [path for _, path in stale if path]
    transaction.on_commit(lambda: _delete_files(paths))
    return len(stale)


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def too_many_rows_message(upload: PendingUpload) -> str:
    return (
        f"Ce fichier compte environ {upload.rows} lignes : au-delà de {INLINE_ROWS} lignes, "
        f"la vérification prendrait plusieurs minutes. Importez-le avec la commande "
        f"« relance import {upload.kind} » (elle affiche sa progression)."
    )


@transaction.atomic
def _record_check(upload: PendingUpload, report: ImportReport) -> None:
    PendingUploadError.objects.filter(upload=upload).delete()
    PendingUploadError.objects.bulk_create(
        (
            PendingUploadError(
                upload=upload,
                line=error.line,
                column=error.column[:255],
                # In the uploader's language: the upload and its check are theirs alone.
                reason=translated(error.reason),
            )
            for error in report.rejected
        ),
        batch_size=2000,
    )
    summary: dict[str, Any] = {
        "mapping": dict(upload.mapping),
        "at": timezone.now().isoformat(),
        "status": BatchStatus.REJECTED if report.rejected else report.status,
        "rows": report.rows,
        "encoding": report.encoding,
        "delimiter": report.delimiter,
        "used": report.mapping,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": report.error_count,
        "errors_shown": len(report.rejected),
    }
    upload.checked = summary
    upload.save(update_fields=["checked"])
