"""The Brevo backend against a real HTTP server on 127.0.0.1, and the SMS_URL parser."""

from __future__ import annotations

import io
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured

from relance.channels.sms.backends import (
    BREVO_PATH,
    BrevoBackend,
    ConsoleBackend,
    SmsError,
    backend_from_url,
)


def test_sends_the_documented_request_and_returns_the_message_id(brevo):
    brevo.reply(201, {"messageId": 1511882900176220})
    backend = backend_from_url(brevo.url())
    assert backend.send("+33612345678", "Facture F-001 : 120,00 € dus.", "ATELIER") == (
        "1511882900176220"
    )
    [request] = brevo.requests
    assert (request.method, request.path) == ("POST", BREVO_PATH)
    assert request.headers["api-key"] == "xkeysib-test-123"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert request.body == {
        "sender": "ATELIER",
        "recipient": "33612345678",
        "content": "Facture F-001 : 120,00 € dus.",
        "type": "transactional",
        "unicodeEnabled": False,
    }


def test_unicode_is_switched_on_when_the_text_needs_it(brevo):
    brevo.reply(201, {"messageId": 7})
    backend_from_url(brevo.url()).send("+32470123456", "Merci, reçu.", "ATELIER")
    assert brevo.requests[0].body["unicodeEnabled"] is True


def test_the_endpoint_path_can_be_chosen(brevo):
    brevo.reply(201, {"messageId": 8, "reference": "ab1", "smsCount": 1})
    backend_from_url(brevo.url("/v3/transactionalSMS/sms")).send("+33612345678", "x", "ATELIER")
    assert brevo.requests[0].path == "/v3/transactionalSMS/sms"


def test_a_2xx_without_message_id_is_still_sent(brevo):
    brevo.reply(200, b"not json")
    assert backend_from_url(brevo.url()).send("+33612345678", "x", "ATELIER") == ""


def test_400_is_permanent_with_the_providers_reason(brevo):
    brevo.reply(400, {"code": "invalid_parameter", "message": "Invalid recipient"})
    with pytest.raises(SmsError) as caught:
        backend_from_url(brevo.url()).send("+33612345678", "x", "ATELIER")
    assert caught.value.permanent and not caught.value.maybe_sent
    assert "400" in str(caught.value) and "Invalid recipient" in str(caught.value)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 401, 402, 403])
def test_rate_limit_server_and_account_errors_are_temporary(brevo, status):
    brevo.reply(status, {"message": "later"})
    with pytest.raises(SmsError) as caught:
        backend_from_url(brevo.url()).send("+33612345678", "x", "ATELIER")
    assert not caught.value.permanent and not caught.value.maybe_sent
    assert str(status) in str(caught.value)


def test_no_answer_in_time_may_have_sent(brevo):
    brevo.reply(201, {"messageId": 9}, delay=1.0)
    with pytest.raises(SmsError) as caught:
        backend_from_url(brevo.url("?timeout=0.2")).send("+33612345678", "x", "ATELIER")
    assert not caught.value.permanent and caught.value.maybe_sent
    assert len(brevo.requests) == 1  # it did reach the provider


def test_nobody_listening_did_not_send():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = BrevoBackend(api_key="k", base_url=f"http://127.0.0.1:{port}", timeout=1)
    with pytest.raises(SmsError) as caught:
        backend.send("+33612345678", "x", "ATELIER")
    assert not caught.value.permanent and not caught.value.maybe_sent


def test_console_backend_prints_the_sms():
    out = io.StringIO()
    provider_id = ConsoleBackend(stream=out).send("+33612345678", "Bonjour", "ATELIER")
    assert provider_id.startswith("console-")
    assert "ATELIER -> +33612345678" in out.getvalue() and "Bonjour" in out.getvalue()


@pytest.mark.parametrize("url", [None, "", "console:", "console://"])
def test_console_urls(url):
    assert isinstance(backend_from_url(url), ConsoleBackend)


def test_brevo_url():
    backend = backend_from_url("brevo://xkeysib-abc%2Fdef@api.brevo.com")
    assert isinstance(backend, BrevoBackend)
    assert backend.api_key == "xkeysib-abc/def"
    assert backend.base_url == "https://api.brevo.com"
    assert backend.path == BREVO_PATH and backend.timeout == 10.0


@pytest.mark.parametrize(
    "url", ["twilio://SID:SECRET@api.twilio.com", "brevo://api.brevo.com",
            "brevo://SECRET@h:port", "brevo://SECRET@api.brevo.com?timeout=soon"],
)  # fmt: skip
def test_bad_urls_are_refused_without_showing_the_key(url):
    with pytest.raises(ImproperlyConfigured) as caught:
        backend_from_url(url)
    assert "SMS_URL" in str(caught.value)
    assert "SECRET" not in str(caught.value) and "SID" not in str(caught.value)
