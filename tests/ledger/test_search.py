"""The search box: each kind of query, within one organisation, the index kept up to date by
every write (services, plain updates, deletes, bulk imports), and hostile queries."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from relance.core.search_text import MAX_QUERY_LENGTH, QueryError, highlight, parse_query
from relance.ledger.models import Contact, Customer, Invoice
from relance.ledger.search import customer_condition, search
from relance.ledger.selectors import customer_payment_reference
from relance.ledger.services import (
    contact_add,
    customer_create,
    invoice_create,
    payment_record,
)
from tests.imports.helpers import fixture, run_import

D = Decimal
DAY = date(2026, 3, 2)


def a_customer(organisation, actor, ref, name, **extra):
    return customer_create(organisation=organisation, external_ref=ref, name=name, actor=actor,
                           **extra)  # fmt: skip


def an_invoice(organisation, actor, owner, number, amount="100.00"):
    return invoice_create(organisation=organisation, customer=owner, number=number,
                          issue_date=DAY, due_date=DAY, amount_incl_tax=D(amount),
                          actor=actor)  # fmt: skip


@pytest.fixture
def book(organisation, actor):
    girard = a_customer(organisation, actor, "C-00123", "Menuiserie Gérard et Fils")
    zoe = a_customer(organisation, actor, "C-00456", "Crèmerie Zoé", siren="732829320")
    contact_add(customer=girard, actor=actor, name="Hélène Côté",
                email="helene.cote@menuiserie-gerard.example", phone="+32470123456")  # fmt: skip
    contact_add(customer=zoe, actor=actor, email="compta@zoe.example", phone="+33612345678")
    invoices = {
        "F-2024-0012": an_invoice(organisation, actor, girard, "F-2024-0012", "1234.56"),
        "F-2024-0120": an_invoice(organisation, actor, zoe, "F-2024-0120", "80.00"),
        "FA-00777": an_invoice(organisation, actor, zoe, "FA-00777", "77.70"),
    }
    return {"girard": girard, "zoe": zoe, **invoices}


def names(found):
    return [str(item) for item in found]


def test_a_word_in_the_middle_of_a_name_finds_the_customer_accents_aside(organisation, book):
    for text in ("Gerard", "gérard", "GÉRARD", "fils", "menuiserie fils", "gér"):
        assert search(organisation, text).customers == [book["girard"]], text
    assert search(organisation, "creme").customers == [book["zoe"]]  # prefix of a word
    assert search(organisation, "gerard zoe").customers == []  # every word must be found
    assert search(organisation, "C-00456").customers == [book["zoe"]]  # the reference
    assert search(organisation, "732 829 320").customers == [book["zoe"]]  # SIREN


def test_invoice_numbers_exact_or_partial_separators_and_leading_zeros_aside(organisation, book):
    assert search(organisation, "F-2024-0012").invoices[0] == book["F-2024-0012"]
    assert search(organisation, "2024 0012").invoices == [book["F-2024-0012"]]
    assert search(organisation, "0012").invoices == [book["F-2024-0012"]]
    assert set(search(organisation, "2024").invoices) == {
        book["F-2024-0012"], book["F-2024-0120"]
    }  # fmt: skip
    # As bank matching reads a number: prefix and leading zeros aside.
    assert search(organisation, "FACT 777").invoices == [book["FA-00777"]]
    # The same number first, then the ones starting with it.
    found = search(organisation, "F2024012").invoices
    assert found[0] == book["F-2024-0120"]


def test_amounts_as_people_write_them(organisation, book):
    for text in ("1234,56", "1 234,56", "1234.56", "1 234,56 €"):
        assert search(organisation, text).invoices == [book["F-2024-0012"]], text
    assert search(organisation, "1234,57").invoices == []


def test_contacts_by_email_phone_or_name(organisation, book):
    for text in ("helene", "cote", "menuiserie-gerard", "helene.cote@menuiserie"):
        assert names(search(organisation, text).contacts) == ["Hélène Côté"], text
    for text in ("+32 470 12 34 56", "0032470123456", "0470 12 34 56", "470123456"):
        assert names(search(organisation, text).contacts) == ["Hélène Côté"], text
    assert names(search(organisation, "06 12 34 56 78").contacts) == ["compta@zoe.example"]
    assert search(organisation, "06 12 34 56 77").contacts == []


def test_payment_references_find_payments_and_the_customer_they_name(
    organisation, other_organisation, actor, book
):
    payment = payment_record(organisation=organisation, customer=book["zoe"],
                             reference="VIR-2026-555", date=DAY, amount=D("80.00"),
                             actor=actor)  # fmt: skip
    assert search(organisation, "VIR-2026-555").payments == [payment]
    assert search(organisation, " VIR-2026-555 ").payments == [payment]
    reference = customer_payment_reference(book["girard"])  # RF…
    assert search(organisation, reference).customers == [book["girard"]]
    spaced = " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
    assert search(organisation, spaced).customers == [book["girard"]]
    belgian = a_customer(other_organisation, actor, "B1", "Brasserie Peeters", country="BE")
    structured = customer_payment_reference(belgian)  # +++…+++
    assert search(other_organisation, structured).customers == [belgian]
    assert search(organisation, structured).customers == []


def test_another_organisations_data_is_never_returned(organisation, other_organisation, actor):
    theirs = a_customer(other_organisation, actor, "X1", "Menuiserie Gérard Bruxelles")
    contact_add(customer=theirs, actor=actor, email="gerard@bxl.example", phone="+32470123456")
    an_invoice(other_organisation, actor, theirs, "F-2024-0012", "1234.56")
    payment_record(organisation=other_organisation, customer=theirs, reference="VIR-1",
                   date=DAY, amount=D("10.00"), actor=actor)  # fmt: skip
    for text in ("gerard", "F-2024-0012", "0012", "1234,56", "0470123456", "VIR-1", "X1"):
        assert search(organisation, text).empty, text
    assert not search(other_organisation, "gerard").empty


def test_results_are_capped_and_say_there_are_more(organisation, actor):
    for n in range(13):
        a_customer(organisation, actor, f"K{n}", f"Garage Martin {n}")
    results = search(organisation, "martin")
    assert len(results.customers) == 10 and "customers" in results.more
    assert len(search(organisation, "martin", limit=50).customers) == 13
    assert "customers" not in search(organisation, "martin", limit=50).more


def test_the_index_follows_updates_and_deletes(organisation, actor, book):
    Customer.objects.filter(pk=book["zoe"].pk).update(name="Fromagerie Dubois")
    assert search(organisation, "zoe").customers == []
    assert search(organisation, "dubois").customers == [book["zoe"]]
    Invoice.objects.filter(pk=book["FA-00777"].pk).update(number="AV-99881")
    assert search(organisation, "00777").invoices == []
    assert search(organisation, "9988").invoices == [book["FA-00777"]]
    Contact.objects.filter(email="compta@zoe.example").update(phone="+33699999999")
    assert search(organisation, "0612345678").contacts == []
    assert names(search(organisation, "0699999999").contacts) == ["compta@zoe.example"]
    Contact.objects.filter(email="compta@zoe.example").delete()
    assert search(organisation, "0699999999").contacts == []
    book["FA-00777"].instalments.all().delete()
    book["FA-00777"].delete()
    assert search(organisation, "9988").invoices == []


def test_bulk_imports_are_searchable_at_once(organisation):
    assert run_import(organisation, "customers", fixture("fr-customers.csv")).ok
    assert run_import(organisation, "invoices", fixture("fr-invoices.csv")).ok
    results = search(organisation, "helene cote")
    assert names(results.customers) == ["Hélène Côté (CLI002)"]
    assert search(organisation, "lefevre").customers[0].external_ref == "CLI001"
    assert names(search(organisation, "2026 0002").invoices) == ["FA-2026-0002"]
    assert names(search(organisation, "06 12 34 56 78").contacts) == ["helene.cote@example.fr"]
    # Imported again: the upsert rewrites the same rows, the index holds each once.
    assert run_import(organisation, "customers", fixture("fr-customers.csv")).ok
    assert names(search(organisation, "helene cote").customers) == ["Hélène Côté (CLI002)"]
    # What an import indexed at its end behaves as what the triggers index row by row.
    Customer.objects.filter(external_ref="CLI002").update(name="Brasserie Marchal")
    assert search(organisation, "helene cote").customers == []
    assert names(search(organisation, "marchal").customers) == ["Brasserie Marchal (CLI002)"]
    _index_intact()


def _index_intact() -> None:
    """On SQLite: FTS5's own check of each index, and no import left indexing deferred."""
    if connection.vendor != "sqlite":
        return
    from relance.ledger.search_index import CONTACTS, CUSTOMERS, DEFERRED, INVOICES

    with connection.cursor() as cursor:
        for index in (CUSTOMERS, CONTACTS, INVOICES):
            cursor.execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")
        cursor.execute(f"SELECT count(*) FROM {DEFERRED}")
        assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize(
    "text",
    ['"', '"gerard', "gerard*", "NEAR(gerard fils)", "-gerard", "gerard OR fils", "a:b",
     "^gerard", "'; DROP TABLE ledger_customer; --", "100%", "F_2024", "\\", "(((", "{x}",
     "+++123/4567/89012+++", "RF00", "RF18A1B2C3D4E5F6G7", "+", "0000"],
)  # fmt: skip
def test_hostile_queries_raise_nothing(organisation, book, text):
    try:
        results = search(organisation, text)
    except QueryError:
        return
    assert book["girard"] not in results.customers or "gerard" in text.lower()
    assert Customer.objects.filter(organisation=organisation).count() == 2


