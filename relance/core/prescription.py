"""Limitation dates (prescription) of a receivable, and when to warn about them.

Facts from ``docs/legal-rules.md`` §0, §4.2 (France) and §5.6 (Belgium). Not legal advice:
every rule carries its source and whether the research note confirmed it (``verified``).

Conventions, decided here and tested:

* **What the date means.** ``Limitation.last_day`` is the last day on which the creditor can
  still act (sue, obtain an acknowledgement); the claim is time-barred from the next day.
  The period runs from the due date, the day of the due date itself not counted (the
  receivable is payable, hence actionable, from then: docs/legal-rules.md §4.2 "2 years B2C /
  5 years B2B from the due date by default"), and a period in years ends on the day of the last year
  bearing the same date as its start (C. pr. civ. art. 641). When that day does not exist
  (29 February), it is the last day of the month: 29 Feb 2024 + 2 years -> 28 Feb 2026.
* **No postponement to a business day.** C. pr. civ. art. 642 (a *procedural* deadline
  ending on a weekend or holiday moves to the next working day) is flagged unverified in
  docs/legal-rules.md and its application to prescription is not established there: the date is
  the calendar date, which errs on the side of warning early.
* **Starting point in B2C.** The 2 years run from when the creditor knew or should have known
  the facts, in practice when the service was completed or the invoice fell due (§4.2): the
  due date is used.
* **French public buyers** (*déchéance quadriennale*, loi n° 68-1250 du 31 décembre 1968,
  art. 1): 4 years from 1 January of the year following the one in which the rights were
  acquired; the due date's year is taken as that year, so a receivable due in 2026 can be
  claimed until 31 Dec 2030. docs/legal-rules.md gives only "4 years, unverified" (§0, §9 item 6);
  the 1-January starting point is from general knowledge, hence ``verified=False``. Caveat:
  if the service was performed in a year before the due date's year, the true date is one
  year earlier.
* **Belgium** (§5.6, all unverified): B2B 10 years (former C. civ. art. 2262bis, personal
  actions); B2C 1 year (former art. 2272, merchants' claims for goods sold to non-merchants;
  other short periods exist, e.g. for services); no rule for public buyers (``None``).
* **Interruption.** A reminder or *mise en demeure* does not interrupt (Cass. com. 18 mai
  2022, n° 20-23.204); an acknowledgement by the debtor (a signed payment plan, a part-payment
  with acknowledgement), a court claim or an enforcement measure does (§4.2). Pass the date
  of the latest interrupting event as ``interrupted_on``: a new full period starts from it
  (from 1 January of the next year for the *déchéance quadriennale*). An event before the
  due date changes nothing (the period had not started), nor does one after ``last_day``
  (an acknowledgement cannot revive a time-barred claim; a waiver of prescription is a
  different matter, left to a lawyer). Not modelled: suspension (e.g. during a PSRPC
  agreement procedure, §4.5), interruption lasting for the whole of court proceedings, and
  the longer period that runs after a judgment.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from relance.core.rates import read_data_file

KINDS: Final = frozenset({"B2B", "B2C", "PUBLIC"})


@dataclass(frozen=True, slots=True)
class Rule:
    """A limitation period: ``years`` long, from the due date or from the next 1 January."""

    code: str
    years: int
    from_next_january: bool
    source: str
    verified: bool


@dataclass(frozen=True, slots=True)
class Limitation:
    """The last day a receivable can be pursued, with the rule that gave it."""

    last_day: date
    rule: str
    source: str
    verified: bool


def _load_rules() -> dict[tuple[str, str], Rule]:
    """(country, kind) -> rule, from ``data/prescription.csv`` (each row cites its source)."""
    rules: dict[tuple[str, str], Rule] = {}
    for row in csv.DictReader(io.StringIO(read_data_file("prescription.csv"))):
        rules[(row["country"], row["kind"])] = Rule(
            code=row["code"],
            years=int(row["years"]),
            from_next_january=row["from_next_january"] == "yes",
            source=row["source"],
            verified=row["verified"] == "yes",
        )
    return rules


# ``verified`` means "confirmed by the sources of docs/legal-rules.md".
RULES: Final[dict[tuple[str, str], Rule]] = _load_rules()


def add_years(d: date, years: int) -> date:
    """The same day ``years`` later; the last day of the month if that day does not exist."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February, in a year that has none
        return date(d.year + years, 2, 28)


def _period_end(rule: Rule, start: date) -> date:
    if rule.from_next_january:
        # 1 January of start.year + 1, for ``years`` years: ends on 31 December.
        return date(start.year + rule.years, 12, 31)
    return add_years(start, rule.years)


def limitation(
    *, kind: str, country: str, due_date: date, interrupted_on: date | None = None
) -> Limitation | None:
    """The limitation of a receivable, or ``None`` when no rule is known for the country.

    ``kind`` is "B2B", "B2C" or "PUBLIC" (anything else is a programming error);
    ``country`` an ISO alpha-2 code. See the module docstring for the conventions.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown receivable kind {kind!r}; expected one of {sorted(KINDS)}")
    rule = RULES.get((country.strip().upper(), kind))
    if rule is None:
        return None
    last_day = _period_end(rule, due_date)
    source = rule.source
    if interrupted_on is not None and due_date <= interrupted_on <= last_day:
        last_day = _period_end(rule, interrupted_on)
        source = f"{source}; period restarted by an interruption on {interrupted_on.isoformat()}"
    return Limitation(last_day, rule.code, source, rule.verified)


def limitation_date(
    *, kind: str, country: str, due_date: date, interrupted_on: date | None = None
) -> date | None:
    """``limitation(...).last_day``, or ``None`` when no rule is known."""
    found = limitation(kind=kind, country=country, due_date=due_date, interrupted_on=interrupted_on)
    return None if found is None else found.last_day


def needs_attention(limitation: date, today: date, warn_days: int = 90) -> bool:
    """True from ``warn_days`` days before the limitation date on, including once it has passed."""
    if warn_days < 0:
        raise ValueError("warn_days cannot be negative")
    return today >= limitation - timedelta(days=warn_days)
