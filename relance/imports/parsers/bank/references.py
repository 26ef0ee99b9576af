"""Structured payment references found in bank data: Belgian +++ and ISO 11649 RF.

The rules (check digits) live in ``relance.core.payment_reference``; here they are only
recognised, validated through it and written in one canonical form.
"""

from __future__ import annotations

import re

from relance.core.payment_reference import checked_belgian, checked_rf

# +++123/4567/89012+++ or ***123/4567/89012***, tolerant of spaces; or 12 bare digits.
_BELGIAN = re.compile(r"(?:\+{3}|\*{3})\s*(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})\s*(?:\+{3}|\*{3})")
_RF = re.compile(r"\bRF\s?(\d{2})((?:\s?[A-Z0-9]){1,21})\b", re.IGNORECASE)


# The checks themselves live with the other reference rules.
belgian = checked_belgian
rf = checked_rf


def normalise(reference: str) -> str:
    """A reference given as structured: canonical when recognised, else itself, stripped."""
    value = reference.strip()
    digits = re.sub(r"[\s+*/]", "", value)
    return belgian(digits) or rf(value) or value


def find(text: str) -> str:
    """The first valid Belgian or RF reference written in free text, else ``""``."""
    for match in _BELGIAN.finditer(text):
        found = belgian("".join(match.groups()))
        if found:
            return found
    for match in _RF.finditer(text):
        # Printed in groups of four, a reference can run into the words after it: the
        # longest run of groups whose check holds wins.
        groups = match.group(0).split()
        for size in range(len(groups), 0, -1):
            found = rf("".join(groups[:size]))
            if found:
                return found
    return ""
