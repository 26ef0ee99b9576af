"""From a reminder to the letter (or registered formal notice) it prints.

The body is the step's template in the debtor's language, as for an e-mail
(``relance.channels.compose``); around it the layout puts the letterhead with the logo, the
full postal address in the envelope window, who handles the file, the claim box with the
deadline and the creditor's legal mentions. A customer without a complete postal address
gets no letter (``relance.ledger.postal``): composing it is refused.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from datetime import date
from html import escape

from django.utils.translation import gettext as _

from relance.accounts.models import Organisation, User
from relance.channels.compose import (
    ZERO,
    message_context,
    portal_for,
    reminder_template,
    signer,
)
from relance.channels.letter.labels import labels
from relance.channels.letter.pdf import Claim, Letter, Signer
from relance.channels.message_templates import render_message
from relance.channels.templating import TemplateRejected
from relance.dunning.models import Reminder
from relance.ledger.portal_links import NO_LINK, PortalAddress
from relance.ledger.postal import postal_address_lines, postal_address_problem

# Where the default formal notice's own letterhead, addresses and date end: the PDF layout
# places those itself (the address in the envelope window).
LETTER_BODY = "<!-- letter-body -->"
# The sums claimed, which the layout prints in its box on page 1: not repeated in the body.
CLAIM_TABLE = re.compile(r"<!-- claim -->.*?<!-- /claim -->", re.S)
LOGO_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif",
              b"RIFF": "image/webp"}  # fmt: skip


class LetterRefused(ValueError):
    """This letter cannot be printed; the message says why, for the person printing."""


def letter_problem(reminder: Reminder) -> str:
    """Why the reminder's letter cannot be printed ("" when it can): the address check the
    to-do, the print batch and the renderer share."""
    return postal_address_problem(reminder.customer)


def compose_letter(
    reminder: Reminder,
    *,
    today: date,
    printed_by: User | None = None,
    portal: PortalAddress | None = None,
) -> Letter:
    """The letter of a reminder, ready for ``letters_pdf``. It is signed by the customer's
    collector, else by ``printed_by`` (the person printing), else as the e-mails are.
    ``portal``: the link issued for the print; without it the letter is a preview, with the
    customer's current link or an example (``relance.channels.compose.portal_for``)."""
    problem = letter_problem(reminder)
    if problem:
        raise LetterRefused(problem)
    organisation, customer = reminder.organisation, reminder.customer
    link = portal_for(customer, None, portal)
    # The layout prints the link (short address and QR code): the body does not repeat it.
    context = message_context(reminder, today=today, portal=NO_LINK)
    if customer.collector is None and printed_by is not None:
        context = dataclasses.replace(context, collector=signer(organisation, printed_by))
    try:
        rendered = render_message(context, organisation_id=reminder.organisation_id,
                                  template=reminder_template(reminder))  # fmt: skip
    except TemplateRejected as exc:  # a letter is never printed in other words than chosen
        raise LetterRefused(
            _("modèle de l'organisation refusé pour ce client : %(exc)s") % {"exc": exc}
        ) from None
    html = rendered.html or "".join(
        f"<p>{escape(line)}</p>" for line in rendered.text.split("\n\n")
    )
    body = html.split(LETTER_BODY, 1)[1] if LETTER_BODY in html else html
    language = context.message_language
    penalties = context.penalties if context.step.penalties == "claimed" else None
    claim = Claim(
        principal=context.total_overdue,
        interest=penalties.interest if penalties else ZERO,
        indemnity=penalties.indemnity if penalties else ZERO,
        b2c=customer.kind == "B2C", deadline=context.deadline,
    )  # fmt: skip
    collector = context.collector
    return Letter(
        sender_name=organisation.legal_name,
        sender_address=[line for line in (organisation.address_line1, organisation.address_line2,
                        f"{organisation.postal_code} {organisation.city}".strip()) if line],
        sender_identifiers=legal_mentions(organisation, language),
        recipient_name=customer.name,
        recipient_address=postal_address_lines(customer, sender_country=organisation.country),
        place=organisation.city,
        day=today,
        subject=rendered.subject,
        body_html=CLAIM_TABLE.sub("", body),
        lines=(),  # the template carries the account statement
        currency=reminder.currency,
        total=claim.total,
        registered=reminder.channel == "formal_notice",
        language=language,
        logo=logo_data_uri(organisation),
        reference=customer.external_ref,
        signer=Signer(name=collector.name, title=collector.title, phone=collector.phone,
                      email=collector.email),
        claim=claim,
        portal_url=link.url,
        portal_typed=link.typed,
    )  # fmt: skip


def legal_mentions(organisation: Organisation, language: str) -> list[str]:
    """What the footer says of the creditor after its name: registered address and numbers."""
    words = labels(language)
    address = ", ".join(
        part for part in (organisation.address_line1, organisation.address_line2,
                          f"{organisation.postal_code} {organisation.city}".strip()) if part
    )  # fmt: skip
    siren = organisation.siren
    mentions = [
        address,
        f"SIREN {siren[:3]} {siren[3:6]} {siren[6:]}" if siren else "",
        f"SIRET {organisation.siret}" if organisation.siret else "",
        f"{words['enterprise']} {_enterprise(organisation.enterprise_number)}"
        if organisation.enterprise_number else "",
        f"{words['vat']} {organisation.vat_number}" if organisation.vat_number else "",
    ]  # fmt: skip
    return [mention for mention in mentions if mention]


def _enterprise(number: str) -> str:
    return f"{number[:4]}.{number[4:7]}.{number[7:]}" if len(number) == 10 else number


def logo_data_uri(organisation: Organisation) -> str:
    """The organisation's logo inline (the renderer fetches nothing), "" without one."""
    if not organisation.logo:
        return ""
    try:
        with organisation.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""  # a logo lost from the storage does not stop the letters
    kind = next((kind for magic, kind in LOGO_TYPES.items() if data.startswith(magic)), "")
    if not kind:
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"
