"""The limits a user template runs under, and the filters that enforce them.

``BUDGET`` holds the counters of the render in progress (a context variable, so threads and
tasks each have their own). ``weigh`` estimates how big a value would print and refuses
anything over the output cap (``MAX_OUTPUT_BYTES`` unless ``Limits`` says otherwise); every
filter, test, comparison, ``~`` and printed value goes through it, so a template cannot build
a value too big to print or compare.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from django.utils.translation import gettext as _
from jinja2.filters import FILTERS
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Undefined
from jinja2.utils import pass_context, pass_environment, pass_eval_context
from markupsafe import Markup, escape, soft_str

from relance.channels.templating.formatting import format_date, format_iban, format_money

MAX_SOURCE_BYTES = 50_000
MAX_OUTPUT_BYTES = 200_000
MAX_PRODUCED_BYTES = 2_000_000  # all text produced, including what macros and blocks buffer
MAX_RANGE = 1_000
MAX_ITERATIONS = 100_000  # loop turns per render, all loops together
MAX_CALLS = 10_000
MAX_CALL_DEPTH = 40
MAX_SECONDS = 2.0
MAX_WIDTH = 200  # center / indent / wordwrap widths
MAX_INT_BITS = 4_096


@dataclass(frozen=True, slots=True)
class Limits:
    """The caps an installation may change (``RELANCE_TEMPLATE_MAX_BYTES`` and
    ``RELANCE_MESSAGE_MAX_BYTES``); the others above are fixed."""

    source: int = MAX_SOURCE_BYTES
    output: int = MAX_OUTPUT_BYTES


DEFAULT_LIMITS = Limits()


class Limit(Exception):
    """A limit was hit while rendering (French message); becomes ``TemplateRejected``."""


@dataclass
class Budget:
    deadline: float
    output: int = MAX_OUTPUT_BYTES
    iterations: int = 0
    calls: int = 0
    depth: int = 0
    produced: int = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise Limit(
                _("le rendu dépasse %(most)s s : simplifiez le modèle")
                % {"most": f"{MAX_SECONDS:g}"}
            )

    def produce(self, size: int) -> None:
        self.produced += size
        if self.produced > MAX_PRODUCED_BYTES:
            raise Limit(_("le modèle produit trop de texte (boucles ou macros)"))


BUDGET: ContextVar[Budget | None] = ContextVar("relance_template_budget", default=None)


def current_budget() -> Budget:
    budget = BUDGET.get()
    if budget is None:
        raise RuntimeError("un modèle utilisateur se rend seulement par render()")
    return budget


def output_limit() -> int:
    """The output cap of the render in progress (the default outside a render)."""
    budget = BUDGET.get()
    return MAX_OUTPUT_BYTES if budget is None else budget.output


def weigh(value: object, limit: int | None = None) -> int:
    """About how many characters ``value`` would print as; refuses anything over ``limit``
    (by default the render's output cap).

    Shared references are counted every time they are met, so a list nested in itself
    through variables (``[a, a]`` repeated) is refused long before it is walked.
    """
    if limit is None:
        limit = output_limit()
    if type(value) is str:  # most values weighed are plain strings: no walk needed
        if len(value) > limit:
            _too_big(limit)
        return len(value)
    total = 0
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Undefined) and item is not value:
            item._fail_with_undefined_error()  # an undefined value hidden in a list
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + len(item)
            if total <= limit:
                stack.extend(item)
        elif isinstance(item, dict):
            total += 2 + 2 * len(item)
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, int) and not isinstance(item, bool):
            if item.bit_length() > MAX_INT_BITS:
                raise Limit("nombre trop grand")
            total += 8
        else:
            total += 8
        if total > limit:
            _too_big(limit)
    return total


def _too_big(limit: int) -> NoReturn:
    raise Limit(
        _("valeur trop grande (plus de %(most)s Ko une fois affichée) : la sortie est limitée")
        % {"most": limit // 1000}
    )


# --- globals, filters and tests --------------------------------------------------------


def limited_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise Limit(
            _("range() est limité à %(most)s éléments (demandé : %(numbers)s)")
            % {"most": MAX_RANGE, "numbers": len(numbers)}
        )
    return numbers


def guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """Weigh a filter's or test's arguments before and its result after."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_budget().tick()
        for argument in (*args, *kwargs.values()):
            if not isinstance(argument, (Context, EvalContext)):
                weigh(argument)
        result = function(*args, **kwargs)
        weigh(result)
        return result

    return wrapper


def _width(value: object, what: str) -> None:
    size = len(value) if isinstance(value, str) else value
    if not isinstance(size, int) or not 0 <= size <= MAX_WIDTH:
        raise Limit(_("%(what)s : largeur limitée à %(most)s") % {"what": what, "most": MAX_WIDTH})


def at_most(size: int, what: str) -> None:
    limit = output_limit()
    if size > limit:
        raise Limit(
            _("%(what)s : le résultat dépasserait %(most)s Ko")
            % {"what": what, "most": limit // 1000}
        )


@pass_eval_context
def _replace(eval_ctx: EvalContext, text: str, old: str, new: str, count: int | None = None) -> Any:
    source = soft_str(text)
    hits = source.count(soft_str(old)) if old else len(source) + 1
    if count is not None and count >= 0:
        hits = min(hits, count)
    at_most(len(source) + hits * max(0, len(soft_str(new)) - len(soft_str(old))), "replace")
    return FILTERS["replace"](eval_ctx, text, old, new, count)


def _center(text: str, width: int = 80) -> Any:
    _width(width, "center")
    return FILTERS["center"](text, width)


def _indent(text: str, width: int | str = 4, first: bool = False, blank: bool = False) -> Any:
    _width(width, "indent")
    pad = len(width) if isinstance(width, str) else width
    at_most(len(soft_str(text)) + (soft_str(text).count("\n") + 1) * pad, "indent")
    return FILTERS["indent"](text, width, first, blank)


@pass_environment
def _wordwrap(
    environment: Any,
    text: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> Any:
    if not isinstance(width, int) or not 1 <= width <= MAX_WIDTH:
        raise Limit(f"wordwrap : largeur entre 1 et {MAX_WIDTH}")
    source = soft_str(text)
    breaks = len(source) // width + source.count("\n") + 1
    at_most(len(source) + breaks * len(wrapstring or "\n"), "wordwrap")
    return FILTERS["wordwrap"](environment, text, width, break_long_words, wrapstring,
                               break_on_hyphens)  # fmt: skip


@pass_eval_context
def _join(eval_ctx: EvalContext, value: Iterable[Any], d: str = "", attribute: Any = None) -> Any:
    items = list(value)
    at_most(weigh(items) + len(soft_str(d)) * len(items), "join")
    return FILTERS["join"](eval_ctx, items, d, attribute)


def _batch(value: Iterable[Any], linecount: int, fill_with: Any = None) -> Any:
    if not isinstance(linecount, int) or not 1 <= linecount <= MAX_RANGE:
        raise Limit(f"batch : taille entre 1 et {MAX_RANGE}")
    return list(FILTERS["batch"](value, linecount, fill_with))


def _slice(value: Iterable[Any], slices: int, fill_with: Any = None) -> Any:
    if not isinstance(slices, int) or not 1 <= slices <= MAX_RANGE:
        raise Limit(f"slice : nombre de parts entre 1 et {MAX_RANGE}")
    return list(FILTERS["slice"](value, slices, fill_with))


OVERRIDES: dict[str, Callable[..., Any]] = {
    "replace": _replace,
    "center": _center,
    "indent": _indent,
    "join": _join,
    "batch": _batch,
    "slice": _slice,
    "wordwrap": _wordwrap,
}


def _language(context: Context, language: str | None) -> str:
    return language or str(context.get("language") or "fr")


@pass_context
def money(
    context: Context, value: Any, currency: str | None = None, language: str | None = None
) -> str:
    if isinstance(value, float):
        value = Decimal(str(value))
    if not isinstance(value, (Decimal, int)) or isinstance(value, bool):
        raise Limit(
            _("money : un montant est attendu, pas « %(type)s »") % {"type": type(value).__name__}
        )
    return format_money(value, _language(context, language),
                        currency or str(context.get("currency") or "EUR"))  # fmt: skip


@pass_context
def date_filter(
    context: Context, value: Any, style: str = "short", language: str | None = None
) -> str:
    if not isinstance(value, date):
        raise Limit(
            _("date : une date est attendue, pas « %(type)s »") % {"type": type(value).__name__}
        )
    return format_date(value, _language(context, language), style)


def iban(value: Any) -> str:
    return format_iban(soft_str(value))


@pass_eval_context
def nl2br(eval_ctx: EvalContext, value: Any) -> Any:
    """Line breaks of a multi-line value (an address) as <br> in HTML; unchanged in text."""
    if not eval_ctx.autoescape:
        return soft_str(value)
    return Markup("<br>\n").join(escape(line) for line in soft_str(value).split("\n"))


# Internal filters the compiler step below inserts (users cannot do anything with them).
def loop_guard(iterable: Iterable[Any], weight: int) -> Iterator[Any]:
    budget = current_budget()
    for item in iterable:
        budget.iterations += 1
        if budget.iterations > MAX_ITERATIONS:
            raise Limit(f"trop de tours de boucle (plus de {MAX_ITERATIONS})")
        budget.tick()
        budget.produce(weight)
        yield item


@pass_eval_context
def concat(eval_ctx: EvalContext, parts: list[Any]) -> str:
    """The ``~`` operator, with a size limit."""
    total = 0
    texts: list[str] = []
    for part in parts:
        weigh(part)
        text = soft_str(part)
        total += len(text)
        at_most(total, "concaténation ~")
        texts.append(text)
    if eval_ctx.autoescape and any(hasattr(text, "__html__") for text in texts):
        return Markup("").join(texts)
    return "".join(texts)


def sized(value: Any) -> Any:
    weigh(value)
    return value


def finalize(value: Any) -> Any:
    budget = current_budget()
    budget.tick()
    if not isinstance(value, Undefined):
        budget.produce(weigh(value))
    return value


OWN_FILTERS: dict[str, Callable[..., Any]] = {
    "money": money,
    "date": date_filter,
    "iban": iban,
    "nl2br": nl2br,
}
