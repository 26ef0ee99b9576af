"""Which invoice a file name names (pure): normalised numbers, digit boundaries, the longest."""

from __future__ import annotations

from relance.imports.parsers.facturx import embedded_invoice, read_cii
from relance.imports.parsers.pdf_names import match_numbers, number_key
from tests.imports.helpers import FIXTURES


def names(*files: str) -> dict[str, str]:
    return {name: number_key(name.removesuffix(".pdf")) for name in files}


def test_case_spaces_and_separators_do_not_count():
    assert number_key("F-2024/0012 ") == number_key("f 2024_0012") == "f20240012"


def test_a_number_inside_a_longer_run_of_digits_is_not_found():
    found = match_numbers(names("Facture 120.pdf"), set(), [(1, "12"), (2, "120"), (3, "20")])
    assert found.by_name["Facture 120.pdf"].found == {"120": {2}}


def test_the_longest_number_found_wins_and_equal_lengths_tie():
    ledger = [(1, "FA-7"), (2, "FA-7-B"), (3, "X9"), (4, "Y9")]
    found = match_numbers(names("fa7b.pdf", "X9 Y9.pdf"), set(), ledger)
    assert found.by_name["fa7b.pdf"].best == [("fa7b", {2})]
    assert found.by_name["X9 Y9.pdf"].best == [("x9", {3}), ("y9", {4})]


def test_numbers_wanted_from_embedded_invoices_are_found_exactly():
    found = match_numbers({}, {"f20180027"}, [(1, "F2018-0027"), (2, "F20180027X")])
    assert found.by_number == {"f20180027": {1}}


def test_the_facturx_sample_gives_its_invoice():
    data = (FIXTURES / "einvoice" / "Facture_F20180027.pdf").read_bytes()
    embedded = embedded_invoice(data)
    assert embedded is not None
    assert (embedded.number, str(embedded.grand_total), str(embedded.due_payable)) == (
        "F20180027", "110.00", "100.00",
    )  # fmt: skip
    assert (embedded.due_date.isoformat(), embedded.currency, embedded.buyer) == (
        "2019-01-30", "EUR", "LE CLIENT",
    )  # fmt: skip
    assert embedded.contract_reference == "CT2018120802"


def test_a_plain_pdf_or_hostile_xml_gives_nothing():
    assert embedded_invoice(b"%PDF-1.4\n%%EOF") is None
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    assert read_cii(bomb) is None
