"""What a debtor reads holds no staff note, no file name and no other language.

Every shipped template (e-mails, SMS, letters and formal notices, call scripts, the hand-off
note) is rendered for every regime, every language and every step, with penalties computed
and worded by ``relance.core.penalties``; so is every debtor penalty explanation on its own.

The language detector is deliberately simple: a few frequent words of each language, matched
as whole words, that never occur in the three others' shipped texts. "des" and "de" are left
out (German genitive, Dutch article). The test data (names, addresses) uses no such word.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from relance.channels.templating import (
    LANGUAGES,
    Collector,
    Customer,
    MessageContext,
    OpenItem,
    Organisation,
    Penalties,
    StepInfo,
    render_default,
)
from relance.channels.templating.default_templates import PARTS_BY_STEP
from relance.core.penalties import REGIMES, DueItem, debtor_lines, invoice_penalties, regime_for
from relance.core.rates import load_rate_tables
from relance.core.scenario import PRESETS

D = Decimal
TABLES = load_rate_tables()
TODAY = date(2025, 8, 15)
CUSTOMERS = {
    "FR-B2B": ("FR", "B2B"),
    "FR-B2C": ("FR", "B2C"),
    "FR-PUBLIC": ("FR", "PUBLIC"),
    "BE-B2B": ("BE", "B2B"),
    "BE-B2C": ("BE", "B2C"),
    "EU": ("NL", "B2B"),
    "DE-B2B": ("DE", "B2B"),
    "DE-B2C": ("DE", "B2C"),
}
PRESET_STEPS = {(s.key, s.tone, s.penalties) for p in PRESETS.values() for s in p.steps}
STEPS = sorted(
    PRESET_STEPS
    | {(key, "neutral", mode) for key in PARTS_BY_STEP for mode in ("mentioned", "claimed")}
)

STAFF_NOTES = re.compile(
    r"\.(md|csv|py)\b|legal-rules|§\s*\d+\.\d|unverified|non vérifié|wordscope|credendo"
    r"|article not read|\bsources?\b|\bNote :",
    re.IGNORECASE,
)
WORDS = {
    "fr": ("le", "la", "les", "vous", "nous", "votre", "intérêts", "indemnité", "pénalités",
           "facture", "échéance"),
    "en": ("the", "your", "please", "invoice", "payment"),
    "nl": ("het", "een", "uw", "factuur", "betaling"),
    "de": ("und", "sie", "ihre", "rechnung", "zahlung"),
}  # fmt: skip


def _foreign(language: str) -> re.Pattern[str]:
    """The frequent words of the three other languages, as whole words."""
    words = [word for other, some in WORDS.items() if other != language for word in some]
    return re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE)


FOREIGN = {language: _foreign(language) for language in WORDS}


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def problems(text: str, language: str) -> list[str]:
    found = [match.group(0) for match in STAFF_NOTES.finditer(text)]
    found += [match.group(0) for match in FOREIGN[language].finditer(text)]
    return found


def account(regime: str):
    """Two invoices, one in two instalments part-paid, late across a half-year."""
    items = [
        DueItem("A-1001", 1, D("1000.00"), date(2025, 6, 12)),
        DueItem("A-1002", 1, D("600.00"), date(2025, 5, 20), ((date(2025, 7, 1), D("200")),)),
        DueItem("A-1002", 2, D("600.00"), date(2025, 6, 20)),
    ]
    return items, invoice_penalties(items, regime=regime, until=TODAY, tables=TABLES)


def context(regime: str, language: str, step: tuple[str, str, str]) -> MessageContext:
    country, kind = CUSTOMERS[regime]
    items, computed = account(regime)
    statement = tuple(
        OpenItem(number=item.invoice, issue_date=date(2025, 4, 1), due_date=item.due_date,
                 days_late=(TODAY - item.due_date).days, amount=item.amount,
                 outstanding=item.amount - sum(part for _, part in item.payments))
        for item in items
    )  # fmt: skip
    overdue = sum((item.outstanding for item in statement), D("0.00"))
    return MessageContext(
        organisation=Organisation(
            name="Nordlicht Trading", address="Industrieweg 4\n2000 Antwerpen",
            sender_name="Nordlicht Trading", iban="BE71 0961 2345 6769", bic="GKCCBEBB",
            phone="+32 3 123 45 67", email="ar@nordlicht.example", registration="0123.456.789",
        ),
        customer=Customer(name="Zenith Retail", reference="K-77", kind=kind, country=country,
                          language=language, address="Marktplatz 3\n10115 Berlin"),
        collector=Collector(name="Sam Lee", email="sam@nordlicht.example"),
        step=StepInfo(*step),
        items=statement,
        total_due=overdue,
        total_overdue=overdue,
        today=TODAY,
        payment_reference="RF18 5390 0754 7034",
        portal_url="https://pay.nordlicht.example/c/x1",
        penalties=Penalties(interest=computed.interest, indemnity=computed.indemnity,
                            total=computed.total, lines=debtor_lines(computed, language)),
        deadline=date(2025, 8, 23),
    )  # fmt: skip


def test_every_regime_is_covered():
    assert set(CUSTOMERS) == set(REGIMES)
    for regime, customer in CUSTOMERS.items():
        assert regime_for(*customer) == regime


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("regime", sorted(CUSTOMERS))
def test_debtor_penalty_lines_are_clean(regime, language):
    _, computed = account(regime)
    for line in debtor_lines(computed, language):
        assert not problems(line, language), line


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("regime", sorted(CUSTOMERS))
def test_every_default_template_is_clean(regime, language):
    for step in STEPS:
        message = render_default(context(regime, language, step))
        parts = {"subject": message.subject, "text": message.text}
        if message.html is not None:
            parts["html"] = visible(message.html)
        for part, text in parts.items():
            found = problems(text, language)
            assert not found, (step, part, found)


def test_the_detector_catches_what_the_debtor_used_to_read():
    old = (
        "F-1 — Indemnité forfaitaire : 40,00 € — Loi du 2 août 2002 art. 6 (credendo, "
        "wordscope; article not read in the official text); docs/legal-rules.md §5.1"
    )
    assert {"Indemnité", "credendo", "legal-rules", ".md", "§5.1"} <= set(problems(old, "nl"))
    assert problems("Please pay the invoice", "fr") == ["Please", "the", "invoice"]
    assert problems("Bitte zahlen Sie die Rechnung", "nl") == ["Sie", "Rechnung"]
    assert not problems("Gelieve de factuur te betalen", "nl")
