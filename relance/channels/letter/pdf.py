"""Letters and formal notices as PDF, laid out for a French or Belgian window envelope.

The recipient's address sits where the window of a standard DL envelope (110 x 220 mm, window
45 x 100 mm, 20 mm from the right edge and 50 mm from the top... see ``WINDOW``) shows it;
the sender's letterhead (logo, name, address) is at the top left, with who handles the file
under it. Page 1 always carries the date, the subject, the amount claimed and the deadline;
the account statement may run on, and the debtor portal: its short address to type and a QR
code of the full one. The creditor's legal mentions are in every page's footer.
A print batch of the day is one PDF; each letter is also written on its own, to be kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import segno
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher
from weasyprint.document import Document

from relance.channels.letter.labels import labels, place_and_date
from relance.channels.templating.formatting import format_date, format_money

# Position of the address block on A4 (mm from the top-left corner) for window envelopes:
# NF EN ISO 269 DL envelope, window on the right (France); bpost's DL envelopes use the same.
WINDOW = {"left": 110, "top": 50, "width": 90, "height": 35}
# Page margins (mm); the footer with the legal mentions sits in the bottom one.
MARGIN = {"top": 15, "right": 20, "bottom": 28, "left": 20}


@dataclass(frozen=True)
class LetterLine:
    number: str
    issue_date: date
    due_date: date
    amount: Decimal
    outstanding: Decimal


@dataclass(frozen=True)
class Signer:
    """Who signs the letter and answers the debtor (``name``: never an e-mail address)."""

    name: str
    title: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Claim:
    """The sums the letter demands, for the box on page 1."""

    principal: Decimal
    interest: Decimal = Decimal("0.00")
    indemnity: Decimal = Decimal("0.00")
    b2c: bool = False  # a consumer owes a contractual indemnity, not the fixed one
    deadline: date | None = None

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.indemnity


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
    language: str = "fr"  # the debtor's: every word the layout prints follows it
    logo: str = ""  # a data: URI (PNG, JPEG...), "" for none
    reference: str = ""  # the customer's number, as the creditor knows it
    signer: Signer | None = None
    claim: Claim | None = None
    portal_url: str = ""  # the debtor portal link, in the QR code; "" for none
    portal_typed: str = ""  # its short form, as a person types it


def _money(value: Decimal, letter: Letter) -> str:
    return format_money(value, letter.language, letter.currency)


def portal_qr(url: str) -> str:
    """The QR code of a link as an inline PNG: large modules, sharp edges, the quiet zone a
    phone needs around it."""
    return str(segno.make(url, error="m").png_data_uri(scale=8, border=4))


def render_letter_html(letter: Letter) -> str:
    words = labels(letter.language)
    claim = letter.claim
    context = {
        "portal_qr": portal_qr(letter.portal_url) if letter.portal_url else "",
        "letter": letter, "words": words, "claim": claim,
        "window": {**WINDOW, "left_in": WINDOW["left"] - MARGIN["left"],
                   "top_in": WINDOW["top"] - MARGIN["top"]},
        "margin": MARGIN, "dated": place_and_date(letter.place, letter.day, letter.language),
        "money": {
            "principal": _money(claim.principal, letter) if claim else "",
            "interest": _money(claim.interest, letter) if claim else "",
            "indemnity": _money(claim.indemnity, letter) if claim else "",
            "total": _money(claim.total, letter) if claim else "",
            "letter_total": _money(letter.total, letter),
        },
        "deadline": words["deadline"].format(
            day=format_date(claim.deadline, letter.language, "long")
        ) if claim and claim.deadline else "",
        "lines": [(line, format_date(line.issue_date, letter.language),
                   format_date(line.due_date, letter.language), _money(line.amount, letter),
                   _money(line.outstanding, letter)) for line in letter.lines],
    }  # fmt: skip
    return render_to_string("channels/letter.html", context)


def _render(letter: Letter) -> Document:
    # A letter may carry an organisation's own HTML: nothing it names is fetched (no file, no
    # network), only inline ``data:`` images (the logo is one).
    return HTML(
        string=render_letter_html(letter), url_fetcher=URLFetcher(allowed_protocols=("data",))
    ).render()


def letters_pdf(letters: Sequence[Letter]) -> bytes:
    """One PDF for one letter or for the whole print batch of the day."""
    return letters_pdfs(letters)[0]


def letters_pdfs(letters: Sequence[Letter]) -> tuple[bytes, list[bytes]]:
    """The batch as one PDF, and each letter as its own PDF (what is archived), each letter
    laid out once."""
    if not letters:
        raise ValueError("no letter to print")
    documents = [_render(letter) for letter in letters]
    singles = [bytes(document.write_pdf()) for document in documents]
    if len(documents) == 1:
        return singles[0], singles
    pages = [page for document in documents for page in document.pages]
    return bytes(documents[0].copy(pages).write_pdf()), singles
