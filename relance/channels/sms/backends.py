"""SMS providers behind one small interface, chosen by the ``SMS_URL`` environment variable.

``SMS_URL`` forms (``backend_from_url``):

* unset, empty, ``console:``: ``ConsoleBackend``, prints each SMS to standard output
  (development; nothing leaves the machine, as with ``EMAIL_URL=console:``);
* ``brevo://API_KEY@api.brevo.com``: Brevo (ex-Sendinblue) transactional SMS, over HTTPS.
  An optional path replaces the endpoint (``/v3/transactionalSMS/sms``, the older one), an
  optional ``?timeout=SECONDS`` the 10-second timeout. ``brevo+http://KEY@127.0.0.1:PORT``
  talks plain HTTP: only for a local test server.

Errors are ``SmsError``. ``permanent``: this message will never go (bad number, refused
content); retrying is pointless. ``maybe_sent``: the request reached the provider but no answer
came back (read timeout, connection cut), so the SMS may have left: the outbox must not retry it
by itself (it could go twice), a person decides.
"""

from __future__ import annotations

import http.client
import json
import sys
import uuid
from dataclasses import dataclass, field
from typing import Protocol, TextIO
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, unquote, urlsplit
from urllib.request import Request, urlopen

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from relance.channels.sms.segments import segment_count

BREVO_HOST = "api.brevo.com"
# /v3/transactionalSMS/sms is deprecated by Brevo (still served) in favour of this one; both take
# the same JSON body and answer {"messageId": ...}.
BREVO_PATH = "/v3/transactionalSMS/send"
DEFAULT_TIMEOUT = 10.0
# Account-level refusals (bad key, no credits left, IP not allowed): not the message's fault and
# fixed by a person within hours, so retried with back-off instead of killing every SMS queued.
_ACCOUNT_ERRORS = frozenset({401, 402, 403})


class SmsError(Exception):
    """The SMS did not leave (or may have: ``maybe_sent``)."""

    def __init__(self, message: str, permanent: bool, *, maybe_sent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.maybe_sent = maybe_sent


class SmsBackend(Protocol):
    name: str

    def send(self, to: str, text: str, sender: str) -> str:
        """Hand one SMS to the provider; return the provider's message id."""
        ...


@dataclass
class ConsoleBackend:
    """Prints each SMS instead of sending it (development)."""

    stream: TextIO | None = None
    name: str = "console"

    def send(self, to: str, text: str, sender: str) -> str:
        length = segment_count(text)
        out = self.stream or sys.stdout
        out.write(
            f"--- SMS {sender} -> {to} ({length.encoding}, {length.characters} caractères, "
            f"{length.segments} SMS)\n{text}\n---\n"
        )
        out.flush()
        return f"console-{uuid.uuid4().hex}"


@dataclass
class BrevoBackend:
    """Brevo transactional SMS: ``POST {base_url}{path}``, header ``api-key``, JSON body."""

    api_key: str
    base_url: str = f"https://{BREVO_HOST}"
    path: str = BREVO_PATH
    timeout: float = DEFAULT_TIMEOUT
    name: str = field(default="brevo", init=False)

    def send(self, to: str, text: str, sender: str) -> str:
        body = {
            "sender": sender,
            "recipient": to.removeprefix("+"),  # Brevo's examples: country code, no "+"
            "content": text,
            "type": "transactional",  # dunning is not marketing (docs/legal-rules.md §7)
            # Without it Brevo sends GSM-7 and mangles "ç", "ê", "’"...
            "unicodeEnabled": segment_count(text).encoding == "UCS-2",
        }
        request = Request(
            self.base_url.rstrip("/") + self.path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "api-key": self.api_key,
                "content-type": "application/json",
                "accept": "application/json",
                "user-agent": "relance",
            },
        )
        try:
            with urlopen(request, timeout=self.timeout) as response:
                answer = response.read()
        except HTTPError as exc:
            raise _http_error(exc) from exc
        except URLError as exc:  # raised before the request was sent: it did not leave
            raise SmsError(f"Brevo injoignable : {exc.reason}", permanent=False) from exc
        except (OSError, http.client.HTTPException) as exc:  # after sending: no answer
            raise SmsError(
                _("Brevo n'a pas répondu (%(cause)s) : le SMS est peut-être parti")
                % {"cause": type(exc).__name__},
                permanent=False,
                maybe_sent=True,
            ) from exc
        return _message_id(answer)


def _message_id(answer: bytes) -> str:
    """The provider's id; "" when a 2xx answer has none (the SMS was accepted all the same)."""
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return ""
    value = data.get("messageId", "") if isinstance(data, dict) else ""
    return str(value)


def _http_error(exc: HTTPError) -> SmsError:
    try:
        data = json.loads(exc.read() or b"{}")
        detail = (
            str(data.get("message") or data.get("code") or "") if isinstance(data, dict) else ""
        )
    except (ValueError, OSError):
        detail = ""
    status = exc.code
    message = f"Brevo a refusé le SMS (HTTP {status})" + (f" : {detail}" if detail else "")
    permanent = 400 <= status < 500 and status != 429 and status not in _ACCOUNT_ERRORS
    return SmsError(message, permanent=permanent)


def _fail(url: str, expected: str) -> ImproperlyConfigured:
    parts = urlsplit(url)
    if "@" in parts.netloc:  # never show the key (or a password) in a log
        url = parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()
    return ImproperlyConfigured(f"SMS_URL={url!r} is not valid: expected {expected}.")


def backend_from_url(url: str | None) -> SmsBackend:
    """The backend ``SMS_URL`` names (see the module docstring)."""
    if not url or url.strip() in ("console:", "console://"):
        return ConsoleBackend()
    parts = urlsplit(url.strip())
    if parts.scheme not in ("brevo", "brevo+http"):
        raise _fail(url, "console: or brevo://API_KEY@api.brevo.com")
    if not parts.username:
        raise _fail(url, "the Brevo API key before the host: brevo://API_KEY@api.brevo.com")
    try:
        port = parts.port
    except ValueError as exc:
        raise _fail(url, "a numeric port") from exc
    host = parts.hostname or BREVO_HOST
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    try:
        timeout = float(query.get("timeout", DEFAULT_TIMEOUT))
    except ValueError as exc:
        raise _fail(url, "a number of seconds in ?timeout=") from exc
    scheme = "http" if parts.scheme == "brevo+http" else "https"
    return BrevoBackend(
        api_key=unquote(parts.username),
        base_url=f"{scheme}://{host}" + (f":{port}" if port else ""),
        path=parts.path if parts.path not in ("", "/") else BREVO_PATH,
        timeout=timeout,
    )