def test_fts_operators_are_read_as_text(organisation, actor, book):
    assert search(organisation, "gerard NOT fils").customers == []  # "not" is a word here
    a_customer(organisation, actor, "N1", "Near Not Or")
    assert names(search(organisation, "near not or").customers) == ["Near Not Or (N1)"]


def test_queries_that_cannot_be_searched_are_refused_with_a_reason(organisation):
    with pytest.raises(QueryError, match="trop longue"):
        search(organisation, "x" * (MAX_QUERY_LENGTH + 1))
    with pytest.raises(QueryError, match="au moins"):
        search(organisation, "-- ** ::")
    with pytest.raises(QueryError, match="mots"):
        parse_query(" ".join(["mot"] * 20))


def test_the_customer_list_condition_is_the_same_search(organisation, actor, book):
    rows = Customer.objects.filter(organisation=organisation)
    assert list(rows.filter(customer_condition(organisation, "gerard"))) == [book["girard"]]
    assert list(rows.filter(customer_condition(organisation, "compta@zoe"))) == [book["zoe"]]
    assert list(rows.filter(customer_condition(organisation, "0470 12 34 56"))) == [book["girard"]]
    assert list(rows.filter(customer_condition(organisation, "m"))) == [book["girard"]]
    assert list(rows.filter(customer_condition(organisation, "--"))) == []


