"""Bank credits matched to open items: which customer paid, for which invoices, how surely.

Pure: the caller gives the credits and an index of what is open; nothing is read here. The
index is built once and every rule is a dictionary lookup, so matching a statement costs the
same against a thousand open items as against a million.

Rules, in order of confidence (the first sure one wins, else the first likely one):

0. ``invoice_reference``: the credit's structured reference is an invoice's own payment
   reference (the one its issuing software printed: RF, +++ or free text), or its text holds
   that reference as a whole word (or words) -> that invoice, oldest instalment first; what
   is left is customer credit. Sure. A reference printed on several customers' invoices is
   not used.
1. ``structured_reference``: the credit carries a customer's payment reference (RF or
   Belgian +++) -> that customer, oldest items first; what is left is customer credit. Sure.
2. ``invoice_number``: invoice numbers found in the remittance text -> those invoices. Sure
   when the amount settles them exactly, or pays part of them, they all belong to one
   customer and the payer's IBAN or name is known for that customer (oldest first among
   them); likely otherwise (more than their open sum, less across several customers, or part
   of it from a payer not known to be the customer: a number in a label may be another one).
3. ``iban_amount``: the payer's IBAN is known for a customer and the amount equals one of
   that customer's open items -> sure when exactly one item fits, likely when several do.
4. ``name_amount``: the payer's name is a customer's name (case, accents and legal forms
   aside) and the amount equals one of its open items -> likely.

Debits, reversals, credits in a currency with nothing open and amounts with a fraction of a
cent are never applied.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

Confidence = Literal["sure", "likely", "none"]
ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# Written before an invoice number in transfer labels ("FACT", "Facture n°", "INV-", "F"),
# then maybe a number sign ("No", "Nr", "n°"); only ever stripped when a digit follows.
_NUMBER_PREFIX = re.compile(
    r"^(?:FACTURE|INVOICE|FACTUUR|RECHNUNG|FACT|INV|FAC|FA|RE|F)?(?:NUMERO|NUM|NO|NR|N)?(?=\d)"
)
# A shorter key would be found by chance in dates, amounts and account numbers.
MIN_NUMBER_KEY = 3
# Numbers written in a few pieces ("F 2024 0012") are rejoined up to this many words.
MAX_NUMBER_WORDS = 4
# A customer with at most this many open items has them read through for an amount rather
# than indexed by amount.
SCAN_ITEMS = 32
# An invoice's free-text reference shorter than this would be found by chance in labels.
MIN_REFERENCE_KEY = 4
# A free-text reference is looked for in at most this many consecutive words.
MAX_REFERENCE_WORDS = 8
LEGAL_FORMS = frozenset(
    (
        *("sarl", "sas", "sasu", "sa", "eurl", "sci", "snc", "scs", "sca", "scop"),
        *("ste", "societe", "ets", "bv", "nv", "bvba", "sprl", "srl", "sc", "cv", "cvba"),
        *("scrl", "vzw", "asbl", "gmbh", "ag", "kg", "ohg", "ug", "ltd", "llc", "inc"),
        *("plc", "co", "corp"),
    )
)
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_ALNUM_RUNS = re.compile(r"[0-9A-Za-z]+")
_WORDS = re.compile(r"[^\s,;:()\[\]]+")


@dataclass(frozen=True, slots=True)
class Item:
    """One open receivable item (an instalment) as the matcher sees it."""

    id: int
    invoice_id: int
    invoice_number: str
    customer_id: int
    open_amount: Decimal
    currency: str
    due_date: date
    # The invoice's own payment reference, as printed by the software that issued it.
    payment_reference: str = ""


@dataclass(frozen=True, slots=True)
class Payer:
    """A customer: its name, the reference printed on its reminders, its known IBANs."""

    id: int
    name: str
    payment_reference: str = ""
    ibans: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Credit:
    """What matching needs of a bank entry."""

    id: str
    amount: Decimal
    currency: str
    reversal: bool = False
    counterparty_name: str = ""
    counterparty_iban: str = ""
    structured_reference: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    entry_id: str
    confidence: Confidence
    reason: str
    customer_id: int | None = None
    allocations: tuple[tuple[int, Decimal], ...] = ()
    credit: Decimal = ZERO  # what is left on the customer's account

    @property
    def allocated(self) -> Decimal:
        return sum((amount for _, amount in self.allocations), ZERO)


def number_key(number: str) -> str:
    """An invoice number as compared: letters and digits only, no prefix, no leading zeros."""
    key = _NOT_ALNUM.sub("", (number if number.isascii() else _fold(number)).upper())
    return _NUMBER_PREFIX.sub("", key, count=1).lstrip("0")


def name_key(name: str) -> str:
    """A company name as compared: lower case, no accents, punctuation or legal form."""
    words = re.sub(r"[^0-9a-z]+", " ", _fold(name).lower()).split()
    return " ".join(word for word in words if word not in LEGAL_FORMS)


def reference_key(reference: str) -> str:
    return _NOT_ALNUM.sub("", reference.upper())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# Most invoices have one instalment and most amounts are owed once per customer: a group
# of one is kept as the item itself, a list only from the second. At a million open items
# this halves the index.
Group = Item | list[Item]


def _put(groups: dict[Any, Group], key: Any, item: Item) -> None:
    found = groups.get(key)
    if found is None:
        groups[key] = item
    elif isinstance(found, list):
        found.append(item)
    else:
        groups[key] = [found, item]


def _members(groups: Mapping[Any, Group | None], key: Any) -> Sequence[Item]:
    found = groups.get(key)
    if found is None:
        return ()
    return found if isinstance(found, list) else (found,)


@dataclass
class Index:
    """Open items and customers, keyed for the lookups of each rule."""

    currencies: set[str] = field(default_factory=set)
    items: dict[int, Item] = field(default_factory=dict)
    # What matches of this run took: an item not in it still owes its ``open_amount``.
    paid: dict[int, Decimal] = field(default_factory=dict)
    of_customer: dict[int, list[Item]] = field(default_factory=dict)
    # number key -> the items of the invoice so numbered, or None when two invoices share it
    by_number: dict[str, Group | None] = field(default_factory=dict)
    # customer id -> what its items still owe -> those items; built on first use and only for
    # a customer with many open items (a short list is read through instead): keyed for all,
    # a million items would take more memory than they do themselves.
    by_amount: dict[int, dict[Decimal, Group]] = field(default_factory=dict)
    by_reference: dict[str, int] = field(default_factory=dict)
    # reference key -> the items of the invoice(s) printed with that payment reference
    by_invoice_reference: dict[str, Group] = field(default_factory=dict)
    # The most words a known free-text invoice reference is written in.
    reference_words: int = 0
    by_iban: dict[str, set[int]] = field(default_factory=dict)
    # name key -> the customer so named, or the set of them when several share the name
    by_name: dict[str, int | set[int]] = field(default_factory=dict)

    def add_invoice_number(self, item: Item) -> None:
        key = number_key(item.invoice_number)
        if len(key) < MIN_NUMBER_KEY:
            return
        found = self.by_number.get(key, item)
        if found is None:
            return
        first = found[0] if isinstance(found, list) else found
        if first.invoice_id != item.invoice_id:
            self.by_number[key] = None  # two invoices: the number says nothing
        elif found is item:
            self.by_number[key] = item
        else:
            _put(self.by_number, key, item)  # type: ignore[arg-type]

    def named(self, key: str) -> Collection[int]:
        found = self.by_name.get(key)
        if found is None:
            return ()
        return found if isinstance(found, set) else (found,)

    def add_name(self, key: str, customer_id: int) -> None:
        found = self.by_name.get(key)
        if found is None:
            self.by_name[key] = customer_id
        elif isinstance(found, set):
            found.add(customer_id)
        elif found != customer_id:
            self.by_name[key] = {found, customer_id}

    def left(self, item: Item) -> Decimal:
        return item.open_amount - self.paid.get(item.id, ZERO)

    def with_amount(self, customer_id: int, amount: Decimal) -> Sequence[Item]:
        """The customer's items that may still owe ``amount`` (the caller checks)."""
        items = self.of_customer.get(customer_id, [])
        if len(items) <= SCAN_ITEMS:
            return items
        amounts = self.by_amount.get(customer_id)
        if amounts is None:
            amounts = self.by_amount[customer_id] = {}
            for item in items:
                _put(amounts, self.left(item), item)
        return _members(amounts, amount)

    def reduce(self, item_id: int, amount: Decimal) -> None:
        item = self.items[item_id]
        self.paid[item_id] = self.paid.get(item_id, ZERO) + amount
        left = self.left(item)
        amounts = self.by_amount.get(item.customer_id)
        if left > ZERO and amounts is not None:
            _put(amounts, left, item)


