"""Hostile output given to the content check: it reads any text in linear time.

Each check runs in a thread given a generous 10 s to finish: the guard only catches a hang
(before the fix, 60,000 characters without a digit took 28 s and 1 MB would take hours); the
pass criterion is that the check finished with the expected verdict.
"""

from __future__ import annotations

import threading

import pytest

from relance.channels.message_templates import sample_context
from relance.channels.templating import (
    ContentReport,
    Limits,
    StepInfo,
    TemplateRejected,
    check_content,
    check_template,
    render,
)

MEGABYTE = 1_000_000
RENDER_CAP = 200_000  # the most a template may print
HANG_GUARD_SECONDS = 10


def check_in_thread(subject: str, text: str, html: str | None) -> ContentReport:
    """The check with its size cap lifted: what is tested is how it reads, not the cap."""
    reports: list[ContentReport] = []
    worker = threading.Thread(
        target=lambda: reports.append(
            check_content(subject, text, html, language="fr", max_bytes=10 * MEGABYTE)
        ),
        daemon=True,
    )
    worker.start()
    worker.join(HANG_GUARD_SECONDS)
    assert not worker.is_alive(), "the content check did not finish"
    return reports[0]


HOSTILE = {
    "digitless run": "x" * MEGABYTE,
    "thousands chain": "1" + ",000" * (RENDER_CAP // 4),
    "spaced thousands chain": "1" + " 000" * (RENDER_CAP // 4),
    "digits": "7" * RENDER_CAP,
    "hyphenated word": "a-" * (RENDER_CAP // 2),
    "bangs": "urgent" + "!" * RENDER_CAP + "x",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_megabyte_of_hostile_text_is_checked(name: str) -> None:
    text = HOSTILE[name]
    report = check_in_thread("Rappel", text, f"<p>{text}</p>")
    assert "text_html_mismatch" not in report.codes  # the same text on both sides


@pytest.mark.parametrize(
    "html",
    [
        "<a " * (RENDER_CAP // 3),
        "<!--" * (RENDER_CAP // 4),
        "<" * RENDER_CAP,
        "a." * (RENDER_CAP // 2),
    ],
    ids=["unclosed tags", "unclosed comments", "bare brackets", "dotted labels"],
)
def test_a_megabyte_of_broken_markup_is_checked(html: str) -> None:
    report = check_in_thread("Rappel", "Bonjour", html)
    assert report.codes == []


def test_a_digitless_run_hides_no_identifier_and_a_run_with_digits_is_one() -> None:
    run = "x" * MEGABYTE
    text = f"{run} facture F2024-0042 {run}"
    report = check_in_thread("Rappel", text, f"<p>{run} {run}</p>")
    assert report.codes == ["text_html_mismatch"]
    assert "F2024-0042" in report.reasons[0].message_fr


def test_markup_left_open_at_the_end_shows_nothing_more() -> None:
    html = '<p>Bonjour</p><p>Montant : 120,00 €</p><a href="https://pay.example/' + "x" * 50_000
    report = check_in_thread("Rappel", "Bonjour\nMontant : 120,00 €", html)
    assert report.codes == []


# --- the caps ---------------------------------------------------------------------------------


def test_the_caps_an_installation_sets_are_the_ones_applied() -> None:
    context = sample_context("fr", step=StepInfo(key="reminder_1"))
    small = Limits(source=1_000, output=5_000)
    assert render("{{ 'x' * 4000 }}", context, html=False, limits=small) == "x" * 4000
    with pytest.raises(TemplateRejected, match=r"répétition de texte : .*dépasserait 5 Ko"):
        render("{{ 'x' * 6000 }}", context, html=False, limits=small)
    with pytest.raises(TemplateRejected, match="le texte produit dépasse 5 Ko"):
        render("{% for i in range(600) %}0123456789{% endfor %}", context, html=False,
               limits=small)  # fmt: skip
    with pytest.raises(TemplateRejected, match=r"modèle trop long \(1 Ko, maximum 1 Ko\)"):
        check_template("x" * 1_001, html=False, limits=small)
    # The default caps are back for the next render: the cap lives with one render only.
    assert len(render("{{ 'x' * 6000 }}", context, html=False)) == 6000


def test_a_part_over_the_check_cap_is_held_unread() -> None:
    report = check_content("Rappel", "x" * 5_001, None, language="fr", max_bytes=5_000)
    assert report.hold and report.codes == ["too_long"]
    reason = report.reasons[0].message_fr
    assert "maximum 5 Ko" in reason and "raccourcissez" in reason
    # Counted in bytes as the render counts them: 2,501 "é" are 5,002 bytes.
    assert check_content("Rappel", "é" * 2_501, None, language="fr", max_bytes=5_000).hold
    assert not check_content("Rappel", "é" * 2_500, None, language="fr", max_bytes=5_000).hold
