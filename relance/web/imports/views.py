"""Imports in the back-office: the batches imported so far, and a file's way in (upload,
column mapping, check of the whole file, import), each step a plain POST then a redirect."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.imports.invoice_pdfs import invoice_pdfs_import_zip
from relance.imports.models import BatchStatus, ImportBatch, PendingUpload
from relance.imports.parsers.overview import SPECS
from relance.imports.uploads import (
    UploadRefused,
    mapping_override,
    pending_upload_check,
    pending_upload_commit,
    pending_upload_create,
    pending_upload_delete,
    pending_upload_map,
    upload_columns,
)
from relance.web.access import Workspace, org_view
from relance.web.imports.context import batch_context, pending_context
from relance.web.imports.forms import MappingForm, PdfBundleForm, UploadForm
from relance.web.paging import paginate


def _actor(ws: Workspace) -> Actor:
    return Actor(user=ws.user, label="web")


def upload_of(ws: Workspace, token: UUID) -> PendingUpload:
    """Only the organisation's uploads, and only those of the user who uploaded them."""
    return get_object_or_404(
        PendingUpload.objects.select_related("organisation"),
        organisation=ws.organisation,
        user=ws.user,
        token=token,
    )


def _pending_url(upload: PendingUpload, anchor: str = "") -> str:
    url = reverse("import_pending", kwargs={"org": upload.organisation.slug, "token": upload.token})
    return f"{url}#{anchor}" if anchor else url


def _index(
    request: HttpRequest,
    ws: Workspace,
    form: UploadForm | None,
    pdf_form: PdfBundleForm | None = None,
) -> HttpResponse:
    organisation = ws.organisation
    batches = (
        ImportBatch.objects.filter(organisation=organisation)
        .select_related("created_by")
        .order_by("-started_at", "-id")
    )
    context = {
        "page": paginate(request, batches),
        "pending_uploads": PendingUpload.objects.filter(
            organisation=organisation, user=ws.user
        ).order_by("-created_at")[:20],
        "form": form if ws.can_write else None,
        "pdf_form": (pdf_form or PdfBundleForm()) if ws.can_write else None,
    }
    return render(request, "web/imports/index.html", context)


@org_view
def index(request: HttpRequest, ws: Workspace) -> HttpResponse:
    return _index(request, ws, UploadForm())


@org_view
@require_POST
def upload(request: HttpRequest, ws: Workspace) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        sent = form.cleaned_data["file"]
        try:
            created = pending_upload_create(
                organisation=ws.organisation,
                user=ws.user,
                kind=form.cleaned_data["kind"],
                filename=sent.name or "import",
                data=b"".join(sent.chunks()),
                encoding=form.cleaned_data["encoding"],
            )
        except UploadRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(_pending_url(created))
    return _index(request, ws, form)


@org_view
@require_POST
def pdfs_upload(request: HttpRequest, ws: Workspace) -> HttpResponse:
    """A ZIP of invoice PDFs: imported at once (or simulated), then what became of each file."""
    form = PdfBundleForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, ws, UploadForm(), form)
    sent = form.cleaned_data["file"]
    sent.seek(0)
    report = invoice_pdfs_import_zip(organisation=ws.organisation, handle=sent,
                                     filename=sent.name or "factures.zip", actor=_actor(ws),
                                     dry_run=form.cleaned_data["dry_run"])  # fmt: skip
    return render(request, "web/imports/pdfs.html", {"report": report, "pdf_form": PdfBundleForm()})


def _mapping_form(upload: PendingUpload, headers: list[str], data: Any = None) -> MappingForm:
    return MappingForm(data, spec=SPECS[upload.kind], headers=headers)


@org_view
def pending(request: HttpRequest, ws: Workspace, token: UUID) -> HttpResponse:
    upload = upload_of(ws, token)
    columns = upload_columns(upload)
    headers = columns.overview.headers
    form = _mapping_form(upload, headers)
    form.initial = {name: headers[col] for name, col in columns.assigned.items()}
    context = pending_context(request, upload, columns, form)
    return render(request, "web/imports/pending.html", context)


