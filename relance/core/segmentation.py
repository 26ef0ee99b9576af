"""Sorting customers into segments by their payment behaviour. Pure: figures in, segment out.

A customer's *figures* are measured from their history as of a date (the caller computes
them, see ``relance.dunning.segments``). An ordered list of *rules* then decides: the first
rule whose conditions hold gives the segment; the last rule has no condition and catches
everyone else. Every decision comes with an explanation naming the figures that made the
rule match and, for the rules tried before it, why they did not: ``Text`` sentences, French
by default, that the pages show in the reader's language (``relance.core.text``).

Definitions (also in docs/segments.md):

* An *item* is an instalment (an invoice with a single due date is one item).
* A *paid* item is fully settled as of the date with at least one payment; it was paid on the
  date of its last payment allocation. Items settled by credit notes alone say nothing about
  payment behaviour and are left out.
* An item is *late* when it was paid more than ``LATE_DAYS`` (15) days after its due date, or
  is still unpaid more than 15 days after it. An item is *judged* when it is paid, or unpaid
  and more than 15 days past due; ``late_pct`` is late items over judged items, and
  ``on_time_pct`` its complement ("almost always on time" = at least 95 %).
* A customer *has history* when at least one item is judged. Without history every figure
  about behaviour is ``None`` and the customer is put in the catch-all segment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from relance.core.text import Param, Text, TextError, gettext_noop, sentence

LATE_DAYS = 15
HUNDRED = Decimal(100)

OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
}
MATCHES = ("any", "all")


class SegmentRuleError(TextError):
    pass


@dataclass(frozen=True, slots=True)
class CustomerFigures:
    """What a customer's history says as of a date. ``None``: cannot be measured (yet)."""

    has_history: bool = False
    paid_items: int = 0  # items fully paid: the size of the history
    judged_items: int = 0  # paid items + items unpaid more than 15 days after their due date
    late_items: int = 0  # of the judged items, paid or still unpaid 15+ days after due date
    due_items: int = 0  # items whose due date has come
    avg_days_late: Decimal | None = None  # paid items, weighted by amount paid; early < 0
    late_pct: Decimal | None = None  # late_items / judged_items, in %
    on_time_pct: Decimal | None = None  # 100 - late_pct
    reminders_per_invoice: Decimal | None = None  # reminder items / due items
    reminder_items: int = 0
    relationship_days: int | None = None  # since customer_since, else the first invoice
    invoices: int = 0
    avg_invoice: Decimal | None = None  # in the portfolio's currency
    total_invoiced: Decimal = Decimal("0.00")
    open_disputes: int = 0
    disputes: int = 0
    broken_promises: int = 0

    def as_dict(self) -> dict[str, Any]:
        # Every field is a plain number or flag: no need for asdict's deep copy.
        return {name: _json_number(getattr(self, name)) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Figures of the whole organisation that rules may compare a customer with."""

    median_invoice: Decimal | None = None
    currency: str = "EUR"


def measure(
    *,
    paid_items: int,
    late_paid_items: int,
    unpaid_late_items: int,
    due_items: int,
    paid_amount: Decimal,
    paid_amount_days: Decimal,
    reminder_items: int,
    relationship_days: int | None,
    invoices: int,
    total_invoiced: Decimal,
    open_disputes: int,
    disputes: int,
    broken_promises: int,
) -> CustomerFigures:
    """Figures from counts and sums (``paid_amount_days``: sum of amount x days late)."""
    judged = paid_items + unpaid_late_items
    late = late_paid_items + unpaid_late_items
    late_pct = _ratio(late * HUNDRED, Decimal(judged))
    return CustomerFigures(
        has_history=judged > 0,
        paid_items=paid_items,
        judged_items=judged,
        late_items=late,
        due_items=due_items,
        avg_days_late=_ratio(paid_amount_days, paid_amount),
        late_pct=late_pct,
        on_time_pct=None if late_pct is None else HUNDRED - late_pct,
        reminders_per_invoice=_ratio(Decimal(reminder_items), Decimal(due_items)),
        reminder_items=reminder_items,
        relationship_days=relationship_days,
        invoices=invoices,
        avg_invoice=_ratio(total_invoiced, Decimal(invoices), places="0.01"),
        total_invoiced=total_invoiced,
        open_disputes=open_disputes,
        disputes=disputes,
        broken_promises=broken_promises,
    )


def _ratio(numerator: Decimal, denominator: Decimal, places: str = "0.01") -> Decimal | None:
    if not denominator:
        return None
    return (numerator / denominator).quantize(Decimal(places), ROUND_HALF_UP)


def _json_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# Figures a rule may test: name -> (unit, description of the figure "%(v)s").
FIGURES: dict[str, tuple[str, str]] = {
    "late_pct": ("%", gettext_noop("%(v)s des factures payées avec plus de 15 jours de retard")),
    "on_time_pct": (
        "%", gettext_noop("%(v)s des factures payées dans les 15 jours suivant l'échéance")
    ),
    "avg_days_late": (
        "days", gettext_noop("retard moyen de paiement de %(v)s (pondéré par les montants)")
    ),
    "reminders_per_invoice": (
        "ratio", gettext_noop("%(v)s relance(s) par facture échue en moyenne")
    ),
    "broken_promises": ("count", gettext_noop("%(v)s promesse(s) de paiement non tenue(s)")),
    "relationship_days": ("days", gettext_noop("client depuis %(v)s")),
    "avg_invoice": ("money", gettext_noop("facture moyenne de %(v)s")),
    "avg_invoice_vs_median": (
        "ratio", gettext_noop("facture moyenne égale à %(v)s fois la médiane")
    ),
    "total_invoiced": ("money", gettext_noop("%(v)s facturés au total")),
    "invoices": ("count", gettext_noop("%(v)s facture(s) émise(s)")),
    "paid_items": ("count", gettext_noop("%(v)s facture(s) payée(s)")),
    "due_items": ("count", gettext_noop("%(v)s facture(s) échue(s)")),
    "open_disputes": ("count", gettext_noop("%(v)s litige(s) en cours")),
    "disputes": ("count", gettext_noop("%(v)s litige(s) au total")),
}  # fmt: skip


def figure_value(name: str, figures: CustomerFigures, portfolio: Portfolio) -> Decimal | None:
    if name == "avg_invoice_vs_median":
        if figures.avg_invoice is None or not portfolio.median_invoice:
            return None
        return (figures.avg_invoice / portfolio.median_invoice).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
    value = getattr(figures, name)
    return None if value is None else Decimal(value)


def plain_number(value: Decimal) -> Decimal:
    """At most two decimals, trailing zeros dropped: ``38``, ``1.5``, ``1234.56``."""
    rounded = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return (
        rounded.to_integral_value()
        if rounded == rounded.to_integral_value()
        else rounded.normalize()
    )


def fmt_figure(name: str, value: Decimal, portfolio: Portfolio) -> Param:
    """A figure with its unit (``38 %``, ``12 jours``, ``1 234,50 EUR``), written by ``Text``."""
    unit = FIGURES[name][0]
    if unit == "%":
        return sentence(gettext_noop("%(n)s %%"), n=plain_number(value))
    if unit == "days":
        return sentence(gettext_noop("%(n)s jours"), n=plain_number(value))
    if unit == "money":
        amount = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
        return sentence(
            gettext_noop("%(amount)s %(currency)s"), amount=amount, currency=portfolio.currency
        )
    return plain_number(value)


@dataclass(frozen=True, slots=True)
class Condition:
    figure: str
    op: str
    value: Decimal

    def __post_init__(self) -> None:
        if self.figure not in FIGURES:
            raise SegmentRuleError(
                gettext_noop("indicateur « %(figure)s » inconnu (%(known)s)"),
                figure=self.figure, known=", ".join(sorted(FIGURES)),
            )  # fmt: skip
        if self.op not in OPERATORS:
            raise SegmentRuleError(
                gettext_noop("opérateur « %(op)s » inconnu (%(known)s)"),
                op=self.op, known=", ".join(OPERATORS),
            )  # fmt: skip

    def holds(self, figures: CustomerFigures, portfolio: Portfolio) -> bool:
        value = figure_value(self.figure, figures, portfolio)
        return value is not None and OPERATORS[self.op](value, self.value)

    def describe(self, figures: CustomerFigures, portfolio: Portfolio) -> Text:
        """E.g. ``38 % des factures payées avec plus de 15 jours de retard (seuil : 30 %)``."""
        value = figure_value(self.figure, figures, portfolio)
        threshold = self.threshold(portfolio)
        if value is None:
            label = sentence(FIGURES[self.figure][1], v="?")
            return sentence(
                gettext_noop("non mesurable : %(label)s (seuil : %(threshold)s)"),
                label=label, threshold=threshold,
            )  # fmt: skip
        said = sentence(FIGURES[self.figure][1], v=fmt_figure(self.figure, value, portfolio))
        if self.figure == "avg_invoice_vs_median" and portfolio.median_invoice is not None:
            median = fmt_figure("avg_invoice", portfolio.median_invoice, portfolio)
            said = sentence(gettext_noop("%(text)s du portefeuille (%(median)s)"), text=said,
                        median=median)  # fmt: skip
        return sentence(gettext_noop("%(text)s (seuil : %(threshold)s)"), text=said,
                    threshold=threshold)  # fmt: skip

    def threshold(self, portfolio: Portfolio) -> Param:
        figure = fmt_figure(self.figure, self.value, portfolio)
        # "> 30 %" reads as the bare threshold; the others say how it compares.
        words = {">=": gettext_noop("au moins %(v)s"), "<": gettext_noop("moins de %(v)s"),
                 "<=": gettext_noop("au plus %(v)s")}  # fmt: skip
        return sentence(words[self.op], v=figure) if self.op in words else figure

    def as_dict(self) -> dict[str, Any]:
        return {"figure": self.figure, "op": self.op, "value": _json_number(self.value)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Condition:
        try:
            value = Decimal(str(data["value"]))
            if not value.is_finite():
                raise InvalidOperation
            return cls(figure=str(data["figure"]), op=str(data["op"]), value=value)
        except (KeyError, InvalidOperation, TypeError) as exc:
            raise SegmentRuleError(
                gettext_noop("condition invalide : %(data)s"), data=repr(dict(data))
            ) from exc


@dataclass(frozen=True, slots=True)
class SegmentRule:
    """A segment and when a customer belongs to it: ``any`` or ``all`` of its conditions.

    A rule without conditions matches everyone: it is the catch-all that ends the list.
    """

    key: str
    name: str
    conditions: tuple[Condition, ...] = ()
    match: str = "any"

    def __post_init__(self) -> None:
        if not self.key or not self.key.replace("_", "").replace("-", "").isalnum():
            raise SegmentRuleError(
                gettext_noop("clé de segment invalide « %(key)s »"), key=self.key
            )
        if self.match not in MATCHES:
            raise SegmentRuleError(
                gettext_noop("« %(match)s » : attendu any (l'une) ou all (toutes)"),
                match=self.match,
            )

    @property
    def is_catch_all(self) -> bool:
        return not self.conditions

    def matches(self, figures: CustomerFigures, portfolio: Portfolio) -> bool:
        if self.is_catch_all:
            return True
        combine = any if self.match == "any" else all
        return combine(c.holds(figures, portfolio) for c in self.conditions)

    def as_dict(self) -> dict[str, Any]:
        """The rule as stored (``Segment.rule``) and as users may write it: plain JSON."""
        return {
            "key": self.key,
            "name": self.name,
            "match": self.match,
            "conditions": [condition.as_dict() for condition in self.conditions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SegmentRule:
        conditions = data.get("conditions", [])
        if not isinstance(conditions, list):
            raise SegmentRuleError(gettext_noop("« conditions » doit être une liste"))
        return cls(
            key=str(data.get("key", "")),
            name=str(data.get("name", "") or data.get("key", "")),
            match=str(data.get("match", "any")),
            conditions=tuple(Condition.from_dict(c) for c in conditions),
        )


def check_rules(rules: Sequence[SegmentRule]) -> None:
    """An ordered list is usable when keys are unique and only the last rule catches all."""
    if not rules:
        raise SegmentRuleError(gettext_noop("aucun segment défini"))
    keys = [rule.key for rule in rules]
    if len(set(keys)) != len(keys):
        raise SegmentRuleError(
            gettext_noop("clés de segment en double : %(keys)s"), keys=", ".join(keys)
        )
    if not rules[-1].is_catch_all:
        raise SegmentRuleError(
            gettext_noop("le dernier segment « %(key)s » doit être sans condition"),
            key=rules[-1].key,
        )
    for rule in rules[:-1]:
        if rule.is_catch_all:
            raise SegmentRuleError(
                gettext_noop("seul le dernier segment peut être sans condition (%(key)s)"),
                key=rule.key,
            )


def _c(figure: str, op: str, value: str) -> Condition:
    return Condition(figure=figure, op=op, value=Decimal(value))


# The defaults, from practice. Keys are those of the preset scenarios (relance.core.scenario).
DEFAULT_RULES: tuple[SegmentRule, ...] = (
    SegmentRule(
        key="bad_payer",
        name="Mauvais payeur",
        match="any",
        conditions=(
            _c("late_pct", ">", "30"),
            _c("broken_promises", ">=", "2"),
            _c("reminders_per_invoice", ">", "1.5"),
        ),
    ),
    SegmentRule(
        key="vip",
        name="Client privilégié",
        match="all",
        conditions=(
            _c("relationship_days", ">", "730"),
            _c("avg_invoice_vs_median", ">", "1"),
            _c("on_time_pct", ">=", "95"),
            _c("paid_items", ">=", "5"),
        ),
    ),
    SegmentRule(key="standard", name="Standard"),
)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a customer is in a segment, with the figures it was decided on."""

    segment: str
    rule_name: str
    reasons: tuple[Text, ...]  # what made the rule match
    not_matched: tuple[tuple[str, tuple[Text, ...]], ...] = ()  # earlier rules: (key, why not)
    figures: CustomerFigures = field(default_factory=CustomerFigures)

    def text(self) -> str:
        """In French, for logs and tests."""
        lines = [f"Segment « {self.rule_name} » ({self.segment}) :"]
        lines += [f"  - {reason}" for reason in self.reasons]
        for key, why in self.not_matched:
            lines.append(f"  Pas « {key} » :")
            lines += [f"    - {reason}" for reason in why]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "rule_name": self.rule_name,
            "reasons": [reason.as_json() for reason in self.reasons],
            "not_matched": [
                {"segment": key, "reasons": [reason.as_json() for reason in why]}
                for key, why in self.not_matched
            ],
            "figures": self.figures.as_dict(),
        }


