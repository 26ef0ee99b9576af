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


@csrf_exempt  # called by a mail server with a shared secret, not by a browser session
@require_POST
def inbound(request: HttpRequest) -> HttpResponse:
    secret = settings.RELANCE_INBOUND_SECRET
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not secret or not hmac.compare_digest(given, secret):
        return HttpResponseForbidden("secret manquant ou invalide")
    if len(request.body) > MAX_INBOUND_BYTES or not request.body:
        return HttpResponse("message vide ou trop volumineux", status=400)
    result = inbound_message(request.body)
    return HttpResponse(result.kind, content_type="text/plain")