def test_highlight_marks_the_words_accents_and_case_aside():
    assert highlight("Menuiserie Gérard", ("gerard",)) == [("Menuiserie ", False),
                                                            ("Gérard", True)]  # fmt: skip
    assert "".join(piece for piece, _ in highlight("Straße Œuvre", ("strasse", "oe"))) == (
        "Straße Œuvre"
    )
    assert highlight("abc", ()) == [("abc", False)]


def test_the_rebuild_command_indexes_what_the_tables_hold(organisation, book):
    out = io.StringIO()
    call_command("search_index", stdout=out)
    assert "Index de recherche reconstruits" in out.getvalue()
    assert search(organisation, "gerard").customers == [book["girard"]]
    assert search(organisation, "2024-0012").invoices == [book["F-2024-0012"]]
    assert names(search(organisation, "0470 12 34 56").contacts) == ["Hélène Côté"]


def test_an_invoices_own_payment_reference_finds_it(organisation, book):
    invoice = book["FA-00777"]
    Invoice.objects.filter(pk=invoice.pk).update(payment_reference="+++090/9337/55493+++")
    for typed in ("+++090/9337/55493+++", "090/9337/55493", "***090/9337/55493***"):
        assert search(organisation, typed).invoices == [invoice], typed
    Invoice.objects.filter(pk=invoice.pk).update(payment_reference="RF18539007547034")
    assert search(organisation, "RF18 5390 0754 7034").invoices == [invoice]
