"""Letters in the back-office: blocked without an address, the kept PDF downloaded again, the
acknowledgement of receipt recorded from the to-do and the customer page, the signer's profile."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse

from relance.accounts.clock import local_day
from relance.accounts.models import AuditEvent, User
from relance.channels.models import PostalDispatch
from relance.ledger.services import customer_address_update
from tests.dunning.todo_helpers import make_todo


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


def todo_url(name, organisation, reminder):
    return reverse(name, kwargs={"org": organisation.slug, "reminder": reminder.uuid})


def customer_url(name, organisation, letter, **extra):
    kwargs = {"org": organisation.slug, "customer": letter.customer.uuid, **extra}
    return reverse(name, kwargs=kwargs)


def print_and_post(client, organisation, todo):
    printed = client.post(todo_url("todo-letter-print", organisation, todo.formal))
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    posted = client.post(todo_url("todo-letter-posted", organisation, todo.formal), {
        "posted_on": local_day(organisation).isoformat(), "registered_number": "1A12345678901",
    })  # fmt: skip
    assert posted.status_code == 302
    return printed.content


def test_a_letter_without_a_complete_address_is_blocked_with_the_way_to_fix_it(
    collector, organisation, todo, actor
):
    customer_address_update(customer=todo.formal.customer, actor=actor, address_line1="",
                            address_line2="", postal_code="", city="Strasbourg",
                            country="FR")  # fmt: skip
    page = collector.get(reverse("todo-detail", kwargs={"org": organisation.slug,
                                                        "reminder": todo.formal.uuid}))  # fmt: skip
    text = page.content.decode()
    assert "Adresse postale incomplète : il manque la rue" in text and "le code postal" in text
    assert customer_url("customer", organisation, todo.formal) + "#address" in text
    assert "Imprimer cette lettre" not in text
    assert collector.get(todo_url("todo-letter-pdf", organisation, todo.formal)).status_code == 404
    refused = collector.post(todo_url("todo-letter-print", organisation, todo.formal))
    assert refused.status_code == 302
    listing = collector.get(reverse("todo", kwargs={"org": organisation.slug})).content.decode()
    assert "1 lettre attend une adresse postale complète" in listing
    assert "Imprimer les lettres du jour" not in listing
    batch = collector.post(reverse("todo-print", kwargs={"org": organisation.slug}))
    assert batch.status_code == 302  # nothing to print
    assert not PostalDispatch.objects.exists()


def test_the_printed_pdf_is_downloaded_again_exactly_and_only_by_its_organisation(
    collector, signed_in, organisation, other_organisation, todo
):
    printed = print_and_post(collector, organisation, todo)
    dispatch = PostalDispatch.objects.get(reminder=todo.formal)
    assert hashlib.sha256(printed).hexdigest() == dispatch.pdf_sha256
    for url in (todo_url("todo-letter-archived", organisation, todo.formal),
                customer_url("customer_letter_pdf", organisation, todo.formal,
                             reminder=todo.formal.uuid)):  # fmt: skip
        response = collector.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert hashlib.sha256(response.content).hexdigest() == dispatch.pdf_sha256
    page = collector.get(customer_url("customer", organisation, todo.formal),
                         {"tab": "dunning"}).content.decode()  # fmt: skip
    assert customer_url("customer_letter_pdf", organisation, todo.formal,
                        reminder=todo.formal.uuid) in page  # fmt: skip
    stranger = signed_in(other_organisation, "admin")
    for url in (todo_url("todo-letter-archived", organisation, todo.formal),
                customer_url("customer_letter_pdf", organisation, todo.formal,
                             reminder=todo.formal.uuid)):  # fmt: skip
        assert stranger.get(url).status_code == 404
    foreign = {"org": other_organisation.slug, "reminder": todo.formal.uuid}
    assert stranger.get(reverse("todo-letter-archived", kwargs=foreign)).status_code == 404


def test_the_acknowledgement_is_recorded_from_the_todo_page_checked_and_shown(
    collector, organisation, todo
):
    print_and_post(collector, organisation, todo)
    today = local_day(organisation)
    ack = todo_url("todo-letter-acknowledged", organisation, todo.formal)
    future = collector.post(ack, {"acknowledged_on": (today + timedelta(days=1)).isoformat()})
    assert future.status_code == 400
    assert "ne peut être dans le futur" in future.content.decode()
    early = collector.post(ack, {"acknowledged_on": (today - timedelta(days=1)).isoformat()})
    assert "ne peut précéder l&#x27;envoi" in early.content.decode()
    assert collector.post(ack, {"acknowledged_on": today.isoformat()}).status_code == 302
    assert PostalDispatch.objects.get(reminder=todo.formal).acknowledged_on == today
    assert AuditEvent.objects.filter(action="letter_acknowledged").count() == 1
    page = collector.get(customer_url("customer", organisation, todo.formal),
                         {"tab": "timeline"}).content.decode()  # fmt: skip
    assert "Accusé de réception signé : Mise en demeure" in page  # on the history
    assert "Mise en demeure (recommandé) postée" in page
    assert "Recommandé n° 1A12345678901" in page


def test_the_acknowledgement_is_recorded_from_the_customer_page(
    collector, viewer, organisation, todo
):
    print_and_post(collector, organisation, todo)
    today = local_day(organisation)
    ack = customer_url("customer_letter_ack", organisation, todo.formal, reminder=todo.formal.uuid)
    assert viewer.post(ack, {"acknowledged_on": today.isoformat()}).status_code == 403
    response = collector.post(ack, {"acknowledged_on": today.isoformat()}, follow=True)
    assert "Accusé de réception enregistré." in response.content.decode()
    assert PostalDispatch.objects.get(reminder=todo.formal).acknowledged_on == today


def test_the_signers_title_and_phone_are_edited_on_their_own_profile(collector, organisation, todo):
    url = reverse("profile", kwargs={"org": organisation.slug})
    assert "Mon profil" in collector.get(url).content.decode()
    refused = collector.post(
        url,
        {
            "first_name": "Jean",
            "last_name": "Collet",
            "title": "Chargé de recouvrement",
            "phone": "appelez-moi",
        },
    )
    assert refused.status_code == 400 and "Téléphone « appelez-moi » invalide" in (
        refused.content.decode().replace("&#x27;", "'").replace("&laquo;", "«")
        .replace("&raquo;", "»")
    )  # fmt: skip
    saved = collector.post(
        url,
        {
            "first_name": "Jean",
            "last_name": "Collet",
            "title": "Chargé de recouvrement",
            "phone": "+33 4 72 00 00 00",
        },
    )
    assert saved.status_code == 302
    user = User.objects.get(email="collector@atelier.example")
    assert (user.get_full_name(), user.title, user.phone) == (
        "Jean Collet", "Chargé de recouvrement", "+33 4 72 00 00 00",
    )  # fmt: skip
    assert AuditEvent.objects.get(action="user_profile").after["title"] == "Chargé de recouvrement"
