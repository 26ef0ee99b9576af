"""The results of the search box in the header, by kind; one kind at a time for more."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from relance.core.search_text import (
    MAX_QUERY_LENGTH,
    MAX_WORDS,
    TOO_LONG,
    QueryError,
)
from relance.ledger.search import KINDS, LIMIT, MAX_LIMIT, search
from relance.web.access import Workspace, org_view


@org_view
def search_page(request: HttpRequest, ws: Workspace) -> HttpResponse:
    text = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    shown = text[:MAX_QUERY_LENGTH]
    context: dict[str, object] = {"q": shown, "search_text": shown, "kind": kind}
    status = 200
    if text.strip():
        try:
            if kind in KINDS:
                context["results"] = search(ws.organisation, text, kinds=[kind], limit=MAX_LIMIT)
            else:
                context["results"] = search(ws.organisation, text, limit=LIMIT)
        except QueryError as exc:
            context["error"] = _translated(exc)
            status = 400
    return render(request, "web/search/results.html", context, status=status)


def _translated(error: QueryError) -> str:
    """The reason in the user's language (the service gives it in French)."""
    if error.kind == TOO_LONG:
        return _("Recherche trop longue : %(most)s caractères ou %(words)s mots au plus.") % {
            "most": MAX_QUERY_LENGTH,
            "words": MAX_WORDS,
        }
    return _("Tapez au moins une lettre ou un chiffre.")