NO_HISTORY = sentence(
    gettext_noop(
        "pas encore d'historique de paiement : aucune facture payée ni impayée plus de 15 "
        "jours après son échéance"
    )
)


def classify(
    figures: CustomerFigures, rules: Sequence[SegmentRule], portfolio: Portfolio
) -> tuple[str, Explanation]:
    """The first rule that matches wins; a customer without history gets the last (catch-all)."""
    check_rules(rules)
    if not figures.has_history:
        last = rules[-1]
        return last.key, Explanation(
            segment=last.key, rule_name=last.name, reasons=(NO_HISTORY,), figures=figures
        )
    tried: list[tuple[str, tuple[Text, ...]]] = []
    for rule in rules:
        if rule.matches(figures, portfolio):
            return rule.key, Explanation(
                segment=rule.key,
                rule_name=rule.name,
                reasons=_why(rule, figures, portfolio),
                not_matched=tuple(tried),
                figures=figures,
            )
        tried.append((rule.key, _why_not(rule, figures, portfolio)))
    raise AssertionError("unreachable: check_rules guarantees a catch-all")  # pragma: no cover


def _why(rule: SegmentRule, figures: CustomerFigures, portfolio: Portfolio) -> tuple[Text, ...]:
    if rule.is_catch_all:
        return (sentence(gettext_noop("aucun critère d'un autre segment n'est rempli")),)
    # "any": only the conditions that hold explain the match; "all": they all hold.
    return tuple(
        c.describe(figures, portfolio) for c in rule.conditions if c.holds(figures, portfolio)
    )


