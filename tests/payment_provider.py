"""A local stand-in for Stripe's and Mollie's APIs: a real HTTP server the official SDKs talk
to (through RELANCE_STRIPE_API_BASE / RELANCE_MOLLIE_API_BASE), with just the endpoints
relance calls, and hosted checkout pages whose Pay button marks the payment paid, delivers
the webhook the provider would (Stripe's signed ``t=…,v1=HMAC-SHA256`` as Stripe documents
it; Mollie's bare payment id) and sends the payer back."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

STRIPE_KEY = "sk_test_standin0000000000001234"
STRIPE_SECRET = "whsec_standinSigningSecret0000"
MOLLIE_KEY = "test_standin000000000000005678"


def stripe_signature(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header, computed as Stripe documents it."""
    stamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


@dataclass
class Delivery:
    url: str
    body: bytes
    headers: dict[str, str]
    status: int = 0
    answer: str = ""


@dataclass
class StandIn:
    base: str = ""
    stripe_webhook_url: str = ""  # what the organisation's staff would paste in Stripe
    stripe_secret: str = STRIPE_SECRET
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    mollie: dict[str, dict[str, Any]] = field(default_factory=dict)
    mollie_chargebacks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path) received
    deliveries: list[Delivery] = field(default_factory=list)
    failing: bool = False  # answer every API call with a server error

    # Stripe ---------------------------------------------------------------------------

    def stripe_event(self, kind: str, thing: dict[str, Any], *,
                     timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:  # fmt: skip
        event = {"id": f"evt_{secrets.token_hex(12)}", "object": "event",
                 "api_version": "2025-01-27.acacia", "created": int(time.time()),
                 "livemode": False, "pending_webhooks": 1, "request": {"id": None},
                 "type": kind, "data": {"object": thing}}  # fmt: skip
        payload = json.dumps(event)
        signature = stripe_signature(payload, self.stripe_secret, timestamp)
        return payload.encode(), {"Stripe-Signature": signature,
                                  "Content-Type": "application/json"}  # fmt: skip

    def stripe_pay(self, session_id: str, *, sepa: bool = False) -> tuple[bytes, dict[str, str]]:
        session = self.sessions[session_id]
        session["payment_intent"] = session["payment_intent"] or f"pi_{secrets.token_hex(12)}"
        session["payment_status"], session["status"] = "paid", "complete"
        kind = "checkout.session.async_payment_succeeded" if sepa else "checkout.session.completed"
        return self.stripe_event(kind, dict(session))

    def stripe_dispute(self, session_id: str, cents: int, kind: str = "charge.dispute.created",
                       status: str = "needs_response") -> tuple[bytes, dict[str, str]]:  # fmt: skip
        """A chargeback of ``cents`` at one stage of its life (created, funds reinstated...)."""
        session = self.sessions[session_id]
        dispute = {"id": "dp_" + session["payment_intent"][3:], "object": "dispute",
                   "charge": "ch_" + session["payment_intent"][3:], "amount": cents,
                   "payment_intent": session["payment_intent"],
                   "currency": session["currency"], "status": status}  # fmt: skip
        return self.stripe_event(kind, dispute)

    def stripe_refund(self, session_id: str, refunded_cents: int) -> tuple[bytes, dict[str, str]]:
        session = self.sessions[session_id]
        charge = {"id": f"ch_{secrets.token_hex(12)}", "object": "charge",
                  "payment_intent": session["payment_intent"], "currency": session["currency"],
                  "amount": session["amount_total"], "amount_refunded": refunded_cents,
                  "refunded": refunded_cents >= session["amount_total"]}  # fmt: skip
        return self.stripe_event("charge.refunded", charge)

    # Mollie ---------------------------------------------------------------------------

    def mollie_pay(self, payment_id: str, method: str = "creditcard") -> bytes:
        payment = self.mollie[payment_id]
        payment["status"], payment["method"] = "paid", method
        payment["paidAt"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        return f"id={payment_id}".encode()

    def mollie_refund(self, payment_id: str, value: Decimal) -> bytes:
        payment = self.mollie[payment_id]
        payment["amountRefunded"] = {"currency": payment["amount"]["currency"],
                                     "value": f"{value:.2f}"}  # fmt: skip
        return f"id={payment_id}".encode()

    def mollie_chargeback(self, payment_id: str, value: Decimal) -> bytes:
        """The debtor's bank takes ``value`` back; the payment reports it and links to it."""
        payment = self.mollie[payment_id]
        currency = payment["amount"]["currency"]
        chargebacks = self.mollie_chargebacks.setdefault(payment_id, [])
        chargebacks.append({"resource": "chargeback", "id": f"chb_{secrets.token_hex(6)}",
                            "amount": {"currency": currency, "value": f"{value:.2f}"},
                            "paymentId": payment_id, "reversedAt": None})  # fmt: skip
        self._mollie_charged_back(payment)
        return f"id={payment_id}".encode()

    def mollie_chargeback_reverse(self, payment_id: str) -> bytes:
        """Every chargeback of the payment is reversed in the merchant's favour."""
        for chargeback in self.mollie_chargebacks[payment_id]:
            chargeback["reversedAt"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        self._mollie_charged_back(self.mollie[payment_id])
        return f"id={payment_id}".encode()

    def _mollie_charged_back(self, payment: dict[str, Any]) -> None:
        # Mollie keeps the total ever charged back on the payment; what still holds is read
        # from the chargebacks, as relance does.
        total = sum(Decimal(c["amount"]["value"]) for c in self.mollie_chargebacks[payment["id"]])
        payment["amountChargedBack"] = {"currency": payment["amount"]["currency"],
                                        "value": f"{total:.2f}"}  # fmt: skip
        payment["_links"]["chargebacks"] = {
            "href": f"{self.base}/v2/payments/{payment['id']}/chargebacks"
        }

    # Delivering, as the provider does -------------------------------------------------

    def deliver(self, url: str, body: bytes, headers: dict[str, str]) -> Delivery:
        delivery = Delivery(url, body, headers)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                delivery.status, delivery.answer = answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            delivery.status, delivery.answer = error.code, error.read().decode()
        self.deliveries.append(delivery)
        return delivery


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: Any, content_type: str = "application/json",
                  headers: dict[str, str] | None = None) -> None:  # fmt: skip
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _key(self) -> str:
            return self.headers.get("Authorization", "").removeprefix("Bearer ").strip()

        def do_GET(self) -> None:
            url = urlparse(self.path)
            standin.calls.append(("GET", url.path))
            if url.path.startswith("/checkout/"):
                return self._page(standin.sessions.get(url.path.split("/")[2]), "stripe")
            if url.path.startswith("/mollie/checkout/"):
                return self._page(standin.mollie.get(url.path.split("/")[3]), "mollie")
            if standin.failing:
                return self._send(500, {"error": {"message": "down"}})
            if url.path == "/v1/checkout/sessions":
                if self._key() != STRIPE_KEY:
                    return self._stripe_unauthorised()
                return self._send(
                    200,
                    {
                        "object": "list",
                        "url": url.path,
                        "has_more": False,
                        "data": list(standin.sessions.values())[:1],
                    },
                )
            if url.path == "/v2/payments":
                if self._key() != MOLLIE_KEY:
                    return self._mollie_error(401, "Unauthorized Request")
                return self._send(
                    200,
                    {
                        "count": 0,
                        "_embedded": {"payments": []},
                        "_links": {"self": {"href": url.path}},
                    },
                )
            if url.path.startswith("/v2/payments/") and url.path.endswith("/chargebacks"):
                payment = standin.mollie.get(url.path.split("/")[3])
                if payment is None or self._key() != MOLLIE_KEY:
                    return self._mollie_error(404, "No payment exists with token")
                chargebacks = standin.mollie_chargebacks.get(payment["id"], [])
                return self._send(200, {"count": len(chargebacks),
                                        "_embedded": {"chargebacks": chargebacks},
                                        "_links": {"self": {"href": url.path}}},
                                  "application/hal+json")  # fmt: skip
            if url.path.startswith("/v2/payments/"):
                payment = standin.mollie.get(url.path.rsplit("/", 1)[1])
                if payment is None or self._key() != MOLLIE_KEY:
                    return self._mollie_error(404, "No payment exists with token")
                return self._send(200, payment, "application/hal+json")
            return self._send(404, {"error": {"message": "no such endpoint"}})

        def do_POST(self) -> None:
            url, body = urlparse(self.path), self._body()
            standin.calls.append(("POST", url.path))
            if url.path.startswith("/checkout/") and url.path.endswith("/pay"):
                return self._stripe_paid(url.path.split("/")[2])
            if url.path.startswith("/mollie/checkout/") and url.path.endswith("/pay"):
                return self._mollie_paid(url.path.split("/")[3])
            if standin.failing:
                return self._send(500, {"error": {"message": "down"}})
            if url.path == "/v1/checkout/sessions":
                if self._key() != STRIPE_KEY:
                    return self._stripe_unauthorised()
                return self._stripe_session(parse_qs(body.decode()))
            if url.path == "/v2/payments":
                if self._key() != MOLLIE_KEY:
                    return self._mollie_error(401, "Unauthorized Request")
                return self._mollie_payment(json.loads(body))
            return self._send(404, {"error": {"message": "no such endpoint"}})

        def _stripe_unauthorised(self) -> None:
            self._send(401, {"error": {"type": "invalid_request_error",
                                       "message": "Invalid API Key provided"}})  # fmt: skip

        def _mollie_error(self, status: int, detail: str) -> None:
            self._send(status, {"status": status, "title": "Error", "detail": detail},
                       "application/hal+json")  # fmt: skip

        def _stripe_session(self, form: dict[str, list[str]]) -> None:
            def one(name: str) -> str:
                return form.get(name, [""])[0]

            session_id = f"cs_test_{secrets.token_hex(12)}"
            methods = [value for name, values in sorted(form.items())
                       if name.startswith("payment_method_types[") for value in values]  # fmt: skip
            session = {
                "id": session_id, "object": "checkout.session", "mode": one("mode"),
                "url": f"{standin.base}/checkout/{session_id}",
                "amount_total": int(one("line_items[0][price_data][unit_amount]")),
                "currency": one("line_items[0][price_data][currency]"),
                "description": one("line_items[0][price_data][product_data][name]"),
                "client_reference_id": one("client_reference_id"),
                "metadata": {"online_payment": one("metadata[online_payment]")},
                "payment_method_types": methods, "payment_status": "unpaid", "status": "open",
                "payment_intent": None, "locale": one("locale"),
                "success_url": one("success_url"), "cancel_url": one("cancel_url"),
            }  # fmt: skip
            standin.sessions[session_id] = session
            self._send(200, session)

        def _mollie_payment(self, data: dict[str, Any]) -> None:
            payment_id = f"tr_{secrets.token_hex(8)}"
            payment = {
                "resource": "payment", "id": payment_id, "mode": "test", "status": "open",
                "amount": data["amount"], "description": data["description"],
                "redirectUrl": data["redirectUrl"], "webhookUrl": data["webhookUrl"],
                "metadata": data.get("metadata"), "locale": data.get("locale"),
                "method": None, "requested_methods": data.get("method"),
                "_links": {"checkout": {"href": f"{standin.base}/mollie/checkout/{payment_id}"}},
            }  # fmt: skip
            standin.mollie[payment_id] = payment
            self._send(201, payment, "application/hal+json")

        def _page(self, thing: dict[str, Any] | None, provider: str) -> None:
            if thing is None:
                return self._send(404, b"unknown checkout", "text/plain")
            if provider == "stripe":
                amount = f"{Decimal(thing['amount_total']) / 100:.2f} {thing['currency'].upper()}"
            else:
                amount = f"{thing['amount']['value']} {thing['amount']['currency']}"
            page = (f"<!doctype html><html><head><title>Checkout</title></head><body>"
                    f"<h1>Paiement {html.escape(provider)}</h1>"
                    f"<p data-amount>{html.escape(amount)}</p>"
                    f"<form method='post' action='{self.path}/pay'>"
                    f"<button type='submit'>Pay</button></form></body></html>")  # fmt: skip
            self._send(200, page.encode(), "text/html; charset=utf-8")

        def _stripe_paid(self, session_id: str) -> None:
            body, headers = standin.stripe_pay(session_id)
            standin.deliver(standin.stripe_webhook_url, body, headers)
            back = standin.sessions[session_id]["success_url"]
            self._send(303, b"", "text/plain", {"Location": back})

        def _mollie_paid(self, payment_id: str) -> None:
            body = standin.mollie_pay(payment_id)
            payment = standin.mollie[payment_id]
            standin.deliver(payment["webhookUrl"], body,
                            {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
            self._send(303, b"", "text/plain", {"Location": payment["redirectUrl"]})

    return Handler


class StandInServer:
    def __init__(self) -> None:
        self.standin = StandIn()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.standin))
        self.standin.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self.standin

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
