"""Bank credits matched to open items: each rule, its reason and its confidence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from relance.core.matching import (
    Credit,
    Index,
    Item,
    Payer,
    build_index,
    match,
    match_all,
    name_key,
    number_key,
)

D = Decimal
EUR = "EUR"


def item(pk: int, number: str, customer: int, amount: str, due: date) -> Item:
    return Item(pk, pk, number, customer, D(amount), EUR, due)


ITEMS = [
    item(1, "F-2024-0012", 10, "100.00", date(2024, 1, 10)),
    item(2, "F-2024-0013", 10, "250.00", date(2024, 2, 10)),
    item(3, "F-2024-0014", 10, "80.00", date(2024, 3, 10)),
    item(4, "INV-000777", 20, "80.00", date(2024, 1, 5)),
    item(5, "INV-000778", 30, "300.00", date(2024, 1, 5)),
]
PAYERS = [
    Payer(10, "Dupont & Fils SARL", "RF18539007547034", ("FR7630006000011234567890189",)),
    Payer(20, "Société Générale des Pâtes SAS", "+++000/0000/02020+++"),
    Payer(30, "Brouwerij Janssens NV", "", ("BE68539007547034",)),
]


def index() -> Index:
    return build_index(ITEMS, PAYERS)


def credit(amount: str, **fields: object) -> Credit:
    return Credit(id="e1", amount=D(amount), currency=str(fields.pop("currency", EUR)), **fields)  # type: ignore[arg-type]


def test_structured_reference_pays_the_customer_oldest_first() -> None:
    decision = match(credit("150.00", structured_reference="RF18 5390 0754 7034"), index())
    assert (decision.confidence, decision.reason, decision.customer_id) == (
        "sure",
        "structured_reference",
        10,
    )
    assert decision.allocations == ((1, D("100.00")), (2, D("50.00")))
    assert decision.credit == 0


def test_an_overpayment_by_reference_leaves_credit_and_stays_sure() -> None:
    decision = match(credit("500.00", structured_reference="RF18539007547034"), index())
    assert decision.confidence == "sure"
    assert decision.allocated == D("430.00")
    assert decision.credit == D("70.00")


def test_invoice_numbers_in_the_text_tolerate_prefixes_spaces_and_zeros() -> None:
    decision = match(credit("80.00", text="Reglement FACT 2024 0014 merci"), index())
    assert (decision.confidence, decision.reason) == ("sure", "invoice_number")
    assert decision.allocations == ((3, D("80.00")),)
    decision = match(credit("80.00", text="/ROC/inv 777"), index())
    assert (decision.confidence, decision.allocations) == ("sure", ((4, D("80.00")),))


def test_one_transfer_settles_two_invoices() -> None:
    decision = match(credit("350.00", text="F-2024-0012 / F2024-0013"), index())
    assert decision.confidence == "sure"
    assert decision.allocations == ((1, D("100.00")), (2, D("250.00")))


def test_a_partial_payment_of_named_invoices_goes_oldest_first() -> None:
    decision = match(credit("120.00", text="inv 2024-0013, 2024-0012",
                            counterparty_name="DUPONT & FILS"), index())  # fmt: skip
    assert decision.confidence == "sure"
    assert decision.allocations == ((1, D("100.00")), (2, D("20.00")))


def test_part_of_an_invoice_paid_by_a_stranger_is_only_likely() -> None:
    # "2024-0013" may be the payer's own order number: paying part of an invoice on its
    # number alone is for a person to confirm, unless the payer is known to be the customer.
    stranger = match(credit("120.00", text="commande 2024-0013", counterparty_name="ACME"),
                     index())  # fmt: skip
    assert stranger.confidence == "likely"
    known = match(credit("120.00", text="commande 2024-0013",
                         counterparty_iban="FR7630006000011234567890189"), index())  # fmt: skip
    assert known.confidence == "sure"
    assert known.allocations == ((2, D("120.00")),)


def test_more_than_the_named_invoices_owe_is_only_likely() -> None:
    decision = match(credit("130.00", text="F-2024-0012"), index())
    assert (decision.confidence, decision.reason) == ("likely", "invoice_number")
    assert decision.credit == D("30.00")


def test_less_than_invoices_of_two_customers_is_only_likely() -> None:
    decision = match(credit("50.00", text="F-2024-0012 INV-777"), index())
    assert decision.confidence == "likely"
    assert decision.customer_id is None


def test_known_iban_and_one_fitting_amount_is_sure() -> None:
    decision = match(credit("300.00", counterparty_iban="BE68 5390 0754 7034"), index())
    assert (decision.confidence, decision.reason, decision.allocations) == (
        "sure",
        "iban_amount",
        ((5, D("300.00")),),
    )


def test_known_iban_and_two_fitting_amounts_is_likely() -> None:
    items = [*ITEMS, item(6, "F-2024-0099", 30, "300.00", date(2024, 4, 1))]
    decision = match(
        credit("300.00", counterparty_iban="BE68539007547034"), build_index(items, PAYERS)
    )
    assert (decision.confidence, decision.allocations) == ("likely", ((5, D("300.00")),))


def test_customer_name_and_amount_is_likely() -> None:
    decision = match(credit("80.00", counterparty_name="STE GENERALE DES PATES"), index())
    assert (decision.confidence, decision.reason, decision.customer_id) == (
        "likely",
        "name_amount",
        20,
    )


def test_debits_reversals_and_other_currencies_are_never_applied() -> None:
    ref = {"structured_reference": "RF18539007547034"}
    assert match(credit("-100.00", **ref), index()).reason == "debit"
    assert match(credit("100.00", reversal=True, **ref), index()).reason == "reversal"
    assert match(credit("100.00", currency="USD", **ref), index()).reason == "currency"
    assert match(credit("12.34", text="merci"), index()).confidence == "none"
    assert match(credit("100.005", **ref), index()).reason == "fraction_of_cent"
    assert match(credit("100.000", **ref), index()).confidence == "sure"  # camt's 3 decimals


def test_an_item_paid_by_a_first_credit_is_not_paid_again_by_the_next() -> None:
    decisions = match_all(
        [
            Credit("a", D("100.00"), EUR, text="F-2024-0012"),
            Credit("b", D("100.00"), EUR, text="F-2024-0012"),
        ],
        index(),
    )
    assert decisions[0].confidence == "sure"
    assert decisions[1].confidence == "likely"
    assert decisions[1].allocations == ()


def test_ambiguous_numbers_are_not_used() -> None:
    items = [*ITEMS, item(7, "FA 2024 0012", 20, "100.00", date(2024, 1, 1))]
    decision = match(credit("100.00", text="F-2024-0012"), build_index(items, PAYERS))
    assert decision.reason == "no_match"


@given(
    digits=st.integers(min_value=100, max_value=10**9),
    prefix=st.sampled_from(
        ["", "F", "F-", "FACT ", "fact.", "INV", "Inv-", "facture n° ", "Rechnung Nr. "]
    ),
    zeros=st.integers(min_value=0, max_value=4),
)
def test_number_key_ignores_prefix_separators_and_leading_zeros(
    digits: int, prefix: str, zeros: int
) -> None:
    written = f"{prefix}{'0' * zeros}{digits}"
    spaced = " ".join(written)
    assert number_key(written) == number_key(str(digits)) == str(digits)
    assert number_key(spaced) == str(digits)


@given(
    st.sampled_from(["SARL ", "", "Sté ", "sas "]),
    st.sampled_from(["", " SARL", " NV", ".", " bv"]),
)
def test_name_key_ignores_case_accents_and_legal_forms(before: str, after: str) -> None:
    assert name_key(f"{before}Élise Dûpont{after}") == "elise dupont"


amounts = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)


@given(
    opens=st.lists(amounts, min_size=1, max_size=6),
    paid=st.lists(amounts, min_size=1, max_size=6),
    by_text=st.booleans(),
)
def test_allocations_never_exceed_the_entry_nor_an_items_open_amount(
    opens: list[Decimal], paid: list[Decimal], by_text: bool
) -> None:
    items = [
        item(pk, f"F-{pk:04d}", 10, str(amount), date(2024, 1, pk))
        for pk, amount in enumerate(opens, start=1)
    ]
    numbers = " ".join(f"F-{pk:04d}" for pk in range(1, len(opens) + 1))
    credits = [
        Credit(
            str(n),
            amount,
            EUR,
            text=numbers if by_text else "",
            structured_reference="" if by_text else "RF18539007547034",
        )
        for n, amount in enumerate(paid)
    ]
    applied: dict[int, Decimal] = {}
    for decision, paid_credit in zip(
        match_all(credits, build_index(items, PAYERS)), credits, strict=True
    ):
        assert decision.allocated + decision.credit <= paid_credit.amount
        assert all(amount > 0 for _, amount in decision.allocations)
        if decision.confidence == "sure":
            for pk, amount in decision.allocations:
                applied[pk] = applied.get(pk, D(0)) + amount
    for pk, amount in applied.items():
        assert amount <= opens[pk - 1]


def with_references() -> Index:
    """The items above, the invoices of customer 10 printed with their own references."""
    own = {1: "RF26 2024 0012", 2: "+++090/9337/55493+++", 3: "CMD-4521 / B"}
    items = [
        Item(i.id, i.invoice_id, i.invoice_number, i.customer_id, i.open_amount, i.currency,
             i.due_date, own.get(i.id, ""))
        for i in ITEMS
    ]  # fmt: skip
    return build_index(items, PAYERS)


def test_an_invoices_own_rf_reference_pays_that_invoice() -> None:
    decision = match(credit("250.00", structured_reference="RF262024 0012"), with_references())
    assert (decision.confidence, decision.reason, decision.customer_id) == (
        "sure", "invoice_reference", 10,
    )  # fmt: skip
    # Its own invoice, not the customer's oldest one (which the customer reference would pay).
    assert decision.allocations == ((1, D("100.00")),)
    assert decision.credit == D("150.00")


def test_an_invoices_own_belgian_reference_in_the_text_pays_that_invoice() -> None:
    decision = match(credit("250.00", text="VIREMENT +++090/9337/55493+++"), with_references())
    assert decision.reason == "invoice_reference"  # the parsers put it in the text or field
    assert decision.allocations == ((2, D("250.00")),)
    structured = credit("250.00", structured_reference="+++090/9337/55493+++")
    assert match(structured, with_references()).allocations == ((2, D("250.00")),)


def test_a_free_text_reference_is_found_whole_whatever_its_case_and_spaces() -> None:
    for text in ("paiement cmd 4521 b", "Votre ref: CMD-4521/B.", "CMD4521B"):
        decision = match(credit("80.00", text=text), with_references())
        assert (decision.reason, decision.allocations) == ("invoice_reference", ((3, D("80.00")),))
    for text in ("XCMD-4521/B", "CMD-4521/BIS", "CMD-4521"):
        assert match(credit("80.00", text=text), with_references()).reason != "invoice_reference"


def test_a_reference_printed_on_invoices_of_two_customers_is_not_used() -> None:
    items = [
        Item(1, 1, "A-1", 10, D("80.00"), EUR, date(2024, 1, 1), "COMMON-REF"),
        Item(2, 2, "A-2", 20, D("80.00"), EUR, date(2024, 1, 1), "COMMON-REF"),
    ]
    decision = match(credit("80.00", text="COMMON-REF"), build_index(items, PAYERS))
    assert decision.reason != "invoice_reference"


def test_a_customer_with_many_open_items_is_found_by_amount_all_the_same() -> None:
    many = [item(100 + n, f"B-{n:05d}", 30, f"{1000 + 10 * n}.00", date(2024, 1, 1))
            for n in range(80)]  # fmt: skip
    found = build_index([*ITEMS, *many], PAYERS)
    decision = match(credit("1400.00", counterparty_iban="BE68539007547034"), found)
    assert (decision.confidence, decision.allocations) == ("sure", ((140, D("1400.00")),))
    # Partly paid by a sure match, an item is found again by what it still owes.
    known = "BE68539007547034"
    match_all([Credit("a", D("5.00"), EUR, text="B-00041", counterparty_iban=known)], found)
    again = match(credit("1405.00", counterparty_iban="BE68539007547034"), found)
    assert (again.confidence, again.allocations) == ("sure", ((141, D("1405.00")),))


def test_two_customers_of_one_name_are_both_candidates() -> None:
    payers = [*PAYERS, Payer(40, "Dupont & Fils", "")]
    items = [*ITEMS, item(9, "Z-999", 40, "777.00", date(2024, 1, 1))]
    decision = match(credit("777.00", counterparty_name="DUPONT ET FILS SARL"),
                     build_index(items, payers))  # fmt: skip
    assert decision.reason != "name_amount"  # "et" is a word of the name: not the same name
    decision = match(
        credit("777.00", counterparty_name="Dupont & Fils"), build_index(items, payers)
    )
    assert (decision.reason, decision.customer_id) == ("name_amount", 40)
