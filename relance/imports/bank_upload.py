"""A bank statement uploaded in the back-office: kept while its dry run is read, imported on
confirmation, by the same service as the command line (``bank_statement_import``)."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation, User
from relance.imports.bank import bank_statement_import
from relance.imports.bank_report import BankImportReport
from relance.imports.limits import upload_max_bytes
from relance.imports.models import ImportKind, PendingUpload
from relance.imports.uploads import UploadRefused, pending_upload_delete, pending_uploads_purge


def bank_upload_create(
    *, organisation: Organisation, user: User, filename: str, data: bytes, actor: Actor
) -> tuple[PendingUpload | None, BankImportReport]:
    """The dry run of the file, and the file kept for its import when it can be read."""
    if not data:
        raise UploadRefused(_("Le fichier est vide (0 octet)."))
    if len(data) > upload_max_bytes():
        raise UploadRefused(
            _(
                "Fichier trop volumineux (%(size)s Mo) : %(most)s Mo au plus par cette page. "
                "Importez-le avec la commande « relance import bank-statement »."
            )
            % {"size": f"{len(data) / 1024 / 1024:.0f}", "most": upload_max_bytes() // 2**20}
        )
    report = bank_statement_import(
        organisation=organisation, data=data, filename=filename, actor=actor, dry_run=True
    )
    if report.rejected:
        return None, report
    pending_uploads_purge(now=timezone.now())
    upload = PendingUpload(
        organisation=organisation, user=user, kind=ImportKind.BANK_STATEMENT,
        filename=filename[-255:], size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        rows=report.entries, created_at=timezone.now(),
    )  # fmt: skip
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in filename)
    upload.file.save(safe[-100:] or "releve", ContentFile(data), save=False)
    try:
        upload.save()
    except BaseException:
        default_storage.delete(upload.file.name)
        raise
    return upload, report


def bank_upload_commit(*, upload: PendingUpload, actor: Actor) -> BankImportReport:
    with upload.file.open("rb") as handle:
        data = handle.read()
    report = bank_statement_import(
        organisation=upload.organisation, data=data, filename=upload.filename, actor=actor
    )
    pending_upload_delete(upload=upload)
    return report
