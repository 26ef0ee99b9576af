"""Pages without a total count, for lists over very large tables.

Counting every matching row of a filtered list of 100,000 customers or 1,000,000 due dates
costs more than showing the page; "next" only needs one row more than the page holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

PER_PAGE = 50
MAX_PAGE = 100_000


@dataclass
class CountlessPage:
    object_list: list[Any]
    number: int
    has_next: bool
    per_page: int = PER_PAGE

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0


def page_number(request: HttpRequest) -> int:
    """The page asked for; anything malformed is the first page."""
    try:
        return max(1, min(int(request.GET.get("page", 1)), MAX_PAGE))
    except ValueError:
        return 1


def countless_page(
    fetch: Callable[[int, int], list[Any]], *, number: int, per_page: int = PER_PAGE
) -> CountlessPage:
    """``fetch(offset, limit)`` returns up to ``limit`` rows from ``offset``."""
    found = fetch((number - 1) * per_page, per_page + 1)
    return CountlessPage(found[:per_page], number, len(found) > per_page, per_page)
