"""The search box in the header and its results page."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from relance.ledger.services import contact_add, customer_create, invoice_create

DAY = date(2026, 3, 2)
INVOICE_LINK = re.compile(r'href="/o/[^/]+/invoices/[0-9a-f-]{36}/"')


def url(organisation, **params):
    return reverse("search", kwargs={"org": organisation.slug})


@pytest.fixture
def book(organisation, actor):
    girard = customer_create(organisation=organisation, external_ref="C-1",
                             name="Menuiserie Gérard <b>& Fils</b>", actor=actor)  # fmt: skip
    contact_add(customer=girard, actor=actor, email="compta@gerard.example")
    for n in range(12):
        invoice_create(organisation=organisation, customer=girard, number=f"F-2024-{n:04d}",
                       issue_date=DAY, due_date=DAY, amount_incl_tax=Decimal("50.00"),
                       actor=actor)  # fmt: skip
    return girard


def test_the_header_has_a_labelled_search_box_on_every_page(collector, organisation):
    page = collector.get(reverse("customers", kwargs={"org": organisation.slug})).content.decode()
    assert 'role="search"' in page
    assert f'action="{url(organisation)}"' in page
    assert '<label for="header-search"' in page and 'aria-keyshortcuts="/"' in page


def test_results_are_grouped_highlighted_and_escaped(collector, organisation, book):
    response = collector.get(url(organisation), {"q": "gerard"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="found-customers"' in page and 'id="found-contacts"' in page
    # The name is escaped; the word found is marked, accents aside.
    assert "Menuiserie <mark>Gérard</mark> &lt;b&gt;&amp; Fils&lt;/b&gt;" in page
    assert "<b>&" not in page
    assert 'value="gerard"' in page  # the box keeps the query


def test_a_partial_number_finds_invoices_capped_with_a_link_to_more(collector, organisation, book):
    page = collector.get(url(organisation), {"q": "2024-00"}).content.decode()
    assert len(INVOICE_LINK.findall(page)) == 10
    assert "kind=invoices" in page
    assert "F-<mark>2024-00</mark>11" in page  # the newest first, the part found marked
    more = collector.get(url(organisation), {"q": "2024-00", "kind": "invoices"}).content.decode()
    assert len(INVOICE_LINK.findall(more)) == 12


def test_another_organisation_sees_nothing(signed_in, other_organisation, book):
    client = signed_in(other_organisation, "collector")
    page = client.get(url(other_organisation), {"q": "gerard"}).content.decode()
    assert "Aucun résultat" in page and "Menuiserie" not in page


def test_queries_that_cannot_be_searched_get_a_reason(collector, organisation, book):
    response = collector.get(url(organisation), {"q": "x" * 5000})
    assert response.status_code == 400
    assert "Recherche trop longue" in response.content.decode()
    response = collector.get(url(organisation), {"q": "-- ::"})
    assert response.status_code == 400 and "au moins une lettre" in response.content.decode()
    for hostile in ('"', 'NEAR("a" "b")', "*", "-x", "%_%", "<script>alert(1)</script>"):
        response = collector.get(url(organisation), {"q": hostile})
        assert response.status_code in (200, 400), hostile
        assert "<script>alert" not in response.content.decode()


def test_the_customer_list_finds_a_word_in_the_middle_of_a_name(collector, organisation, book):
    customers = reverse("customers", kwargs={"org": organisation.slug})
    page = collector.get(customers, {"q": "GERARD"}).content.decode()
    assert "Menuiserie Gérard" in page
    page = collector.get(customers, {"q": "compta@gerard"}).content.decode()
    assert "Menuiserie Gérard" in page
