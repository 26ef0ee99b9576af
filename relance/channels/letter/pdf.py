"""Letters and formal notices as PDF, laid out for a French or Belgian window envelope.

The recipient's address sits where the window of a standard DL envelope (110 x 220 mm, window
45 x 100 mm, 20 mm from the right edge and 50 mm from the top... see ``WINDOW``) shows it;
the sender's letterhead is at the top left. A print batch of the day is one PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher

# Position of the address block on A4 (mm from the top-left corner) for window envelopes:
# NF EN ISO 269 DL envelope, window on the right (France); bpost's DL envelopes use the same.
WINDOW = {"left": 110, "top": 50, "width": 90, "height": 35}


@dataclass(frozen=True)
class LetterLine:
    number: str
    issue_date: date
    due_date: date
    amount: Decimal
    outstanding: Decimal


@dataclass(frozen=True)
class Letter:
    sender_name: str
    sender_address: Sequence[str]
    sender_identifiers: Sequence[str]  # SIREN, VAT... printed in the footer
    recipient_name: str
    recipient_address: Sequence[str]
    place: str
    day: date
    subject: str
    body_html: str  # already rendered and escaped by the templating sandbox
    lines: Sequence[LetterLine]
    currency: str
    total: Decimal
    registered: bool = False  # lettre recommandée avec accusé de réception
    penalty_lines: Sequence[str] = field(default_factory=tuple)
    signature: str = ""


def render_letter_html(letter: Letter) -> str:
    return render_to_string("channels/letter.html", {"letter": letter, "window": WINDOW})


def letters_pdf(letters: Sequence[Letter]) -> bytes:
    """One PDF for one letter or for the whole print batch of the day."""
    if not letters:
        raise ValueError("no letter to print")
    # A letter may carry an organisation's own HTML: nothing it names is fetched (no file, no
    # network), only inline ``data:`` images.
    documents = [
        HTML(
            string=render_letter_html(letter), url_fetcher=URLFetcher(allowed_protocols=("data",))
        ).render()
        for letter in letters
    ]
    first = documents[0]
    pages = [page for document in documents for page in document.pages]
    return bytes(first.copy(pages).write_pdf())
