"""The shipped templates: every preset step, four languages, realistic contexts."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from relance.channels.templating import (
    HOLD_THRESHOLD,
    LANGUAGES,
    PARTS_BY_STEP,
    UnknownDefault,
    check_content,
    check_template,
    default_source,
    render_default,
)
from relance.channels.templating.formatting import format_money
from relance.core.scenario import PRESETS
from tests.channels.test_templating_context import make_context

PRESET_STEPS = sorted({(s.key, s.tone, s.penalties) for p in PRESETS.values() for s in p.steps})
CUSTOMERS = [("FR", "B2B"), ("FR", "B2C"), ("BE", "B2B"), ("BE", "B2C"), ("FR", "PUBLIC")]
FORMAL_WORDS = {
    "fr": "mise en demeure",
    "nl": "ingebrekestelling",
    "de": "Inverzugsetzung",
    "en": "formal notice",
}


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_preset_step_has_a_default():
    for key, _, _ in PRESET_STEPS:
        assert key in PARTS_BY_STEP


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_default_compiles_in_the_sandbox(language):
    for step, parts in PARTS_BY_STEP.items():
        for part in parts:
            source = default_source(step, language, part)
            assert "{#@" not in source  # shared pieces pasted: a complete, editable template
            check_template(source, html=part == "html")


def test_unknown_defaults_are_refused():
    with pytest.raises(UnknownDefault):
        default_source("reminder_9", "fr", "text")
    with pytest.raises(UnknownDefault):
        default_source("call_1", "fr", "html")
    with pytest.raises(UnknownDefault):
        default_source("reminder_1", "es", "text")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("country", "kind"), CUSTOMERS)
@pytest.mark.parametrize("count", [1, 3])
def test_defaults_score_below_the_hold_threshold_and_agree(language, country, kind, count):
    for step in PRESET_STEPS:
        context = make_context(language=language, country=country, kind=kind, step=step,
                               count=count)  # fmt: skip
        message = render_default(context)
        report = check_content(message.subject, message.text, message.html, language=language)
        assert report.score < HOLD_THRESHOLD, (step, report.reasons)
        assert report.score == 0, (step, report.reasons)
        assert "\n\n\n" not in message.text
        assert message.text.strip()
        if message.html is None:
            continue
        shown = flat(visible(message.html))
        text = flat(message.text)
        facts = [item.number for item in context.items]
        facts += [format_money(item.outstanding, language) for item in context.items]
        facts += [format_money(context.total_overdue, language), context.payment_reference]
        facts.append(flat(re.sub(r"(\w{4})", r"\1 ", context.organisation.iban.replace(" ", ""))))
        for fact in facts:
            assert flat(fact) in text, (step, fact)
            assert flat(fact) in shown, (step, fact)
        assert context.portal_url in text and context.portal_url in message.html


@pytest.mark.parametrize("language", LANGUAGES)
def test_subject_names_the_invoice_or_the_customer(language):
    one = render_default(make_context(language=language, count=1))
    assert "F2025-101" in one.subject
    many = render_default(make_context(language=language, count=3))
    assert "Menuiserie Martin SARL" in many.subject
    assert "\n" not in many.subject


def test_french_wording_rises_with_the_steps():
    def subject_and_text(step: tuple[str, str, str], count: int = 1) -> tuple[str, str]:
        message = render_default(make_context(step=step, count=count))
        return message.subject, flat(message.text)

    subject, text = subject_and_text(("reminder_1", "courteous", "none"))
    assert subject == "Rappel de paiement : facture N° F2025-101 arrivée à échéance"
    assert "Sauf erreur de notre part" in text and "Bonjour," in text
    subject, _ = subject_and_text(("reminder_1", "courteous", "none"), count=3)
    assert subject == "Relevé de compte Menuiserie Martin SARL : 4 factures en attente de règlement"
    subject, text = subject_and_text(("last_warning", "firm", "claimed"))
    assert "mise en demeure" in subject and "Madame, Monsieur," in text


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_courteous_openings(language):
    opening = {"en": "Unless we are mistaken", "nl": "Tenzij wij ons vergissen",
               "de": "Sofern wir nichts übersehen haben"}[language]  # fmt: skip
    message = render_default(make_context(language=language))
    assert opening in message.text and opening in message.html


def test_mentioned_penalties_by_regime():
    def text(country: str, kind: str) -> str:
        step = ("reminder_2", "neutral", "mentioned")
        return flat(render_default(make_context(country=country, kind=kind, step=step)).text)

    b2b = text("FR", "B2B")
    assert "article L441-10 du Code de commerce" in b2b
    assert "indemnité forfaitaire de 40 €" in b2b
    assert "40 €" not in text("FR", "B2C")
    assert "40 €" not in text("BE", "B2C")
    assert "loi du 2 août 2002" in text("BE", "B2B")
    assert "Code de la commande publique" in text("FR", "PUBLIC")
    german = text("DE", "B2B")
    assert "§ 288 du Code civil allemand" in german and "directive" not in german
    assert "40 €" not in text("DE", "B2C") and "1231-6" not in text("DE", "B2C")
    assert "directive 2011/7/UE" in text("NL", "B2B")
    assert "1231-6" not in text("NL", "B2C")  # no rule for a Dutch consumer: nothing said
    none = flat(render_default(make_context(step=("reminder_2", "neutral", "none"))).text)
    assert "L441-10" not in none and "Intérêts de retard" not in none


def test_claimed_penalties_show_the_computed_amounts():
    context = make_context(step=("last_warning", "firm", "claimed"))
    message = render_default(context)
    assert context.penalties is not None
    for amount in (context.penalties.interest, context.penalties.indemnity, context.amount_claimed):
        assert format_money(amount, "fr") in message.text
        assert format_money(amount, "fr") in message.html
    assert context.penalties.lines[0] in message.text


def test_b2c_claims_no_fixed_indemnity():
    context = make_context(kind="B2C", step=("formal_notice", "formal", "claimed"))
    message = render_default(context)
    assert "Indemnité forfaitaire" not in message.text
    assert "article 1344-1 du Code civil" in flat(message.text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["B2B", "B2C"])
def test_formal_notice_has_the_required_content(language, kind):
    context = make_context(
        language=language, kind=kind, step=("formal_notice", "formal", "claimed")
    )
    message = render_default(context)
    assert message.html is not None
    for body in (flat(message.text), flat(visible(message.html))):
        assert FORMAL_WORDS[language].lower() in body.lower()
        assert "Atelier Dupont SAS" in body and "SIREN 123 456 789" in body  # creditor
        assert "Menuiserie Martin SARL" in body and "69002 Lyon" in body  # debtor
        for item in context.items:  # the invoices: number, dates, amounts
            assert item.number in body
        assert flat(format_money(context.total_overdue, language)) in body  # principal
        assert context.penalties is not None
        assert flat(format_money(context.penalties.interest, language)) in body
        assert flat(format_money(context.amount_claimed, language)) in body  # total claimed
        assert str(context.deadline.year) in body and "25" in body  # deadline
        assert "Marie Leroy" in body  # signature
    assert FORMAL_WORDS[language].lower() in message.subject.lower()


@pytest.mark.parametrize("language", LANGUAGES)
def test_call_scripts_and_legal_note(language):
    for key in ("call_1", "call_2"):
        script = render_default(make_context(language=language, step=(key, "neutral", "none")))
        assert script.html is None and script.subject == ""
        assert "Marie Leroy" in script.text and "F2025-101" in script.text
    note = render_default(make_context(language=language, step=("legal", "formal", "claimed")))
    assert note.html is None and "Menuiserie Martin SARL" in note.subject
    assert "C-0042" in note.text and "RF18 5390 0754 7034" in note.text


def test_no_portal_link_when_there_is_none():
    message = render_default(make_context(portal_url=""))
    assert "https://" not in message.text
    assert message.html is not None and '<a href="http' not in message.html


def test_belgian_structured_communication_and_free_first_reminder():
    message = render_default(make_context(country="BE", kind="B2C"))
    assert "Communication structurée : +++090/9337/55493+++" in message.text
    assert "14 jours" in message.text
