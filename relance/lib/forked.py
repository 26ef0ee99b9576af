"""Pure work on many items, shared with forked processes: the cores of a small machine used
for what needs no database (writing a day's e-mails from what was read for the whole batch).

The children are forked once everything is read: they start at once, sharing the parent's
memory. In a child every database query raises (nothing is ever read or written twice, and a
connection opened by the parent is never used from two processes); a child that meets one, or
fails in any way, gives no result, and the parent computes that child's items itself: the
result is the same, only slower. Children leave with ``os._exit``: no clean-up runs that
could close the parent's connections under it.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections

Item = TypeVar("Item")
Result = TypeVar("Result")

# Two: the machines relance is sized for have 2 to 4 cores, and the daily run has other
# work going on (the web pages, the sending).
PROCESSES = min(2, os.cpu_count() or 1)
# Below this, forking costs more than it saves.
WORTH_FORKING = 200


class _DatabaseRefused(RuntimeError):
    pass


def map_forked(
    function: Callable[[Item], Result], items: Sequence[Item], *, processes: int | None = None
) -> list[Result]:
    """``[function(item) for item in items]``, the items split into ``processes`` slices
    (default ``PROCESSES``), all but the first computed in forked children."""
    processes = PROCESSES if processes is None else processes
    if processes < 2 or len(items) < WORTH_FORKING or not sys.platform.startswith("linux"):
        return [function(item) for item in items]
    size = -(-len(items) // processes)
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    children = [_fork(function, part) for part in slices[1:]]
    results = [function(item) for item in slices[0]]
    for (pid, reading), part in zip(children, slices[1:], strict=True):
        found = _results(reading)
        os.waitpid(pid, 0)
        results.extend(found if found is not None else [function(item) for item in part])
    return results


def _fork(function: Callable[[Item], Result], part: Sequence[Item]) -> tuple[int, int]:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writing)
        return pid, reading
    os.close(reading)  # the child, from here to os._exit
    gc.disable()  # nothing inherited is cleaned up here (see relance.channels.processes)
    status = 1
    try:
        _refuse_queries()
        data = pickle.dumps([function(item) for item in part], pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writing, "wb") as out:
            out.write(data)
        status = 0
    finally:
        os._exit(status)


def _refuse_queries() -> None:
    for connection in connections.all():
        connection.execute_wrappers.append(_refuse)


def _refuse(*args: Any) -> None:
    raise _DatabaseRefused("no database query in a forked process")


def _results(reading: int) -> list[Any] | None:
    """What a child computed, or None when it gave nothing whole."""
    with os.fdopen(reading, "rb") as source:
        answer = source.read()
    try:
        return list(pickle.loads(answer)) if answer else None
    except (pickle.UnpicklingError, EOFError, ValueError):  # cut short: the child was killed
        return None
