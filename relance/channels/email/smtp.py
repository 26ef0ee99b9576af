"""Sending e-mails over SMTP, one connection reused across a batch."""

from __future__ import annotations

import re
import smtplib
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType

from django.conf import settings
from django.utils.translation import gettext

from relance.channels.email import mime
from relance.channels.email.addresses import address_parts
from relance.channels.email.host_guard import (
    REFUSED,
    GuardedSMTP,
    GuardedSMTPSSL,
    HostRefused,
)
from relance.channels.email.verp import return_path
from relance.channels.models import OutboundMessage


class DeliveryError(Exception):
    """The message did not leave. ``permanent``: retrying will not help (bad address...);
    ``maybe_sent``: it was handed over but no answer came, so it may have left."""

    def __init__(self, message: str, *, permanent: bool, maybe_sent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.maybe_sent = maybe_sent


def message_bytes(message: OutboundMessage) -> bytes:
    """The message as it leaves (``relance.channels.email.mime``)."""
    try:
        return mime.message_bytes(message)
    except mime.AttachmentError as exc:
        raise DeliveryError(str(exc), permanent=True) from exc


class SmtpSender:
    """``with SmtpSender.from_settings() as sender: sender.send(message)``.

    A send loop calls ``prepare`` (which reads the DKIM key, once), then ``hand_over`` and,
    once it has done something else meanwhile, the answer ``hand_over`` returned."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        user: str = "",
        password: str = "",
        use_tls: bool = False,
        use_ssl: bool = False,
        timeout: float = 30.0,
        guarded: bool = False,
    ) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self.use_tls, self.use_ssl, self.timeout = use_tls, use_ssl, timeout
        # An organisation's own server: only public addresses (``host_guard``).
        self.guarded = guarded
        self.connection: smtplib.SMTP | None = None
        # Called with (organisation id, From, message bytes); returns the signed bytes.
        self.signer: Callable[[int, str, bytes], bytes] | None = None

    @classmethod
    def for_organisation(cls, organisation_id: int, *, timeout: float = 30.0) -> SmtpSender:
        """The organisation's own SMTP server when it has one, else the one of EMAIL_URL."""
        from relance.channels.email.domains import DkimSigner
        from relance.channels.models import SmtpSettings
        from relance.lib.sealed import unseal

        own = SmtpSettings.objects.filter(organisation_id=organisation_id).first()
        if own is None:
            return cls.from_settings(timeout=timeout)
        sender = cls(
            own.host,
            own.port,
            user=own.username,
            password=unseal(own.password) if own.password else "",
            use_tls=own.use_tls,
            use_ssl=own.use_ssl,
            timeout=timeout,
            guarded=True,
        )
        sender.signer = DkimSigner()
        return sender

    @classmethod
    def from_settings(cls, *, timeout: float = 30.0) -> SmtpSender:
        from relance.channels.email.domains import DkimSigner

        sender = cls(
            settings.EMAIL_HOST or "localhost",
            settings.EMAIL_PORT,
            user=settings.EMAIL_HOST_USER,
            password=settings.EMAIL_HOST_PASSWORD,
            use_tls=settings.EMAIL_USE_TLS,
            use_ssl=settings.EMAIL_USE_SSL,
            timeout=timeout,
        )
        sender.signer = DkimSigner()
        return sender

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        if self.connection is None:
            try:
                connection = self._factory()(self.host, self.port, timeout=self.timeout)
                if self.use_tls:
                    connection.starttls()
                if self.user:
                    connection.login(self.user, self.password)
            except HostRefused as exc:
                raise DeliveryError(REFUSED, permanent=False) from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise DeliveryError(f"serveur SMTP injoignable : {exc}", permanent=False) from exc
            # Each command is written whole and answered before the next: waiting to fill a
            # packet (Nagle) only delays the end of a message, up to the server's ACK timer.
            if connection.sock is not None:
                connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.connection = connection
        return self.connection

    def _factory(self) -> type[smtplib.SMTP]:
        if self.guarded:
            return GuardedSMTPSSL if self.use_ssl else GuardedSMTP
        return smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP

    def prepare(self, message: OutboundMessage) -> bytes:
        """The bytes that leave, signed: the work done before the server is reached."""
        data = message_bytes(message)
        if self.signer is not None:
            data = self.signer(message.organisation_id, message.sender, data)
        return data

    def send(self, message: OutboundMessage) -> None:
        """Hand the message over and wait for the server's answer."""
        self.hand_over(message, self.prepare(message))()

    def hand_over(self, message: OutboundMessage, data: bytes) -> Callable[[], None]:
        """Write the message (``data``: what ``prepare`` gave) to the server and return what
        waits for the server's answer: meanwhile, the server reads the message and the caller
        may prepare the next one. Both raise ``DeliveryError``."""
        recipients = [*message.recipients, *message.copy_to, *message.blind_copy]
        with self._delivery_errors():
            connection = self._connect()
            _write(connection, return_path(message), recipients, data)

        def answer() -> None:
            with self._delivery_errors():
                _read_answer(connection)

        return answer

    @contextmanager
    def _delivery_errors(self) -> Iterator[None]:
        """What went wrong with the server, as a ``DeliveryError`` that says whether a retry
        may help and whether the message may have left."""
        try:
            yield
        except smtplib.SMTPRecipientsRefused as exc:
            # "450 mailbox busy" or "421 closing" may pass later; "550 no such user" will not.
            raise DeliveryError(
                gettext("destinataires refusés : %(recipients)s") % {"recipients": exc.recipients},
                permanent=all(code >= 500 for code, _ in exc.recipients.values()),
            ) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise DeliveryError(
                f"refus du serveur {exc.smtp_code} : {exc.smtp_error!r}",
                permanent=exc.smtp_code >= 500,
            ) from exc
        except _AnswerLost as exc:
            self.close()
            raise DeliveryError(
                gettext(
"le serveur a reçu le message mais sa réponse n'est pas arrivée (%(cause)s) : il "
"est peut-être parti"
) % {"cause": exc.__cause__},
                permanent=False, maybe_sent=True,
            ) from exc  # fmt: skip
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"connexion SMTP interrompue : {exc}", permanent=False) from exc

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


