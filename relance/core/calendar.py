"""Business days for reminders: weekends and the public holidays of the customer's country.

The main use is "a step date falling on a weekend or a public holiday of the customer's country
moves to the next business day" (``next_business_day``), plus counting working days, e.g. the
Belgian B2C 14-day period that starts on the 3rd working day after a paper reminder is sent
(docs/legal-rules.md §5.3): ``add_business_days(sent_on, 3)``.

Holidays come from the ``holidays`` package (docs/legal-rules.md §8), national calendar only, except
for France where the customer's postal code selects a regional calendar:

* Alsace-Moselle (departments 57, 67, 68) adds Good Friday and 26 December. ``holidays`` >= 0.10x
  offers exactly that as subdivisions ``"57"`` (Moselle) and ``"6AE"`` (Collectivité européenne
  d'Alsace = 67 + 68). We do *not* use ``"GES"`` (Grand Est): it is wider than 57/67/68, and
  every other Grand Est department (08, 10, 51, 52, 54, 55, 88) keeps the national calendar.
* Overseas departments and collectivities (971-976, Saint-Barthélemy, Saint-Martin, 984-988)
  map to the package's subdivisions, which add the local abolition-of-slavery day.
* Corsica (20xxx -> 2A/2B) and every other department use the national calendar.

Belgium: ``holidays.Belgium`` national (public) holidays; community holidays (11 July, 27 Sept,
15 Nov) are not general days off (docs/legal-rules.md §8). Any other country the package knows:
its national calendar (e.g. ``DE`` = nationwide German holidays, no Land). A country the package
does not know (or an empty country): weekends only — we would rather send on a local holiday
than refuse to plan. Countries are ISO 3166-1 alpha-2 codes, case-insensitive.

Weekend = Saturday and Sunday, for every country.

Performance: building a ``holidays`` object takes milliseconds, so the holiday dates of one
(country, subdivision, year) are computed once per process (``holiday_dates``, LRU-cached) and
calendars are shared instances (``for_customer`` is cached too). A daily run over 100,000
customers only hashes a few small keys per date.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

ONE_DAY = timedelta(days=1)
_FIRST_WEEKEND_DAY = 5  # date.weekday(): Monday = 0 ... Saturday = 5, Sunday = 6

# French department (as derived by ``french_department``) -> ``holidays.France`` subdivision.
_FR_SUBDIVISION_BY_DEPARTMENT = {
    "57": "57",  # Moselle: Good Friday + 26 December
    "67": "6AE",  # Bas-Rhin  \  Collectivité européenne d'Alsace:
    "68": "6AE",  # Haut-Rhin /  Good Friday + 26 December
    "971": "971",  # Guadeloupe
    "972": "972",  # Martinique
    "973": "973",  # Guyane
    "974": "974",  # La Réunion
    "975": "PM",  # Saint-Pierre-et-Miquelon
    "976": "976",  # Mayotte
    "984": "TF",  # Terres australes et antarctiques françaises
    "986": "WF",  # Wallis-et-Futuna
    "987": "PF",  # Polynésie française
    "988": "NC",  # Nouvelle-Calédonie
}
# Collectivities sharing the 971 prefix with Guadeloupe, told apart by the full postal code.
_FR_SUBDIVISION_BY_POSTAL_CODE = {"97133": "BL", "97150": "MF"}

# "67000", "67 000", "F-67000", "FR67000", "67091 CEDEX"; 4 digits = a leading zero lost by a
# spreadsheet ("1000" = 01000 Bourg-en-Bresse).
_FR_POSTAL_CODE = re.compile(r"^(?:FR?\s*-?\s*)?(\d{2})\s?(\d{2,3})(?!\d)")


def french_department(postal_code: str) -> str | None:
    """The department of a French postal code ("67000" -> "67", "20090" -> "2A", "97411" -> "974").

    Corsica: 200xx-201xx is Corse-du-Sud (2A), 202xx-206xx Haute-Corse (2B). Overseas codes
    (97x, 98x) give three digits. ``None`` when the code is not a French postal code (Monaco's
    980xx included: Monaco is its own country).
    """
    match = _FR_POSTAL_CODE.match(postal_code.strip().upper())
    if match is None:
        return None
    code = (match.group(1) + match.group(2)).zfill(5)
    prefix = code[:2]
    if prefix == "20":
        return "2A" if code < "20200" else "2B"
    if prefix in ("97", "98"):
        department = code[:3]
        return None if department == "980" else department
    if not "01" <= prefix <= "95":
        return None
    return prefix


def french_subdivision(postal_code: str) -> str | None:
    """The ``holidays.France`` subdivision for a postal code, ``None`` for the national calendar."""
    department = french_department(postal_code)
    if department is None:
        return None
    if department == "971":
        match = _FR_POSTAL_CODE.match(postal_code.strip().upper())
        if match is not None:
            postal = _FR_SUBDIVISION_BY_POSTAL_CODE.get(match.group(1) + match.group(2))
            if postal is not None:
                return postal
    return _FR_SUBDIVISION_BY_DEPARTMENT.get(department)


@functools.cache
def _supported() -> dict[str, frozenset[str]]:
    return {
        country: frozenset(subdivisions)
        for country, subdivisions in holidays.list_supported_countries().items()
    }


@functools.lru_cache(maxsize=4096)
def holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """Public-holiday dates of ``year`` for a country (upper-case alpha-2) and subdivision.

    Empty for a country the ``holidays`` package does not know (weekends-only calendar).
    The neighbouring years are computed too because some countries observe a holiday in the
    previous or next calendar year (e.g. a 1 January on a Saturday observed on 31 December).
    """
    if country not in _supported():
        return frozenset()
    years = range(max(year - 1, 1), min(year + 1, date.max.year) + 1)
    found = holidays.country_holidays(country, subdiv=subdivision, years=years)
    return frozenset(d for d in found if d.year == year)


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Business days of one country (and optional ``holidays`` subdivision).

    Build it with ``for_customer``; instances are immutable and shared.
    """

    country: str = ""
    subdivision: str | None = None

    def __post_init__(self) -> None:
        if self.subdivision is not None:
            known = _supported().get(self.country, frozenset())
            if self.subdivision not in known:
                raise ValueError(f"unknown subdivision {self.subdivision!r} for {self.country!r}")

    def holidays_in(self, year: int) -> frozenset[date]:
        """The public holidays of ``year`` (weekends not included)."""
        return holiday_dates(self.country, self.subdivision, year)

    def is_business_day(self, day: date) -> bool:
        """Monday to Friday and not a public holiday."""
        return day.weekday() < _FIRST_WEEKEND_DAY and day not in holiday_dates(
            self.country, self.subdivision, day.year
        )

    def next_business_day(self, day: date) -> date:
        """``day`` itself if it is a business day, else the first business day after it."""
        while not self.is_business_day(day):
            day += ONE_DAY
        return day

    def previous_business_day(self, day: date) -> date:
        """``day`` itself if it is a business day, else the last business day before it."""
        while not self.is_business_day(day):
            day -= ONE_DAY
        return day

    def add_business_days(self, day: date, n: int) -> date:
        """The ``n``-th business day after ``day`` (``day`` itself not counted).

        ``n == 0`` gives ``next_business_day(day)``; a negative ``n`` counts backwards: the
        ``-n``-th business day before ``day``. So the "3rd working day after sending" on a
        Saturday is the Wednesday (Monday = 1st), and the result is non-decreasing in ``n``.
        """
        if n == 0:
            return self.next_business_day(day)
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_between(self, a: date, b: date) -> int:
        """Business days after ``a`` up to and including ``b``; negative when ``b < a``.

        It is the inverse of ``add_business_days`` for ``n > 0``
        (``business_days_between(a, add_business_days(a, n)) == n``) and antisymmetric
        (``business_days_between(b, a) == -business_days_between(a, b)``).
        """
        if b < a:
            return -self.business_days_between(b, a)
        days = (b - a).days
        full_weeks, extra = divmod(days, 7)
        count = full_weeks * 5
        first = a + ONE_DAY
        for offset in range(extra):  # the partial week right after ``a``
            if (first + timedelta(days=offset)).weekday() < _FIRST_WEEKEND_DAY:
                count += 1
        for year in range(first.year, b.year + 1):
            count -= sum(
                1
                for h in holiday_dates(self.country, self.subdivision, year)
                if a < h <= b and h.weekday() < _FIRST_WEEKEND_DAY
            )
        return count


@functools.lru_cache(maxsize=256)
def _calendar(country: str, subdivision: str | None) -> BusinessCalendar:
    return BusinessCalendar(country, subdivision)


@functools.lru_cache(maxsize=65536)
def for_customer(country: str, postal_code: str = "") -> BusinessCalendar:
    """The calendar of a customer: country code (ISO alpha-2) and, in France, postal code.

    The postal code only matters in France (Alsace-Moselle, overseas); an unparsable one gives
    the national calendar. An unknown or empty country gives a weekends-only calendar.
    """
    code = country.strip().upper()
    subdivision = french_subdivision(postal_code) if code == "FR" else None
    return _calendar(code, subdivision)
