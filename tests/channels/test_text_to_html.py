"""The HTML of an e-mail made from its text: paragraphs, line breaks, links, escaped text,
and the shipped pieces (the account statement...) in their HTML version."""

from __future__ import annotations

import pytest

from relance.channels.message_templates import sample_context
from relance.channels.templating import LANGUAGES, StepInfo, render
from relance.channels.templating.default_templates import default_source, framed_part, part_html
from relance.channels.templating.text_to_html import html_from_text


def test_paragraphs_lines_links_and_escaping():
    text = ("Bonjour {{ customer.name }},\n\nA < B & C, voir https://exemple.fr/a?b=1&c=2.\n"
            "Payez ici : {{ portal_url }}\n\n{% if deadline %}\n\nAvant le {{ deadline|date }}\n\n"
            "{% endif %}\nÉcrivez à {{ collector.email }}\n")  # fmt: skip
    assert html_from_text(text, "fr", layout=False) == (
        "<p>Bonjour {{ customer.name }},</p>\n"
        '<p>A &lt; B &amp; C, voir <a href="https://exemple.fr/a?b=1&amp;c=2">'
        "https://exemple.fr/a?b=1&amp;c=2</a>.<br>\n"
        'Payez ici : <a href="{{ portal_url }}">{{ portal_url }}</a></p>\n'
        "{% if deadline %}\n<p>Avant le {{ deadline|date }}</p>\n"
        '{% endif %}\n<p>Écrivez à <a href="mailto:{{ collector.email }}">'
        "{{ collector.email }}</a></p>\n"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_shipped_piece_becomes_its_html_version(language):
    text = f"Bonjour,\n\n{framed_part('statement', language)}\nMerci\n"
    made = html_from_text(text, language)
    assert part_html("statement", language).strip() in made
    assert made.startswith(part_html("layout_start", language) or "?")
    rendered = render(made, sample_context(language, step=StepInfo(key="x")), html=True)
    assert "<table" in rendered and "F-2026-0042" in rendered and "<p>Merci</p>" in rendered


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_email_text_makes_an_html_that_renders(language):
    """The HTML a person gets on unticking "modifier le HTML" for a shipped e-mail."""
    context = sample_context(language, step=StepInfo(key="x", penalties="claimed"))
    for name in ("preventive", "reminder_1", "reminder_2", "last_warning", "last_reminder"):
        made = html_from_text(default_source(name, language, "text"), language)
        rendered = render(made, context, html=True)
        assert "F-2026-0042" in rendered and "{#" not in rendered and "<table" in rendered