def build_index(items: Iterable[Item], payers: Iterable[Payer]) -> Index:
    index = Index()
    for item in items:
        index.currencies.add(item.currency)
        index.items[item.id] = item
        index.of_customer.setdefault(item.customer_id, []).append(item)
        index.add_invoice_number(item)
        if item.payment_reference:
            _add_invoice_reference(index, item)
    for groups in (index.of_customer, index.by_number, index.by_invoice_reference):
        for group in groups.values():
            if isinstance(group, list):
                group.sort(key=_age)
    for payer in payers:
        if payer.payment_reference:
            index.by_reference[reference_key(payer.payment_reference)] = payer.id
        for iban in payer.ibans:
            index.by_iban.setdefault(reference_key(iban), set()).add(payer.id)
        key = name_key(payer.name)
        if key:
            index.add_name(key, payer.id)
    return index


def _add_invoice_reference(index: Index, item: Item) -> None:
    key = reference_key(item.payment_reference)
    if len(key) < MIN_REFERENCE_KEY:
        return
    _put(index.by_invoice_reference, key, item)
    # Written in a label, each run of letters or digits may be a word, and so may each
    # separator between them ("CMD 4521 / B").
    runs = len(_ALNUM_RUNS.findall(item.payment_reference))
    index.reference_words = max(index.reference_words, min(2 * runs - 1, MAX_REFERENCE_WORDS))


