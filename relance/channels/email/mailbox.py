"""Reading bounces and replies from a mailbox over IMAP (``IMAP_URL``).

Each unread message is handed to ``inbound_message`` (the same path as the inbound hook), then
marked read, so a message is processed once even if the poll runs again or twice at once
(a second reader finds it read, or records nothing new).
"""

from __future__ import annotations

import imaplib
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    use_ssl: bool
    folder: str = "INBOX"


def mailbox_from_url(url: str) -> Mailbox:
    """``imap://user:password@host:143/INBOX`` or ``imaps://…:993/Bounces``."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise ImproperlyConfigured(
            f"IMAP_URL={url!r} is not valid: expected imap[s]://user:password@host[:port][/folder]."
        )
    use_ssl = parts.scheme == "imaps"
    return Mailbox(
        host=parts.hostname,
        port=parts.port or (993 if use_ssl else 143),
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        use_ssl=use_ssl,
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def mailbox_poll(mailbox: Mailbox, *, limit: int = 500) -> dict[str, int]:
    """Process the unread messages of the mailbox; returns how many of each kind."""
    # Imported here: the settings validate IMAP_URL with this module before models load.
    from relance.channels.email.tracking import KINDS, inbound_message

    counts = dict.fromkeys(KINDS, 0)
    factory = imaplib.IMAP4_SSL if mailbox.use_ssl else imaplib.IMAP4
    with factory(mailbox.host, mailbox.port) as connection:
        connection.login(mailbox.user, mailbox.password)
        connection.select(mailbox.folder)
        _, found = connection.uid("SEARCH", "UNSEEN")
        uids = found[0].split()[:limit] if found and found[0] else []
        for uid in uids:
            _, data = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), None)
            if raw is not None:
                counts[inbound_message(bytes(raw)).kind] += 1
            connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    return counts