class _AnswerLost(Exception):
    """The whole message went to the server, then its answer never came."""


def _write(connection: smtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> None:
    """``smtplib.SMTP.sendmail`` up to the end of the data, which it cannot say how far it got:
    a failure up to there is a failure (the server does not keep a message whose end it never
    received); the server's answer to the complete message is read by ``_read_answer``."""
    connection.ehlo_or_helo_if_needed()
    options = [f"SIZE={len(data)}"] if connection.has_extn("size") else []
    # MAIL and RCPT written here: smtplib's own parse every address again, for every message.
    code, reply = connection.docmd("mail", " ".join([f"FROM:<{sender}>", *options]))
    if code != 250:
        connection.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in recipients:
        code, reply = connection.docmd("rcpt", f"TO:<{address_parts(recipient)[1]}>")
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        connection.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = connection.docmd("DATA")
    if code != 354:
        connection.rset()
        raise smtplib.SMTPDataError(code, reply)
    ending = b"" if data.endswith(b"\r\n") else b"\r\n"
    connection.send(_LEADING_DOT.sub(b"..", data) + ending + b".\r\n")


def _read_answer(connection: smtplib.SMTP) -> None:
    """The server's answer to a complete message: lost, the message may have left
    (``_AnswerLost``), and must not be sent again by itself."""
    try:
        code, reply = connection.getreply()
    except (TimeoutError, OSError, smtplib.SMTPServerDisconnected) as exc:
        raise _AnswerLost() from exc
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


# A line starting with a dot is sent with one more (RFC 5321 4.5.2): "." alone ends the data.
_LEADING_DOT = re.compile(rb"(?m)^\.")
