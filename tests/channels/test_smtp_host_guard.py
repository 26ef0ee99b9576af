"""An organisation's SMTP server may not be an address inside the installation's network,
so "send a test" cannot be used to probe internal hosts and ports."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from relance.channels.email.host_guard import REFUSED, address_allowed
from relance.channels.email.setup import smtp_test_send
from relance.channels.email.smtp import DeliveryError
from relance.channels.models import OutboundMessage, SmtpSettings
from relance.channels.outbox import send_due
from tests.channels.test_outbox import make_reminders


def use_server(organisation, host: str, port: int) -> None:
    SmtpSettings.objects.update_or_create(
        organisation=organisation, defaults={"host": host, "port": port, "use_tls": False}
    )


def refusal(organisation) -> str:
    with pytest.raises(DeliveryError) as refused:
        smtp_test_send(organisation=organisation, to="moi@atelier.example")
    return str(refused.value)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A port that accepts connections and says nothing: shows whether anyone connected."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        yield server


def connected(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
    except BlockingIOError:
        return False
    return True


@pytest.mark.parametrize(
    "address, allowed",
    [
        ("93.184.215.14", True), ("2a00:1450:4007:80e::2005", True),
        ("127.0.0.1", False), ("10.0.0.1", False), ("172.16.4.4", False),
        ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
        ("0.0.0.0", False), ("224.0.0.1", False), ("255.255.255.255", False), ("::1", False),
        ("::", False), ("fe80::1%1", False), ("fd00::1", False), ("::ffff:127.0.0.1", False),
        ("ff02::1", False),
    ],
)  # fmt: skip
def test_only_public_unicast_addresses_are_allowed(address, allowed):
    assert address_allowed(address) is allowed


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "localhost", "::1"])
def test_the_test_to_an_internal_host_is_refused_before_connecting(organisation, host):
    use_server(organisation, host, 25)
    started = time.monotonic()
    assert refusal(organisation) == REFUSED
    assert time.monotonic() - started < 2  # refused at once, no wait on an unanswered address


def test_an_open_a_silent_and_a_closed_port_get_the_same_words(organisation, smtp_server, listener):
    errors = []
    for port in (smtp_server.port, listener.getsockname()[1], 1):
        use_server(organisation, "127.0.0.1", port)
        errors.append(refusal(organisation))
    assert errors == [REFUSED] * 3
    assert not connected(listener) and smtp_server.messages == []


def test_the_installation_may_allow_private_hosts(organisation, smtp_server, settings):
    settings.RELANCE_SMTP_ALLOW_PRIVATE_HOSTS = True
    use_server(organisation, "localhost", smtp_server.port)
    smtp_test_send(organisation=organisation, to="moi@atelier.example")
    assert len(smtp_server.messages) == 1


def test_the_test_gives_up_after_the_short_timeout(organisation, settings, listener):
    settings.RELANCE_SMTP_ALLOW_PRIVATE_HOSTS = True
    settings.RELANCE_SMTP_TEST_TIMEOUT = 0.5
    use_server(organisation, "127.0.0.1", listener.getsockname()[1])
    started = time.monotonic()
    assert "injoignable" in refusal(organisation)  # the server never greeted
    assert connected(listener) and time.monotonic() - started < 3


def test_reminders_never_go_to_an_internal_host_either(organisation, smtp_server, settings):
    use_server(organisation, "127.0.0.1", smtp_server.port)
    settings.EMAIL_PORT = 9  # only the organisation's server would take them
    messages = make_reminders(organisation, 2)
    summary = send_due(worker="w1")
    assert summary.sent == 0 and smtp_server.messages == []
    for message in OutboundMessage.objects.filter(pk__in=[m.pk for m in messages]):
        assert message.status == "failed" and message.last_error == REFUSED
