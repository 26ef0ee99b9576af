"""The short form of a portal link: typed from a letter or tapped in an SMS, it opens the same
statement through the same gate, and dies with its link."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from relance.ledger.models import PortalLink
from relance.ledger.portal_links import (
    SHORT_ALPHABET,
    portal_link_issue,
    portal_link_revoke,
    portal_short_code,
    portal_token,
    short_code_normalise,
    short_hash,
)
from relance.ledger.services import customer_create, invoice_create
from tests.channels.test_compose import D

SHORT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


@pytest.fixture
def customer(organisation, actor, settings):
    settings.RELANCE_PUBLIC_URL = "https://relance.atelier.example"
    organisation.iban, organisation.bic = "FR7630006000011234567890189", "AGRIFRPP"
    organisation.save()
    found = customer_create(organisation=organisation, external_ref="K-S", actor=actor,
                            name="Boulangerie Lefèvre SARL")  # fmt: skip
    invoice_create(organisation=organisation, customer=found, number="F-301",
                   issue_date=timezone.localdate() - timedelta(days=60),
                   due_date=timezone.localdate() - timedelta(days=30),
                   amount_incl_tax=D("1234.56"), actor=actor)  # fmt: skip
    return found


def test_a_short_code_is_16_unambiguous_characters_in_groups_of_four():
    import uuid

    codes = {portal_short_code(uuid.uuid4()) for _ in range(200)}
    assert len(codes) == 200 and all(SHORT.match(code) for code in codes)
    assert not set("ILOU") & set(SHORT_ALPHABET)
    fixed = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert portal_short_code(fixed) == portal_short_code(fixed)  # the same link, the same code
    assert portal_short_code(fixed) not in portal_token(fixed)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("K7QM-4XT2-9PDA-3HRB", "K7QM4XT29PDA3HRB"),
        ("k7qm 4xt2 9pda 3hrb", "K7QM4XT29PDA3HRB"),
        ("K7QM4XT29PDA3HRB", "K7QM4XT29PDA3HRB"),
        ("O1IL-0000-0000-0000", "0111000000000000"),  # read wrong, meant right
        ("K7QM-4XT2-9PDA", ""),  # too short
        ("K7QM-4XT2-9PDA-3HRBX", ""),  # too long
        ("K7QM-4XT2-9PDA-3HRU", ""),  # U is in no code
        ("K7QM-4XT2-9PDA-3HR!", ""),
        ("K" + "-" * 30 + "7QM4XT29PDA3HRB", ""),  # longer than anyone types
    ],
)
def test_what_a_person_types_is_read_as_the_code_they_meant(typed, meant):
    assert short_code_normalise(typed) == meant


def test_the_short_address_opens_that_customers_statement(client, customer, actor):
    link = portal_link_issue(customer=customer, actor=actor)
    assert link.typed.startswith("relance.atelier.example/p/")
    assert SHORT.match(link.typed.rsplit("/", 1)[1])
    path = urlparse(link.short_url).path
    for typed in (path, path.lower(), path.replace("-", "")):  # as typed, slash added for it
        page = client.get(typed, follow=True)
        assert page.status_code == 200, typed
        assert "F-301" in page.content.decode() and "Lefèvre" in page.content.decode()
    statement = page.redirect_chain[-1][0]
    assert client.get(statement + "qr.png").status_code == 200  # the pages under it work too
    stored = PortalLink.objects.get()
    assert stored.short_hash == short_hash(link.short_url.rsplit("/", 1)[1])
    assert link.short_url.rsplit("/", 1)[1] not in str(stored.short_hash)


def test_a_forged_short_code_opens_nothing(client, customer, actor):
    link = portal_link_issue(customer=customer, actor=actor)
    code = link.short_url.rsplit("/", 1)[1]
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")
    page = client.get(f"/p/{forged}/")
    assert page.status_code == 404 and "F-301" not in page.content.decode()
    assert client.get("/p/EXEM-PLE0-URL0-0000/").status_code == 404  # the previews' example


def test_revoking_ends_the_short_form_too(client, customer, actor):
    link = portal_link_issue(customer=customer, actor=actor)
    short, full = f"{urlparse(link.short_url).path}/", urlparse(link.url).path
    assert client.get(short).status_code == 200
    assert portal_link_revoke(customer=customer, actor=actor) == 1
    for path in (short, full):
        page = client.get(path)
        assert page.status_code == 410 and "F-301" not in page.content.decode()
    again = portal_link_issue(customer=customer, actor=actor)
    assert again.short_url != link.short_url
    assert client.get(f"{urlparse(again.short_url).path}/").status_code == 200


def test_an_expired_link_ends_its_short_form(client, customer, actor):
    link = portal_link_issue(customer=customer, actor=actor)
    PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"{urlparse(link.short_url).path}/").status_code == 410


def test_the_short_form_counts_in_the_same_hourly_limit(client, customer, actor, settings):
    settings.RELANCE_PORTAL_PER_IP = 3
    link = portal_link_issue(customer=customer, actor=actor)
    short, full = f"{urlparse(link.short_url).path}/", urlparse(link.url).path
    statuses = [client.get(path).status_code for path in (short, full, "/p/ZZZZ-ZZZZ-ZZZZ-ZZZZ/")]
    assert statuses == [200, 200, 404]
    assert client.get(short).status_code == 429


def test_a_link_from_before_short_forms_gets_one_when_reused(client, customer, actor):
    link = portal_link_issue(customer=customer, actor=actor)
    PortalLink.objects.update(short_hash=None)
    assert client.get(f"{urlparse(link.short_url).path}/").status_code == 404
    assert portal_link_issue(customer=customer, actor=actor) == link  # reused, not replaced
    assert PortalLink.objects.count() == 1
    assert client.get(f"{urlparse(link.short_url).path}/").status_code == 200
