"""The providers' webhooks: outside the staff sign-in, without a CSRF token (the provider is
not a browser); each delivery proves itself (``relance.payments.webhooks``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from relance.payments.webhooks import webhook_receive

MAX_WEBHOOK_BYTES = 256 * 1024  # Stripe's largest events are far smaller


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str, token: str) -> HttpResponse:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_WEBHOOK_BYTES:
        return HttpResponse("corps absent ou trop volumineux", status=400)
    body = request.body
    if not body or len(body) > MAX_WEBHOOK_BYTES:
        return HttpResponse("corps absent ou trop volumineux", status=400)
    delivery = webhook_receive(provider=provider, token=token, body=body,
                               headers=request.headers)  # fmt: skip
    return HttpResponse(delivery.outcome, status=delivery.status,
                        content_type="text/plain; charset=utf-8")  # fmt: skip
