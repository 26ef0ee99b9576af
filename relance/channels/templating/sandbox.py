"""Rendering user-editable templates safely.

A credit controller edits reminder templates in the back-office; a mistake or a hostile
template must never leak data, run code, hang a worker or eat its memory. ``render`` uses
Jinja2's ``ImmutableSandboxedEnvironment`` and tightens it:

* names: only the documented variables (``TEMPLATE_VARIABLES``) and the globals ``range``
  (at most ``MAX_RANGE`` items), ``dict``, ``namespace``, ``cycler``, ``joiner``; an unknown
  name is refused before rendering, with its line;
* attributes: an allow-list per type (the fields of the context dataclasses, a few string
  and dict methods, ``loop.*``), never a name starting with ``_``; ``str.format`` and
  ``%``-formatting of strings are refused;
* filters and tests: an allow-list; the ones whose output can grow (``join``, ``replace``,
  ``center``, ``indent``, ``wordwrap``, ``batch``, ``slice``) check the size first;
* no ``include``/``import``/``extends`` (there is no loader) and no recursive loops;
* limits: source ``MAX_SOURCE_BYTES``, output ``MAX_OUTPUT_BYTES`` (counted while
  generating), ``MAX_ITERATIONS`` loop turns, ``MAX_CALLS`` calls, ``MAX_CALL_DEPTH`` nested
  calls, ``MAX_PRODUCED_BYTES`` of text produced in all (macros and ``{% set %}`` blocks
  included), ``MAX_SECONDS`` of rendering; every value a template builds, compares, prints
  or passes to a filter is weighed first (``MAX_OUTPUT_BYTES``), so nested lists cannot blow up.

Every failure is a ``TemplateRejected`` with a French message, and its line when known.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

from django.utils.translation import gettext as _
from jinja2 import (
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
    meta,
    nodes,
)
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS
from jinja2.runtime import Context, LoopContext, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.tests import TESTS
from jinja2.utils import Cycler, Joiner, Namespace, missing
from jinja2.visitor import NodeTransformer

from relance.channels.templating.context import (
    ALLOWED_ATTRIBUTES,
    TEMPLATE_VARIABLES,
    Collector,
    Customer,
    MessageContext,
    OpenItem,
    Organisation,
    Penalties,
    StepInfo,
)
from relance.channels.templating.guards import (
    BUDGET,
    DEFAULT_LIMITS,
    MAX_CALL_DEPTH,
    MAX_CALLS,
    MAX_INT_BITS,
    MAX_SECONDS,
    OVERRIDES,
    OWN_FILTERS,
    Budget,
    Limit,
    Limits,
    at_most,
    concat,
    current_budget,
    finalize,
    guarded,
    limited_range,
    loop_guard,
    sized,
    weigh,
)

GLOBAL_NAMES = ("range", "dict", "namespace", "cycler", "joiner")
_JINJA_NAMES = ("loop", "self", "caller", "varargs", "kwargs")

SAFE_FILTERS = (
    "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e",
    "escape", "first", "float", "groupby", "indent", "int", "items", "join", "last", "length",
    "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round",
    "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title", "trim",
    "truncate", "unique", "upper", "urlencode", "wordcount", "wordwrap",
)  # fmt: skip
# Not offered: format (%-formatting), safe (would print imported data as raw HTML), pprint,
# tojson, xmlattr, urlize, random (a stored message must be reproducible), filesizeformat.
SAFE_TESTS = (
    "boolean", "defined", "divisibleby", "eq", "equalto", "escaped", "even", "false", "float",
    "ge", "greaterthan", "gt", "in", "integer", "iterable", "le", "lessthan", "lower", "lt",
    "mapping", "ne", "none", "number", "odd", "sameas", "sequence", "string", "true",
    "undefined", "upper",
)  # fmt: skip
SAFE_STR_METHODS = frozenset(
    [
        "capitalize",
        "endswith",
        "isdigit",
        "isalpha",
        "lower",
        "lstrip",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "title",
        "upper",
    ]
)
_DICT_METHODS = frozenset({"get", "items", "keys", "values"})
_DATE_ATTRIBUTES = frozenset({"year", "month", "day"})
_LOOP_ATTRIBUTES = frozenset(
    [
        "index",
        "index0",
        "revindex",
        "revindex0",
        "first",
        "last",
        "length",
        "depth",
        "depth0",
        "previtem",
        "nextitem",
        "cycle",
    ]
)
_CYCLER_ATTRIBUTES = frozenset({"next", "current", "reset"})

_VARIABLE_NAMES = {
    Organisation: "organisation",
    Customer: "customer",
    Collector: "collector",
    StepInfo: "step",
    OpenItem: "une facture de items",
    Penalties: "penalties",
}


class TemplateRejected(TemplateError):
    """A template that cannot be used; ``message`` is French and shown to the user."""

    def __init__(self, message: str, line: int | None = None) -> None:
        text = f"ligne {line} : {message}" if line else message
        super().__init__(text)
        self.line = line


class _Undefined(StrictUndefined):
    """StrictUndefined with French messages naming what is missing."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        name = self._undefined_name
        if self._undefined_obj is missing:
            known = ", ".join(sorted(TEMPLATE_VARIABLES))
            return f"variable inconnue « {name} » (variables disponibles : {known})"
        owner = _VARIABLE_NAMES.get(type(self._undefined_obj), type(self._undefined_obj).__name__)
        allowed = ALLOWED_ATTRIBUTES.get(type(self._undefined_obj))
        hint = f" (disponibles : {', '.join(sorted(allowed))})" if allowed else ""
        return f"« {owner} » n'a pas d'attribut « {name} »{hint}"


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self, *, html: bool) -> None:
        super().__init__(
            autoescape=html,
            undefined=_Undefined,
            finalize=finalize,
            optimized=False,  # never evaluate user expressions at compile time
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
        )
        self.globals.clear()
        self.globals.update(
            range=limited_range, dict=dict, namespace=Namespace, cycler=Cycler, joiner=Joiner
        )
        self.filters = {name: guarded(OVERRIDES.get(name, FILTERS[name])) for name in SAFE_FILTERS}
        self.filters.update({name: guarded(function) for name, function in OWN_FILTERS.items()})
        self.filters.update(_loop_guard=loop_guard, _concat=concat, _sized=sized)  # fmt: skip
        self.tests = {name: guarded(cast(Callable[..., Any], TESTS[name])) for name in SAFE_TESTS}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        allowed = ALLOWED_ATTRIBUTES.get(type(obj))
        if allowed is not None:
            return attr in allowed
        if isinstance(obj, str):
            return attr in SAFE_STR_METHODS
        if isinstance(obj, dict):
            return attr in _DICT_METHODS
        if isinstance(obj, date):
            return attr in _DATE_ATTRIBUTES
        if isinstance(obj, LoopContext):
            return attr in _LOOP_ATTRIBUTES
        if isinstance(obj, Cycler):
            return attr in _CYCLER_ATTRIBUTES
        return isinstance(obj, Namespace)

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format / format_map are simply not on the allow-list

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        owner = _VARIABLE_NAMES.get(type(obj), type(obj).__name__)
        return self.undefined(
            f"accès interdit à l'attribut « {attribute} » de « {owner} »",
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        current_budget().tick()
        if operator == "%" and isinstance(left, str):
            raise SecurityError(_("le formatage de texte par % n'est pas autorisé"))
        if operator == "**":
            numeric = isinstance(right, (int, Decimal, float))
            exponent = abs(Decimal(str(right))) if numeric else Decimal(0)
            base_bits = left.bit_length() if isinstance(left, int) else 64
            if exponent > 64 or base_bits * exponent > MAX_INT_BITS:
                raise Limit("puissance trop grande")
        if operator == "*":
            if isinstance(left, (list, tuple)) or isinstance(right, (list, tuple)):
                raise Limit(_("la répétition de listes n'est pas autorisée"))
            text, times = (left, right) if isinstance(left, str) else (right, left)
            if isinstance(text, str) and isinstance(times, int):
                at_most(len(text) * times, "répétition de texte")
            elif (
                isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > MAX_INT_BITS
            ):
                raise Limit("nombre trop grand")
        if operator == "+" and isinstance(left, (str, list, tuple)):
            at_most(weigh(left) + weigh(right), "addition")
        result = self.binop_table[operator](left, right)
        weigh(result)
        return result

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        budget = current_budget()
        budget.tick()
        budget.calls += 1
        if budget.calls > MAX_CALLS:
            raise Limit(f"trop d'appels de fonctions ou de macros (plus de {MAX_CALLS})")
        budget.depth += 1
        if budget.depth > MAX_CALL_DEPTH:
            raise Limit(
                _("appels imbriqués trop profonds (plus de %(most)s) : récursion ?")
                % {"most": MAX_CALL_DEPTH}
            )
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.depth -= 1
        if isinstance(result, str):
            budget.produce(len(result))
        return result


class _Guard(NodeTransformer):
    """Rewrites the parsed template so loops, ``~`` and comparisons go through the limits."""

    def __init__(self, environment: _Sandbox) -> None:
        self.environment = environment

    def _filter(self, node: nodes.Expr, name: str, *args: nodes.Expr) -> nodes.Filter:
        new = nodes.Filter(node, name, list(args), [], None, None, lineno=node.lineno)
        new.set_environment(self.environment)
        return new

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 (Jinja's visitor names)
        if node.recursive:
            raise TemplateRejected(_("les boucles récursives ne sont pas autorisées"), node.lineno)
        self.generic_visit(node)
        weight = 16 + sum(
            len(data.data) for child in node.body for data in child.find_all(nodes.TemplateData)
        )
        node.iter = self._filter(cast(nodes.Expr, node.iter), "_loop_guard", nodes.Const(weight))
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802 (Jinja's visitor names)
        self.generic_visit(node)
        parts = nodes.List(node.nodes, lineno=node.lineno)
        return self._filter(parts, "_concat")

    def visit_Compare(self, node: nodes.Compare) -> nodes.Node:  # noqa: N802 (Jinja's visitor names)
        self.generic_visit(node)
        node.expr = self._filter(node.expr, "_sized")
        for operand in node.ops:
            operand.expr = self._filter(operand.expr, "_sized")
        return node


_ENVIRONMENTS = {False: _Sandbox(html=False), True: _Sandbox(html=True)}
_ALLOWED_NAMES = frozenset(TEMPLATE_VARIABLES) | frozenset(GLOBAL_NAMES) | frozenset(_JINJA_NAMES)
_FORBIDDEN_TAGS = {
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
}


def _compile(source: str, html: bool, max_source: int) -> Template:
    # Measured before the cache: a source over the cap is never parsed nor kept.
    size = len(source.encode("utf-8"))
    if size > max_source:
        raise TemplateRejected(
            _("modèle trop long (%(size)s Ko, maximum %(most)s Ko) : raccourcissez-le")
            % {"size": size // 1000, "most": max_source // 1000}
        )
    return _compile_checked(source, html)


@lru_cache(maxsize=256)  # the same templates render thousands of times a day
def _compile_checked(source: str, html: bool) -> Template:
    environment = _ENVIRONMENTS[html]
    try:
        tree = environment.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateRejected(f"erreur de syntaxe ({exc.message})", exc.lineno) from None
    for node_type, tag in _FORBIDDEN_TAGS.items():
        for node in tree.find_all(node_type):
            raise TemplateRejected(
                _("l'instruction {%% %(tag)s %%} n'est pas autorisée : un modèle doit être complet")
                % {"tag": tag},
                node.lineno,
            )
    try:
        undeclared = meta.find_undeclared_variables(tree)
    except TemplateSyntaxError as exc:  # an unknown filter or test
        raise TemplateRejected(_french_assertion(exc.message or ""), exc.lineno) from None
    unknown = sorted(undeclared - _ALLOWED_NAMES)
    if unknown:
        line = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == unknown[0]), None)
        known = ", ".join(sorted(TEMPLATE_VARIABLES))
        raise TemplateRejected(
            _("variable inconnue « %(unknown)s » (variables disponibles : %(known)s)")
            % {"unknown": unknown[0], "known": known},
            line,
        )
    tree = cast(nodes.Template, _Guard(environment).visit(tree))
    try:
        return environment.from_string(tree)
    except TemplateSyntaxError as exc:
        raise TemplateRejected(f"erreur de syntaxe ({exc.message})", exc.lineno) from None


def _french_assertion(message: str) -> str:
    match = re.fullmatch(r"No (filter|test) named '(\w+)'\.", message)
    if match:
        what = "filtre" if match.group(1) == "filter" else "test"
        offered = SAFE_FILTERS + tuple(OWN_FILTERS) if what == "filtre" else SAFE_TESTS
        return (
            f"{what} inconnu ou interdit « {match.group(2)} » (disponibles : {', '.join(offered)})"
        )
    return f"erreur de syntaxe ({message})"


def check_template(source: str, *, html: bool, limits: Limits = DEFAULT_LIMITS) -> None:
    """Compile only (for the editor): raises ``TemplateRejected`` on a static problem."""
    _compile(source, html, limits.source)


def _template_line(exc: BaseException) -> int | None:
    line = None
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def render(
    template_source: str, context: MessageContext, *, html: bool, limits: Limits = DEFAULT_LIMITS
) -> str:
    """Render a user template; any failure raises ``TemplateRejected`` (French message)."""
    template = _compile(template_source, html, limits.source)
    deadline = time.monotonic() + MAX_SECONDS
    token = BUDGET.set(Budget(deadline=deadline, output=limits.output))
    try:
        chunks: list[str] = []
        size = 0
        for chunk in template.generate(context.variables()):
            size += len(chunk.encode("utf-8"))
            if size > limits.output:
                raise Limit(
                    _("le texte produit dépasse %(most)s Ko : raccourcissez le modèle")
                    % {"most": limits.output // 1000}
                )
            chunks.append(chunk)
        return "".join(chunks)
    except TemplateRejected:
        raise
    except Limit as exc:
        raise TemplateRejected(str(exc), _template_line(exc)) from None
    except SecurityError as exc:
        raise TemplateRejected(
            _("opération interdite : %(exc)s") % {"exc": exc}, _template_line(exc)
        ) from None
    except UndefinedError as exc:
        raise TemplateRejected(str(exc.message), _template_line(exc)) from None
    except RecursionError:
        raise TemplateRejected(_("récursion trop profonde dans le modèle")) from None
    except MemoryError:
        raise TemplateRejected(_("le modèle demande trop de mémoire")) from None
    except TemplateError as exc:
        raise TemplateRejected(
            _("erreur du modèle : %(message)s") % {"message": exc.message}, _template_line(exc)
        ) from None
    except Exception as exc:
        # A filter given the wrong kind of value, a division by zero…: the template's fault.
        raise TemplateRejected(
            _("erreur pendant le rendu : %(name)s : %(exc)s")
            % {"name": type(exc).__name__, "exc": exc},
            _template_line(exc),
        ) from None
    finally:
        BUDGET.reset(token)
