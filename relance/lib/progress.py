"""Progress of a long task (an import, the daily run), shown to whoever started it."""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm


class Progress:
    """Does nothing; subclasses show it. ``phase`` starts a step of ``total`` units."""

    def phase(self, label: str, total: int) -> None:
        pass

    def advance(self, done: int) -> None:
        """``done`` units of the current phase are finished (a running count, not a delta)."""

    def close(self) -> None:
        pass


class TerminalProgress(Progress):
    """A progress bar per phase on stderr, with units (rows, customers) per second."""

    def __init__(self, enabled: bool, unit: str = " lignes") -> None:
        self.enabled = enabled
        self.unit = unit
        self.bar: tqdm[Any] | None = None

    def phase(self, label: str, total: int) -> None:
        self.close()
        if self.enabled:
            self.bar = tqdm(
                total=total or None,
                desc=label,
                unit=self.unit,
                unit_scale=True,
                file=sys.stderr,
                leave=False,
                dynamic_ncols=True,
            )

    def advance(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