def _why_not(rule: SegmentRule, figures: CustomerFigures, portfolio: Portfolio) -> tuple[Text, ...]:
    # "any": none holds, each is a reason; "all": the failing ones are.
    return tuple(
        c.describe(figures, portfolio) for c in rule.conditions if not c.holds(figures, portfolio)
    )


@dataclass(frozen=True, slots=True)
class Current:
    """A customer's segment as stored: the key, and whether a person chose it."""

    segment: str = ""
    is_manual: bool = False


@dataclass(slots=True)
class SegmentPlan:
    # customer id -> (new segment, explanation) for every customer the run may write
    writes: dict[int, tuple[str, Explanation]] = field(default_factory=dict)
    changed: list[tuple[int, str, str]] = field(default_factory=list)  # (id, before, after)
    counts: dict[str, int] = field(default_factory=dict)  # classified customers per segment
    manual: int = 0


def plan_segments(
    customers: Iterable[tuple[int, Current, CustomerFigures]],
    rules: Sequence[SegmentRule],
    portfolio: Portfolio,
) -> SegmentPlan:
    """Classify every customer; a segment a person chose is never replaced."""
    check_rules(rules)
    plan = SegmentPlan(counts={rule.key: 0 for rule in rules})
    for customer_id, current, figures in customers:
        if current.is_manual:
            plan.manual += 1
            continue
        key, explanation = classify(figures, rules, portfolio)
        plan.writes[customer_id] = (key, explanation)
        plan.counts[key] += 1
        if key != current.segment:
            plan.changed.append((customer_id, current.segment, key))
    return plan
