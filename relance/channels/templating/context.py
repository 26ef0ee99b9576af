"""What a reminder template can see: one frozen ``MessageContext`` per message.

Every value is already decided by the caller (amounts, the structured payment reference,
the penalty computation, the deadline): templates only present them. Money is ``Decimal``;
formatting to a language happens in the templates through the ``money`` and ``date``
filters (see ``formatting``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

LANGUAGES = ("fr", "nl", "en", "de")
CUSTOMER_KINDS = ("B2B", "B2C", "PUBLIC")
TONES = ("courteous", "neutral", "firm", "formal")
PENALTY_MODES = ("none", "mentioned", "claimed")
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Organisation:
    """The creditor: who sends the reminder and who is paid."""

    name: str
    address: str = ""  # several lines separated by "\n"
    sender_name: str = ""  # the "From" name, e.g. "Service comptabilité — Atelier Dupont"
    iban: str = ""
    bic: str = ""
    phone: str = ""
    email: str = ""
    registration: str = ""  # SIREN / enterprise number, shown on letters when present


@dataclass(frozen=True, slots=True)
class Customer:
    """The debtor."""

    name: str
    reference: str = ""  # the organisation's customer number
    kind: str = "B2B"  # B2B | B2C | PUBLIC
    country: str = "FR"  # ISO 3166-1 alpha-2
    language: str = "fr"  # fr | nl | en | de
    address: str = ""  # for letters (formal notice); several lines separated by "\n"
    contact_name: str = ""  # the person written to (the primary contact), when known


@dataclass(frozen=True, slots=True)
class Collector:
    """The credit controller who signs and answers."""

    name: str  # the person's name; the organisation's when the person has none
    email: str = ""
    phone: str = ""
    signature: str = ""  # free text, several lines; empty = name + organisation
    title: str = ""  # e.g. "Chargée de recouvrement"


@dataclass(frozen=True, slots=True)
class StepInfo:
    key: str  # e.g. reminder_1, formal_notice
    tone: str = "neutral"  # courteous | neutral | firm | formal
    penalties: str = "none"  # none | mentioned | claimed


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One line of the account statement."""

    number: str
    issue_date: date
    due_date: date
    days_late: int  # negative or zero = not yet overdue
    amount: Decimal  # invoice amount including tax
    outstanding: Decimal  # what is still to be paid
    currency: str = "EUR"
    # The customer's references the invoice answers to ("" when the ledger has none).
    order_reference: str = ""
    quote_reference: str = ""
    contract_reference: str = ""


@dataclass(frozen=True, slots=True)
class Penalties:
    """Late-payment penalties already computed elsewhere (relance.core.penalties)."""

    interest: Decimal = ZERO
    indemnity: Decimal = ZERO
    total: Decimal = ZERO
    lines: tuple[str, ...] = ()  # explanation, one formatted line each
    # A rate was not published for part of the delay: the interest is not stated (zero here);
    # the message says so rather than leaving it out silently.
    interest_missing: bool = False