def _age(item: Item) -> tuple[date, int]:
    return (item.due_date, item.id)


def match_all(credits: Sequence[Credit], index: Index) -> list[Decision]:
    """One decision per credit, in order; sure ones reduce what later credits can take."""
    decisions = []
    for credit in credits:
        decision = match(credit, index)
        if decision.confidence == "sure":
            for item_id, amount in decision.allocations:
                index.reduce(item_id, amount)
        decisions.append(decision)
    return decisions


def match(credit: Credit, index: Index) -> Decision:
    refused = _refusal(credit, index)
    if refused:
        return Decision(credit.id, "none", refused)
    likely: Decision | None = None
    for rule in (_by_invoice_reference, _by_reference, _by_invoice_number, _by_iban, _by_name):
        decision = rule(credit, index)
        if decision is None:
            continue
        if decision.confidence == "sure":
            return decision
        likely = likely or decision
    return likely or Decision(credit.id, "none", "no_match")


def _refusal(credit: Credit, index: Index) -> str:
    if credit.reversal:
        return "reversal"
    if credit.amount <= ZERO:
        return "debit"
    if credit.currency not in index.currencies:
        return "currency"
    if credit.amount != credit.amount.quantize(CENT):
        return "fraction_of_cent"  # no invoice is owed in thousandths: a person looks
    return ""


def _allocate(
    credit: Credit, items: Sequence[Item], index: Index
) -> tuple[tuple[tuple[int, Decimal], ...], Decimal]:
    """Oldest first over ``items`` (already in age order): the parts and what is left."""
    parts = []
    left = credit.amount
    for item in items:
        if left <= ZERO:
            break
        remaining = index.left(item)
        if item.currency != credit.currency or remaining <= ZERO:
            continue
        part = min(remaining, left)
        parts.append((item.id, part))
        left -= part
    return tuple(parts), left


def _by_invoice_reference(credit: Credit, index: Index) -> Decision | None:
    if not index.by_invoice_reference:
        return None
    items: Sequence[Item] = ()
    if credit.structured_reference:
        key = reference_key(credit.structured_reference)
        items = _members(index.by_invoice_reference, key)
    if not items:
        items = invoice_reference_in_text(credit.text, index)
    owners = {item.customer_id for item in items}
    if len(owners) != 1:
        return None
    parts, left = _allocate(credit, items, index)
    return Decision(credit.id, "sure", "invoice_reference", owners.pop(), parts, left)


