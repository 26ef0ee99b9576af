"""The errors of a file's last check, as a spreadsheet: all of them, to correct the file
line by line (the page lists them a hundred at a time)."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.accounts.clock import local_day
from relance.reports.exports import Row
from relance.web.access import Workspace, org_view
from relance.web.exports import export_response
from relance.web.imports.views import upload_of

CHUNK = 5_000
HEADERS = (gettext_lazy("Ligne"), gettext_lazy("Colonne"), gettext_lazy("Problème"))


@org_view
def errors_export(
    request: HttpRequest, ws: Workspace, token: UUID, fmt: str
) -> StreamingHttpResponse:
    upload = upload_of(ws, token)  # the uploader's own file only, as its page
    errors = upload.errors.order_by("line", "id").values_list("line", "column", "reason")

    def rows() -> Iterator[Row]:
        for line, column, reason in errors.iterator(chunk_size=CHUNK):
            yield (line or _("fichier"), column, reason)

    return export_response(fmt=fmt, filename=_("erreurs-import"), headers=HEADERS, rows=rows(),
                           day=local_day(ws.organisation))  # fmt: skip