@dataclass(frozen=True, slots=True)
class MessageContext:
    """Everything a reminder template may use; see ``docs/templates.md``."""

    organisation: Organisation
    customer: Customer
    collector: Collector
    step: StepInfo
    items: tuple[OpenItem, ...]
    total_due: Decimal
    total_overdue: Decimal
    today: date
    currency: str = "EUR"
    payment_reference: str = ""  # +++123/4567/89012+++ (BE) or RF18 5390 0754 7034 (ISO 11649)
    portal_url: str = ""
    portal_short_url: str = ""  # the same link, short enough to type or to fit in an SMS
    penalties: Penalties | None = None
    deadline: date | None = None  # formal notice: pay before this date
    language: str = ""  # language of the message; empty = the customer's language
    invoices_attached: bool = False  # the invoices' PDFs go with the message

    def __post_init__(self) -> None:
        # The statement is always shown oldest due date first, whatever the caller passed.
        ordered = tuple(sorted(self.items, key=lambda item: (item.due_date, item.number)))
        object.__setattr__(self, "items", ordered)
        if self.message_language not in LANGUAGES:
            raise ValueError(
                _("langue « %(message_language)s » non prise en charge")
                % {"message_language": self.message_language}
            )
        if self.customer.kind not in CUSTOMER_KINDS:
            raise ValueError(
                _("type de client « %(kind)s » inconnu") % {"kind": self.customer.kind}
            )
        if self.step.tone not in TONES or self.step.penalties not in PENALTY_MODES:
            raise ValueError(
                _("étape « %(key)s » : ton ou pénalités inconnus") % {"key": self.step.key}
            )

    @property
    def message_language(self) -> str:
        return self.language or self.customer.language

    @property
    def amount_claimed(self) -> Decimal:
        """Overdue principal, plus the penalties when the step claims them."""
        extra = (
            self.penalties.total if self.penalties and self.step.penalties == "claimed" else ZERO
        )
        return self.total_overdue + extra

    def variables(self) -> dict[str, object]:
        """The top-level template variables (exactly ``TEMPLATE_VARIABLES``)."""
        values: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        values["language"] = self.message_language
        values["amount_claimed"] = self.amount_claimed
        values["overdue_items"] = tuple(item for item in self.items if item.days_late > 0)
        return values


# The allow-list: the only names a template can read (plus its own {% set %} / loop names
# and the globals range, dict, namespace, cycler, joiner).
TEMPLATE_VARIABLES: Mapping[str, str] = {
    "organisation": "le créancier : name, address, sender_name, iban, bic, phone, email, "
    "registration",
    "customer": "le débiteur : name, reference, kind (B2B/B2C/PUBLIC), country, language, "
    "address, contact_name (la personne à qui l'on écrit, peut être vide)",
    "collector": "le chargé de recouvrement : name, title, email, phone, signature",
    "step": "l'étape : key, tone (courteous/neutral/firm/formal), penalties "
    "(none/mentioned/claimed)",
    "items": "le relevé : factures ouvertes triées par échéance (number, issue_date, due_date, "
    "days_late, amount, outstanding, currency, order_reference, quote_reference, "
    "contract_reference)",
    "overdue_items": "les factures échues seulement (days_late > 0)",
    "total_due": "total restant dû (échu et non échu)",
    "total_overdue": "total échu",
    "amount_claimed": "total échu + pénalités quand l'étape les réclame",
    "currency": "devise (EUR)",
    "payment_reference": "communication structurée (BE) ou référence RF (ISO 11649)",
    "portal_url": "lien du portail de paiement (peut être vide)",
    "portal_short_url": "le même lien, en forme courte (SMS, courrier ; peut être vide)",
    "penalties": "pénalités calculées ou None : interest, indemnity, total, lines, "
    "interest_missing (intérêts non chiffrés faute de taux publié)",
    "deadline": "date limite de paiement (délai de paiement de l'étape, mise en demeure) ou None",
    "today": "date du jour",
    "invoices_attached": "vrai quand les factures (PDF) sont jointes au message",
    "language": "langue du message (fr, nl, en, de)",
}

# Attributes a template may read on each context type (their dataclass fields, nothing else).
CONTEXT_TYPES: tuple[type, ...] = (
    Organisation,
    Customer,
    Collector,
    StepInfo,
    OpenItem,
    Penalties,
    MessageContext,
)
ALLOWED_ATTRIBUTES: Mapping[type, frozenset[str]] = {
    cls: frozenset(f.name for f in fields(cls)) for cls in CONTEXT_TYPES
}

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "LANGUAGES",
    "TEMPLATE_VARIABLES",
    "Collector",
    "Customer",
    "MessageContext",
    "OpenItem",
    "Organisation",
    "Penalties",
    "StepInfo",
]
