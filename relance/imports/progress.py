"""Progress of a long import, reported to whoever started it (terminal bar, web page)."""

from __future__ import annotations


class Progress:
    """Does nothing; subclasses show it. ``phase`` starts a step of ``total`` units."""

    def phase(self, label: str, total: int) -> None:
        pass

    def advance(self, done: int) -> None:
        """``done`` units of the current phase are finished (a running count, not a delta)."""

    def close(self) -> None:
        pass
