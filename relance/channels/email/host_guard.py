"""Which SMTP servers an organisation may have relance connect to.

An organisation's administrator types the host and port of their SMTP server; relance then
connects there from inside the installation's network. Left open, that would let them reach
what only the server can reach (a database, a cloud metadata address, an internal mail
relay) and map it from the errors. So an organisation's server must resolve to public
addresses only, unless the installation allows private ones
(``RELANCE_SMTP_ALLOW_PRIVATE_HOSTS``: a local mail catcher, an SMTP relay on the LAN).
The check is made on the addresses actually connected to, so a name cannot resolve to a
public address when checked and a private one when used.

The installation's own server (``EMAIL_URL``) is set by whoever runs relance: not checked.
"""

from __future__ import annotations

import ipaddress
import smtplib
import socket

from django.conf import settings

# The same words whatever lies behind the address: an open, closed or silent port must not
# be told apart.
REFUSED = (
    "ce serveur SMTP n'est pas accepté : son adresse est locale, privée ou réservée. "
    "Indiquez le nom public du serveur d'envoi de votre fournisseur"
)


class HostRefused(Exception):
    """The host resolves to an address an organisation's server may not have."""


def address_allowed(address: str) -> bool:
    """Public unicast addresses only: not loopback, link-local, private, shared, multicast,
    unspecified or reserved (an IPv4 address written as IPv6 counts as itself)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def guarded_socket(host: str, port: int, timeout: float) -> socket.socket:
    """A connection to ``host``, refused before any packet leaves when any address the name
    resolves to is not allowed."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    allow_private = settings.RELANCE_SMTP_ALLOW_PRIVATE_HOSTS
    if not allow_private and not all(address_allowed(str(info[4][0])) for info in found):
        raise HostRefused(host)
    error: OSError | None = None
    for family, kind, proto, _name, address in found:
        connection = socket.socket(family, kind, proto)
        try:
            connection.settimeout(timeout)
            connection.connect(address)
        except OSError as exc:
            connection.close()
            error = exc
            continue
        return connection
    raise error or OSError(f"no address for {host}")


class GuardedSMTP(smtplib.SMTP):
    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return guarded_socket(host, port, timeout)


class GuardedSMTPSSL(smtplib.SMTP_SSL, GuardedSMTP):
    """TLS from the start: ``SMTP_SSL`` wraps the guarded connection, checking the
    certificate against the name typed, not the address."""
