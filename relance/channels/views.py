"""Endpoints the outside world calls: the open pixel and the inbound mail hook."""

from __future__ import annotations

import base64
import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from relance.channels.email.tracking import inbound_message, record_open

# A transparent 1x1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
MAX_INBOUND_BYTES = 10 * 1024 * 1024


@require_GET
def open_pixel(request: HttpRequest, token: str) -> HttpResponse:
    record_open(token)  # a bad token still gets the image: nothing to learn from the answer
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


def _bearer_matches(request: HttpRequest, secret: str) -> bool:
    """``Authorization: Bearer <secret>`` (RFC 6750). The scheme is required: a bare value
    comes from a misconfigured poster, and is refused rather than guessed at."""
    scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), secret.encode()
    )


@csrf_exempt  # called by a mail server with a shared secret, not by a browser session
@require_POST
def inbound(request: HttpRequest) -> HttpResponse:
    secret = settings.RELANCE_INBOUND_SECRET
    if not secret:
        return HttpResponseForbidden(
            "point d'entrée fermé : RELANCE_INBOUND_SECRET n'est pas défini"
        )
    if not _bearer_matches(request, secret):
        response = HttpResponse(
            "secret manquant ou invalide : envoyez l'en-tête Authorization: Bearer <secret>",
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="relance-inbound"'
        return response
    if len(request.body) > MAX_INBOUND_BYTES or not request.body:
        return HttpResponse("message vide ou trop volumineux", status=400)
    result = inbound_message(request.body, event_id=request.headers.get("X-Event-Id", ""))
    text = f"{result.kind}\n{result.explanation}" if result.explanation else result.kind
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
