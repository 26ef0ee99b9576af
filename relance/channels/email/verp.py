"""Each message's own return path (VERP), so that a bounce names the message it is about.

A message leaves with the envelope sender ``bounces+<token>@<domain>``; the server that cannot
deliver it sends its failure report to that address, whatever the report quotes (or not) of the
original. The token is the message's UUID and a keyed hash (``SECRET_KEY``): an address made up
for another message matches nothing. The domain is the one of the message's From by default,
so that SPF checks the domain the debtor sees (DMARC alignment); ``RELANCE_BOUNCE_ADDRESS``
chooses another mailbox.

This module is the one home of the rule: the SMTP sender asks it for the return path, the
inbound hook and the mailbox poll (through ``tracking.inbound_message``) ask it which message
an address belongs to.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from email.utils import getaddresses, parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import constant_time_compare, salted_hmac

from relance.channels.email.addresses import address_parts

if TYPE_CHECKING:
    from relance.channels.models import OutboundMessage

DEFAULT_LOCAL_PART = "bounces"
SIGNATURE_LENGTH = 12
# A local part holds at most 64 characters (RFC 5321): "+", 32 for the UUID, the signature.
MAX_LOCAL_PART = 64 - 1 - 32 - SIGNATURE_LENGTH
TOKEN = re.compile(rf"\+([0-9a-f]{{32}})([0-9a-f]{{{SIGNATURE_LENGTH}}})@", re.IGNORECASE)
_SALT = "relance.channels.verp"


def bounce_address_setting(value: str) -> str:
    """Validate ``RELANCE_BOUNCE_ADDRESS`` (empty: ``bounces@`` the From's domain)."""
    value = value.strip()
    if not value:
        return ""
    local, at, domain = parseaddr(value)[1].rpartition("@")
    if not at or not local or "." not in domain or "+" in local or len(local) > MAX_LOCAL_PART:
        raise ImproperlyConfigured(
            f"RELANCE_BOUNCE_ADDRESS={value!r} is not valid: expected an address such as "
            f"bounces@mail.example.com (at most {MAX_LOCAL_PART} characters before the @, no +)."
        )
    return f"{local}@{domain.lower()}"


def _signature(message_uuid: str) -> str:
    return salted_hmac(_SALT, message_uuid).hexdigest()[:SIGNATURE_LENGTH]


def return_path(message: OutboundMessage) -> str:
    """The envelope sender (MAIL FROM) of ``message``: its own bounce address."""
    configured: str = settings.RELANCE_BOUNCE_ADDRESS
    if configured:
        local, _, domain = configured.rpartition("@")
    else:
        local, domain = DEFAULT_LOCAL_PART, address_parts(message.sender)[1].rpartition("@")[2]
    token = uuid.UUID(str(message.uuid)).hex
    return f"{local}+{token}{_signature(token)}@{domain or 'localhost'}"


def message_for_addresses(addresses: Iterable[str]) -> OutboundMessage | None:
    """The message whose return path is one of ``addresses`` (a forged token matches none)."""
    from relance.channels.models import OutboundMessage

    for address in addresses:
        found = TOKEN.search(address)
        if found is None:
            continue
        token, signature = found.group(1).lower(), found.group(2).lower()
        if constant_time_compare(signature, _signature(token)):
            message = OutboundMessage.objects.filter(uuid=uuid.UUID(token)).first()
            if message is not None:
                return message
    return None


# Where a report says to whom it was delivered: the servers' envelope headers, then To
# (delivery reports are addressed to the envelope sender of the message that failed).
ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")


def envelope_addresses(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The addresses of the envelope headers among ``headers`` (name, value) pairs."""
    wanted = {name.lower() for name in ENVELOPE_HEADERS}
    values = [str(value) for name, value in headers if name.lower() in wanted]
    return [address for _, address in getaddresses(values) if address]
