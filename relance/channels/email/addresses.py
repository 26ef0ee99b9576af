"""E-mail addresses as the standard library reads them, remembered.

No Django here: the settings use it while Django is starting.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from functools import lru_cache

# local-part@domain, each dot-separated atoms (RFC 5322 3.4.1): read as it is written.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_BARE_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*")


@lru_cache(maxsize=4096)
def address_parts(value: str) -> tuple[str, str]:
    """(display name, address) of "Name <a@b.example>" or "a@b.example", as ``parseaddr``
    reads them. Remembered: a day's messages share one sender, and parsing costs more than
    writing the rest of the headers."""
    if _BARE_ADDRESS.fullmatch(value):
        return "", value  # nothing to parse
    name, address = parseaddr(value)
    return name, address