@org_view
@require_POST
def mapping_preview(request: HttpRequest, ws: Workspace, token: UUID) -> HttpResponse:
    """The mapping as the current choices would make it, without saving them (htmx)."""
    upload = upload_of(ws, token)
    columns = upload_columns(upload)
    form = _mapping_form(upload, columns.overview.headers, request.POST)
    if form.is_valid():
        columns = upload_columns(upload, mapping_override(upload, form.chosen()))
    context = pending_context(request, upload, columns, form, preview=True)
    return render(request, "web/imports/_mapping_summary.html", context)


@org_view
@require_POST
def mapping_save(request: HttpRequest, ws: Workspace, token: UUID) -> HttpResponse:
    upload = upload_of(ws, token)
    columns = upload_columns(upload)
    form = _mapping_form(upload, columns.overview.headers, request.POST)
    if not form.is_valid():
        context = pending_context(request, upload, columns, form)
        return render(request, "web/imports/pending.html", context)
    pending_upload_map(upload=upload, mapping=mapping_override(upload, form.chosen()))
    messages.success(request, _("Correspondance des colonnes enregistrée."))
    return redirect(_pending_url(upload, "check"))


@org_view
@require_POST
def check(request: HttpRequest, ws: Workspace, token: UUID) -> HttpResponse:
    upload = upload_of(ws, token)
    try:
        report = pending_upload_check(upload=upload, actor=_actor(ws))
    except UploadRefused as exc:
        messages.error(request, str(exc))
        return redirect(_pending_url(upload, "check"))
    if report.rejected:
        messages.error(
            request,
            _("Le fichier contient %(count)s erreur(s) : rien ne sera importé.")
            % {"count": report.error_count},
        )
    else:
        messages.success(request, _("Fichier vérifié : aucune erreur."))
    return redirect(_pending_url(upload, "check"))


@org_view
@require_POST
def commit(request: HttpRequest, ws: Workspace, token: UUID) -> HttpResponse:
    upload = upload_of(ws, token)
    slug = ws.organisation.slug
    try:
        report = pending_upload_commit(upload=upload, actor=_actor(ws))
    except UploadRefused as exc:
        messages.error(request, str(exc))
        return redirect(_pending_url(upload, "check"))
    if report.rejected:
        messages.error(
            request,
            _(
                "Le fichier n'a pas été importé : %(count)s erreur(s) depuis la vérification "
                "(les données ont changé entre-temps). Rien n'a été écrit."
            )
            % {"count": report.error_count},
        )
        return redirect(_pending_url(upload, "check"))
    if report.status == BatchStatus.UNCHANGED:
        messages.info(
            request, _("Rien de nouveau : ce fichier ne change rien, la base n'a pas été modifiée.")
        )
        return redirect("imports", org=slug)
    messages.success(
        request,
        _(
            "Import terminé : %(created)s créé(s), %(updated)s modifié(s), "
            "%(unchanged)s inchangé(s)."
        )
        % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )
    return redirect("import_batch", org=slug, batch=report.batch_uuid)


@org_view
@require_POST
def abandon(request: HttpRequest, ws: Workspace, token: UUID) -> HttpResponse:
    upload = upload_of(ws, token)
    pending_upload_delete(upload=upload)
    messages.success(request, _("Fichier abandonné : il a été supprimé, rien n'a été importé."))
    return redirect("imports", org=ws.organisation.slug)


def _batch_of(ws: Workspace, batch: UUID) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("created_by"), organisation=ws.organisation, uuid=batch
    )


@org_view
def batch_detail(request: HttpRequest, ws: Workspace, batch: UUID) -> HttpResponse:
    found = _batch_of(ws, batch)
    return render(request, "web/imports/batch.html", batch_context(found))


@org_view
def batch_file(request: HttpRequest, ws: Workspace, batch: UUID) -> HttpResponse:
    found = _batch_of(ws, batch)
    if not found.original:
        raise Http404(_("Fichier original introuvable."))
    try:
        stored = found.original.open("rb")
    except FileNotFoundError:
        raise Http404(_("Fichier original introuvable.")) from None
    response = FileResponse(stored, as_attachment=True, filename=found.filename)
    # Streamed rather than read into memory (a command-line import may be hundreds of MB);
    # org_view is typed for plain responses only.
    return cast(HttpResponse, response)
