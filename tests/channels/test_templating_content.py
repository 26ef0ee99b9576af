"""The content check: what raises the score, and what a legitimate reminder may say."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance.channels.templating import HOLD_THRESHOLD, LANGUAGES, check_content
from relance.channels.templating.content import AGGRESSIVE, SPAM, _any_phrase, _has_phrase

CLEAN_TEXT = "Bonjour,\nFacture N° F4567 : 1 234,56 €.\nIBAN : FR76 3000 6000 0112 3456 7890 189\n"
CLEAN_HTML = (
    "<p>Bonjour,</p><p>Facture N° F4567 : 1&#8239;234,56&nbsp;€.</p>"
    "<p>IBAN : FR76 3000 6000 0112 3456 7890 189</p>"
)


def check(subject="Rappel : facture N° F4567", text=CLEAN_TEXT, html=CLEAN_HTML, **kwargs):
    kwargs.setdefault("language", "fr")
    return check_content(subject, text, html, **kwargs)


def test_a_clean_message_scores_zero():
    report = check()
    assert report.score == 0 and report.reasons == [] and not report.hold


def test_a_formal_notice_may_name_the_legal_steps():
    text = (
        "Par la présente, nous vous mettons en demeure de payer 1 234,56 €. À défaut, nous "
        "engagerons une procédure judiciaire (injonction de payer), et un commissaire de "
        "justice pourra être mandaté."
    )
    assert check("Mise en demeure de payer", text, None).score == 0
    english = "This is a formal notice. Otherwise we will start court proceedings."
    assert check("Formal notice to pay", english, None, language="en").score == 0


@pytest.mark.parametrize(
    ("subject", "code"),
    [
        ("RAPPEL DE PAIEMENT FACTURE", "subject_caps"),
        ("RAPPEL URGENT facture", "subject_caps"),
        ("Payez maintenant !!", "subject_punctuation"),
        ("Vous avez oublié ??", "subject_punctuation"),
    ],
)
def test_subject_signals(subject, code):
    assert code in check(subject).codes


def test_legal_forms_and_invoice_numbers_are_not_shouting():
    assert check("Relevé de compte ACME SARL : facture N° F4567").score == 0


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "DERNIER AVERTISSEMENT !!! Vous serez poursuivi."),
        ("fr", "Nous enverrons un huissier immédiatement."),
        ("en", "Final warning!!! We will sue you."),
        ("nl", "Laatste waarschuwing! Wij slepen u voor de rechter."),
        ("de", "Letzte Warnung! Wir verklagen Sie."),
    ],
)
def test_aggressive_wording_holds_the_message(language, text):
    report = check("Rappel", text, None, language=language)
    assert "aggressive" in report.codes
    assert report.hold


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Offre gratuite, cliquez ici"),
        ("fr", "Urgent !!! 100 % garanti"),
        ("en", "Act now, winner! Click here $$$"),
        ("en", "It is free."),
    ],
)
def test_spam_words(language, text):
    assert "spam_word" in check("Rappel", text, None, language=language).codes


def test_words_containing_a_spam_word_are_not_spam():
    assert check("Reminder", "Payment is freely available; see the freezer.", None,
                 language="en").score == 0  # fmt: skip


def test_links_images_and_missing_text_part():
    links = "".join(f'<a href="https://pay.example.com/{n}">payer</a>' for n in range(4))
    assert "too_many_links" in check(html=CLEAN_HTML + links).codes
    images = '<img src="a.png"><img src="b.png"><img src="c.png">'
    assert "too_many_images" in check(html=CLEAN_HTML + images).codes
    assert "missing_text" in check(text=" ", html=CLEAN_HTML).codes
    assert "missing_text" not in check(html=None).codes


def test_text_and_html_must_carry_the_same_facts():
    html = CLEAN_HTML.replace("1&#8239;234,56", "1&#8239;243,56").replace("F4567", "F4568")
    report = check(html=html)
    assert "text_html_mismatch" in report.codes
    message = next(r.message_fr for r in report.reasons if r.code == "text_html_mismatch")
    assert "1234,56" in message and "F4567" in message


def test_a_link_showing_another_domain_is_flagged():
    html = CLEAN_HTML + '<a href="https://evil.example.net/pay">https://pay.atelier-dupont.fr</a>'
    report = check(html=html)
    assert "link_domain_mismatch" in report.codes
    assert report.hold
    same = CLEAN_HTML + '<a href="https://pay.atelier-dupont.fr/x">pay.atelier-dupont.fr</a>'
    assert check(html=same).score == 0
    mail = CLEAN_HTML + '<a href="mailto:marie@atelier-dupont.fr">marie@atelier-dupont.fr</a>'
    assert check(html=mail).score == 0


def test_attachments():
    assert (
        "heavy_attachments" in check(attachments=[("a.pdf", 3_000_000), ("b.pdf", 3_000_000)]).codes
    )
    assert check(attachments=[("releve.pdf", 200_000)]).score == 0
    report = check(attachments=[("facture.pdf.exe", 10_000)])
    assert "risky_attachment" in report.codes and report.hold


def test_threshold_and_unknown_language():
    assert HOLD_THRESHOLD == 5
    with pytest.raises(ValueError, match="langue"):
        check(language="es")


PATTERNS = [p for table in (AGGRESSIVE, SPAM) for found in table.values() for p in found]
PHRASE_WORDS = sorted({word for pattern in PATTERNS for word in re.findall(r"[^\W\d_]+", pattern)})


@settings(max_examples=400, deadline=None)
@given(
    language=st.sampled_from(LANGUAGES),
    words=st.lists(
        st.one_of(
            st.sampled_from(PHRASE_WORDS).map(str.upper),
            st.sampled_from(PHRASE_WORDS).map(str.title),
            st.sampled_from(["derniere chance", "DERNIÈRE CHANCE", "Gratuitement", "$$$",
                             "100 % garanti", "urgent !!", "Herzlichen Glückwunsch"]),
            st.text("aeisukéèÉçßäÄüÜöÖÿıİſKẞ !'’-\n", max_size=12),
        ),
        max_size=12,
    ),
)  # fmt: skip
def test_phrases_are_found_whatever_their_case(language: str, words: list[str]) -> None:
    text = " ".join(words)
    assert _has_phrase(text, language) == bool(_any_phrase(language).search(text))
