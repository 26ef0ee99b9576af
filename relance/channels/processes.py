"""One send shared between processes, for the machines where one process is the limit.

Each process takes the messages whose id, modulo the number of processes, is its own: no two
ever reach for the same message (the claim would stop the second one anyway, but only after a
wasted round trip). Every process opens its own database connection and its own connections
to the mail server; every message still goes through the one send loop (claim, last "still
due?" check, hand over, outcome written before the next leaves).

Processes are forked (Linux): the children start at once, with the settings and code already
loaded. The parent closes its database connections first, so that no connection is shared
across the fork; inside a transaction (a caller's ``atomic``) that is not possible, and the
work runs in this process alone.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TypeVar, cast

from django.db import connections
from django.utils.translation import gettext as _

Result = TypeVar("Result")
# Two by default: on the machines relance is sized for (2 to 4 cores) one process builds and
# signs while the other waits on the server; more connections than that to one mail
# provider starts to meet its limits.
SEND_PROCESSES = min(2, os.cpu_count() or 1)
PR_SET_PDEATHSIG = 1  # prctl(2), Linux


@dataclass(frozen=True, slots=True)
class Share:
    """The messages whose ``id % of == index``."""

    index: int
    of: int


class ProcessFailed(RuntimeError):
    """A process of a shared send stopped with an error (what it had claimed is recovered as
    stale by the next send, as after any crash)."""


Work = Callable[[Share | None, str], Result]


def in_processes(count: int, work: Work[Result], *, worker: str) -> list[Result]:
    """``work(share, worker name)`` in ``count`` processes, this one included; their results.

    One process (``work(None, worker)``) when ``count`` is 1, when the platform cannot fork,
    or inside a transaction."""
    if count < 2 or not _can_fork():
        return [work(None, worker)]
    connections.close_all()
    if any(connection.connection is not None for connection in connections.all()):
        return [work(None, worker)]  # one that would not close: never share it with a child
    context = multiprocessing.get_context("fork")
    children: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    for index in range(1, count):
        receiving, sending = context.Pipe(duplex=False)
        process = context.Process(
            target=_child,
            args=(work, Share(index, count), f"{worker}/{index}", sending, os.getpid()),
        )
        process.start()
        sending.close()
        children.append((process, receiving))
    results: list[Result] = []
    errors: list[str] = []
    try:
        results.append(work(Share(0, count), f"{worker}/0"))
    finally:
        for child, receiving in children:
            ok, value = _answer(receiving)
            child.join()
            if ok:
                results.append(cast(Result, value))
            else:
                errors.append(str(value))
    if errors:
        raise ProcessFailed(_("Un processus d'envoi s'est arrêté : %(errors)s")
                            % {"errors": "; ".join(errors)})  # fmt: skip
    return results


def _can_fork() -> bool:
    if not sys.platform.startswith("linux"):
        return False  # fork is unsafe on macOS and absent on Windows
    opened = connections.all(initialized_only=True)
    return not any(connection.in_atomic_block for connection in opened)


def _child(work: Work[Result], share: Share, worker: str, answer: Connection, parent: int) -> None:
    _die_with(parent)
    # No clean-up of what the child inherited (a connection object the parent dropped and has
    # not collected yet would say goodbye to the server on a socket the parent still shares).
    gc.disable()
    try:
        result = work(share, worker)
    except BaseException as exc:  # reported to the parent, which raises
        answer.send((False, f"{type(exc).__name__}: {exc}"))
    else:
        answer.send((True, result))
    finally:
        connections.close_all()
        answer.close()


def _die_with(parent: int) -> None:
    """A send that is killed stops whole: the child gets SIGKILL when its parent dies (a
    child left running would go on sending after the send was stopped)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _answer(receiving: Connection) -> tuple[bool, object]:
    try:
        ok, value = receiving.recv()
    except EOFError:
        return False, _("le processus s'est arrêté sans réponse")
    return bool(ok), value
