"""Where e-mails go: one small interface, three transports.

The send loop (``relance.channels.outbox``) claims, checks and records; a transport only hands
a message over. ``EMAIL_URL`` chooses it: an SMTP server (``smtp://``, ``smtps://``,
``submission://``), the console (``console:``, and when ``EMAIL_URL`` is not set: nothing
leaves the machine), or a directory of ``.eml`` files (``file:///dir``). An organisation with
its own SMTP server always sends through it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self, TextIO

from django.conf import settings
from django.utils.translation import gettext as _

from relance.channels.email.smtp import DeliveryError, SmtpSender, message_bytes
from relance.channels.models import OutboundMessage

CONSOLE = "django.core.mail.backends.console.EmailBackend"
FILES = "django.core.mail.backends.filebased.EmailBackend"


class EmailTransport(Protocol):
    """Hands one message over; raises ``DeliveryError`` when it did not leave."""

    def __enter__(self) -> EmailTransport: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...

    def prepare(self, message: OutboundMessage) -> bytes:
        """The message's bytes as they leave; ``DeliveryError`` when it cannot be made."""
        ...

    def hand_over(self, message: OutboundMessage, data: bytes) -> Callable[[], None]:
        """Hand ``data`` over; returns what waits for the receiving end's answer."""
        ...


def _answered() -> None:
    """The answer of a transport that has none to wait for."""


class _NoConnection:
    def prepare(self, message: OutboundMessage) -> bytes:
        return message_bytes(message)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None


class ConsoleTransport(_NoConnection):
    """Writes each message, as it would leave, to a stream (standard output by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def hand_over(self, message: OutboundMessage, data: bytes) -> Callable[[], None]:
        stream = self.stream or sys.stdout
        stream.write(data.decode("utf-8", "replace"))
        stream.write("\n" + "-" * 79 + "\n")
        stream.flush()
        return _answered


class FileTransport(_NoConnection):
    """Writes each message as ``<uuid>.eml`` in a directory (a mail catcher without a server)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def hand_over(self, message: OutboundMessage, data: bytes) -> Callable[[], None]:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            (self.directory / f"{message.uuid}.eml").write_bytes(data)
        except OSError as exc:
            raise DeliveryError(
                _("écriture impossible dans %(directory)s : %(exc)s")
                % {"directory": self.directory, "exc": exc},
                permanent=False,
            ) from exc
        return _answered


class EmailChannel:
    """An e-mail transport as the send loop takes it: e-mails are never held back by the
    transport (the organisation's sending window is applied before) nor refused by it."""

    def __init__(self, transport: EmailTransport) -> None:
        self.transport = transport

    def __enter__(self) -> Self:
        self.transport.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.transport.__exit__(kind, value, trace)

    def hold_until(self, message: OutboundMessage, now: datetime) -> datetime | None:
        return None

    def refusal(self, message: OutboundMessage) -> str:
        return ""

    def prepare(self, message: OutboundMessage) -> bytes:
        return self.transport.prepare(message)

    def hand_over(self, message: OutboundMessage, prepared: object) -> Callable[[], None]:
        assert isinstance(prepared, bytes)
        return self.transport.hand_over(message, prepared)


def email_transport_for(organisation_id: int) -> EmailTransport:
    """The organisation's own SMTP server when it has one, else the transport of EMAIL_URL."""
    from relance.channels.models import SmtpSettings

    if SmtpSettings.objects.filter(organisation_id=organisation_id).exists():
        return SmtpSender.for_organisation(organisation_id)
    return default_email_transport()


def default_email_transport() -> EmailTransport:
    if settings.EMAIL_BACKEND == CONSOLE:
        return ConsoleTransport()
    if settings.EMAIL_BACKEND == FILES:
        return FileTransport(settings.EMAIL_FILE_PATH)
    return SmtpSender.from_settings()


def email_destination() -> str:
    """Where e-mails go without an organisation server of its own, in a sentence for people."""
    if settings.EMAIL_BACKEND == CONSOLE:
        return _("EMAIL_URL n'est pas défini (ou vaut console:) : les e-mails sont affichés "
                 "dans la console, aucun ne part.")  # fmt: skip
    if settings.EMAIL_BACKEND == FILES:
        return _("Les e-mails sont écrits dans %(path)s (EMAIL_URL=file:).") % {
            "path": settings.EMAIL_FILE_PATH
        }
    return _("Les e-mails partent par le serveur SMTP %(host)s:%(port)s.") % {
        "host": settings.EMAIL_HOST,
        "port": settings.EMAIL_PORT,
    }