def invoice_reference_in_text(text: str, index: Index) -> Sequence[Item]:
    """The items of the first invoice whose own payment reference is written in ``text`` as
    whole words: spaces, case and punctuation aside, never as part of a longer word (the
    reference ``AB-123`` is in "virement AB 123" but not in "XAB123")."""
    words = _WORDS.findall(text)
    for position in range(len(words)):
        for size in range(min(index.reference_words, len(words) - position), 0, -1):
            key = reference_key("".join(words[position : position + size]))
            items = _members(index.by_invoice_reference, key)
            if items:
                return items
    return ()


def _by_reference(credit: Credit, index: Index) -> Decision | None:
    if not credit.structured_reference:
        return None
    customer_id = index.by_reference.get(reference_key(credit.structured_reference))
    if customer_id is None:
        return None
    parts, left = _allocate(credit, index.of_customer.get(customer_id, []), index)
    return Decision(credit.id, "sure", "structured_reference", customer_id, parts, left)


def invoices_in_text(text: str, index: Index) -> list[int]:
    """Invoice ids whose number is written in ``text``, each once, in order of appearance.

    Words are tried alone and rejoined with the next ones (a number written "F 2024 0012"),
    the longest known number winning at each place.
    """
    return list(_invoices_in_text(text, index))


def _invoices_in_text(text: str, index: Index) -> dict[int, Sequence[Item]]:
    """Invoice id -> its items, for each invoice whose number is in ``text``, in order."""
    words = _WORDS.findall(text)
    found: dict[int, Sequence[Item]] = {}
    position = 0
    while position < len(words):
        step = 1
        for size in range(min(MAX_NUMBER_WORDS, len(words) - position), 0, -1):
            key = number_key("".join(words[position : position + size]))
            items = _members(index.by_number, key)
            if items:
                found.setdefault(items[0].invoice_id, items)
                step = size
                break
        position += step
    return found


def _by_invoice_number(credit: Credit, index: Index) -> Decision | None:
    invoices = _invoices_in_text(credit.text, index)
    if not invoices:
        return None
    items = sorted((item for group in invoices.values() for item in group), key=_age)
    owners = {item.customer_id for item in items}
    open_sum = sum((index.left(i) for i in items if i.currency == credit.currency), ZERO)
    parts, left = _allocate(credit, items, index)
    one_owner = len(owners) == 1
    customer_id = next(iter(owners)) if one_owner else None
    # A number in a label may be another one (an order, a quote): paying part of an invoice
    # on its number alone is only sure when the payer is known to be its customer.
    partial = credit.amount < open_sum and customer_id is not None
    sure = credit.amount == open_sum or (partial and _payer_is(credit, customer_id, index))
    if not sure:
        # Several customers, more than what the invoices still owe, or part of it paid by
        # someone not known to be the customer: a person decides.
        return Decision(credit.id, "likely", "invoice_number", customer_id, parts, left)
    return Decision(credit.id, "sure", "invoice_number", customer_id, parts, left)


def _payer_is(credit: Credit, customer_id: int | None, index: Index) -> bool:
    """Whether the payer's IBAN or name is known for this customer."""
    iban = reference_key(credit.counterparty_iban) if credit.counterparty_iban else ""
    name = name_key(credit.counterparty_name)
    return customer_id in index.by_iban.get(iban, set()) or (
        bool(name) and customer_id in index.named(name)
    )


def _by_amount(credit: Credit, customers: Iterable[int], index: Index) -> list[Item]:
    fits = {
        item.id: item
        for customer_id in customers
        for item in index.with_amount(customer_id, credit.amount)
        if item.currency == credit.currency and index.left(item) == credit.amount
    }
    return sorted(fits.values(), key=_age)


def _by_iban(credit: Credit, index: Index) -> Decision | None:
    customers = index.by_iban.get(reference_key(credit.counterparty_iban), set())
    fits = _by_amount(credit, customers, index) if credit.counterparty_iban else []
    if not fits:
        return None
    confidence: Confidence = "sure" if len(fits) == 1 else "likely"
    first = fits[0]
    return Decision(
        credit.id, confidence, "iban_amount", first.customer_id, ((first.id, credit.amount),)
    )


def _by_name(credit: Credit, index: Index) -> Decision | None:
    key = name_key(credit.counterparty_name)
    fits = _by_amount(credit, index.named(key), index) if key else []
    if not fits:
        return None
    first = fits[0]
    return Decision(
        credit.id, "likely", "name_amount", first.customer_id, ((first.id, credit.amount),)
    )
