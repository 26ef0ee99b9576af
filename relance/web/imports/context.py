"""What the import pages show, read in a few queries: kept apart from the views so that
these stay a list of steps."""

from __future__ import annotations

import shlex
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from relance.imports.models import ImportBatch, PendingUpload
from relance.imports.parsers.overview import SPECS
from relance.imports.uploads import (
    INLINE_ROWS,
    UploadColumns,
    check_is_current,
    commit_allowed,
    inline_allowed,
    too_many_rows_message,
)
from relance.ledger.models import CreditNote, Customer, Invoice, Payment
from relance.web.imports.forms import KINDS, OTHER_KINDS, MappingForm
from relance.web.imports.labels import field_label
from relance.web.paging import paginate

ERRORS_PER_PAGE = 100
CREATED_SHOWN = 20


def kind_label(kind: str) -> str:
    return str(dict([*KINDS, *OTHER_KINDS]).get(kind, kind))


def _fields(upload: PendingUpload, columns: UploadColumns) -> list[dict[str, Any]]:
    spec = SPECS[upload.kind]
    headers = columns.overview.headers
    first = columns.overview.sample[0][1] if columns.overview.sample else []
    required = {name: len(group) for group in spec.required for name in group}
    rows = []
    for name, field in spec.fields.items():
        col = columns.assigned.get(name)
        rows.append({
            "name": name,
            "label": field_label(field.label),
            "header": headers[col] if col is not None else "",
            "example": first[col] if col is not None and col < len(first) else "",
            "required": required.get(name, 0),
            "corrected": col != columns.detected.get(name),
        })  # fmt: skip
    return rows


def _command(upload: PendingUpload, columns: UploadColumns) -> str:
    """The same import on the command line; "" when a field was un-mapped (``--map`` cannot
    say "no column")."""
    headers = columns.overview.headers
    if columns.missing or any(name not in columns.assigned for name in columns.detected):
        return ""
    parts = ["relance", "import", upload.kind, upload.filename]
    if upload.encoding:
        parts += ["--encoding", upload.encoding]
    for name, col in columns.assigned.items():
        if columns.detected.get(name) != col:
            parts += ["--map", f"{name}={headers[col]}"]
    return shlex.join(parts)


def pending_context(
    request: HttpRequest,
    upload: PendingUpload,
    columns: UploadColumns,
    form: MappingForm,
    *,
    preview: bool = False,
) -> dict[str, Any]:
    spec = SPECS[upload.kind]
    headers = columns.overview.headers
    mapped = {col: field_label(spec.fields[name].label) for name, col in columns.assigned.items()}
    context: dict[str, Any] = {
        "upload": upload,
        "kind_label": kind_label(upload.kind),
        "columns": columns,
        "form": form,
        "fields": _fields(upload, columns),
        "missing": [
            " / ".join(field_label(spec.fields[name].label) for name in group)
            for group in columns.missing
        ],
        "unmapped": columns.unmapped,
        "command": _command(upload, columns),
        "preview": preview,
    }
    if preview:
        return context
    checked = upload.checked or {}
    current = check_is_current(upload)
    context.update({
        "sample_headers": [(header, mapped.get(col, "")) for col, header in enumerate(headers)],
        "sample": columns.overview.sample,
        "inline": inline_allowed(upload),
        "inline_rows": INLINE_ROWS,
        "too_many_rows": "" if inline_allowed(upload) else too_many_rows_message(upload),
        "checked": checked if current else None,
        "stale_check": bool(checked) and not current,
        "commit_allowed": commit_allowed(upload),
        "nothing_new": current and not checked.get("errors")
        and not checked.get("created") and not checked.get("updated"),
        "same_batch": ImportBatch.objects.filter(
            organisation=upload.organisation, kind=upload.kind, sha256=upload.sha256
        ).order_by("-started_at").first(),
    })  # fmt: skip
    if current and checked.get("errors"):
        errors = upload.errors.order_by("line", "id")
        context["errors_page"] = paginate(request, errors, per_page=ERRORS_PER_PAGE)
        shown = checked.get("errors_shown", checked["errors"])
        context["errors_shown"], context["errors_more"] = shown, checked["errors"] - shown
    return context


def batch_context(batch: ImportBatch) -> dict[str, Any]:
    spec = SPECS.get(batch.kind)
    mapping = [
        (
            field_label(spec.fields[name].label) if spec and name in spec.fields else name,
            name,
            header,
        )
        for name, header in batch.mapping.items()
    ]
    created: list[dict[str, Any]] = []
    if batch.kind == "customers":
        customers = Customer.objects.filter(import_batch=batch).order_by("id")
        created.append({
            "title": _("Clients créés"),
            "count": customers.count(),
            "headers": [_("Référence"), _("Nom")],
            "rows": customers.values_list("external_ref", "name")[:CREATED_SHOWN],
        })  # fmt: skip
    if batch.kind == "invoices":
        invoices = Invoice.objects.filter(import_batch=batch).order_by("id")
        created.append({
            "title": _("Factures créées"),
            "count": invoices.count(),
            "headers": [_("N° de facture"), _("Client"), _("Montant TTC"), _("Devise")],
            "rows": invoices.values_list(
                "number", "customer__external_ref", "amount_incl_tax", "currency"
            )[:CREATED_SHOWN],
        })  # fmt: skip
        notes = CreditNote.objects.filter(import_batch=batch).order_by("id")
        created.append({
            "title": _("Avoirs créés"),
            "count": notes.count(),
            "headers": [_("N° d'avoir"), _("Client"), _("Montant"), _("Devise")],
            "rows": notes.values_list("number", "customer__external_ref", "amount", "currency")[
                :CREATED_SHOWN
            ],
        })  # fmt: skip
    if batch.kind in ("invoices", "payments"):
        payments = Payment.objects.filter(import_batch=batch).order_by("id")
        created.append({
            "title": _("Paiements enregistrés"),
            "count": payments.count(),
            "headers": [_("Référence"), _("Date"), _("Montant"), _("Devise")],
            "rows": payments.values_list("reference", "date", "amount", "currency")[
                :CREATED_SHOWN
            ],
        })  # fmt: skip
    if batch.kind == "invoice_pdfs":
        created.append({
            "title": _("Fichiers non rattachés ou à vérifier"),
            "count": len(batch.rejected),
            "headers": [_("Fichier"), _("Pourquoi")],
            "rows": [(note.get("file", ""), note.get("reason", ""))
                     for note in batch.rejected[:CREATED_SHOWN]],
        })  # fmt: skip
    return {
        "batch": batch,
        "kind_label": kind_label(batch.kind),
        "mapping": mapping,
        "created_sections": [section for section in created if section["count"]],
        "shown": CREATED_SHOWN,
    }
