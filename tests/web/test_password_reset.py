"""Password links: throttled per e-mail and per network address, answered the same way for
any e-mail, and sent after the answer to a real SMTP server."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relance.accounts.models import PasswordResetRequest, User
from relance.accounts.password_reset import THREAD_NAME
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)  # the link leaves after the commit


def wait_for_links() -> None:
    """Until every link asked for has been sent (or found to have no account)."""
    for thread in threading.enumerate():
        if thread.name == THREAD_NAME:
            thread.join(timeout=15)
            assert not thread.is_alive()


def ask(email: str, ip: str = "203.0.113.7", client: Client | None = None):
    return (client or Client()).post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def without_csrf_token(page: bytes) -> bytes:
    return re.sub(rb"[A-Za-z0-9]{64}", b"", page)


@pytest.fixture
def camille(db) -> User:
    return User.objects.create_user("camille@atelier.example", PASSWORD)


def test_a_link_leaves_after_the_answer_to_the_real_smtp_server(camille, smtp_server):
    response = ask("Camille@Atelier.example")
    assert response.url == reverse("password_reset_done")
    wait_for_links()
    [mail] = smtp_server.messages
    assert mail["To"] == camille.email
    assert "/password-reset/" in mail.get_content()
    assert PasswordResetRequest.objects.get().handled_at is not None


def test_twenty_requests_send_only_the_allowed_number(camille, smtp_server, settings):
    answers = {ask(camille.email).url for _attempt in range(20)}
    wait_for_links()
    assert answers == {reverse("password_reset_done")}
    assert len(smtp_server.messages) == settings.RELANCE_PASSWORD_RESET_PER_EMAIL == 3
    assert PasswordResetRequest.objects.count() == 3  # the held ones leave no trace


def test_one_network_address_cannot_ask_for_many_mailboxes(camille, smtp_server, settings):
    for number in range(settings.RELANCE_PASSWORD_RESET_PER_IP):
        ask(f"personne{number}@example.org", ip="198.51.100.9")
    assert ask(camille.email, ip="198.51.100.9").url == reverse("password_reset_done")
    wait_for_links()
    assert smtp_server.messages == []
    ask(camille.email, ip="192.0.2.1")
    wait_for_links()
    assert [mail["To"] for mail in smtp_server.messages] == [camille.email]


def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(camille, smtp_server):
    pages = []
    for number, email in enumerate([camille.email, "inconnu@example.org"]):
        client = Client()
        with CaptureQueriesContext(connection) as queries:
            response = ask(email, ip=f"192.0.2.{number + 1}", client=client)
        pages.append((response.status_code, response.url, len(queries.captured_queries),
                      without_csrf_token(client.get(response.url).content)))  # fmt: skip
    assert pages[0] == pages[1]
    wait_for_links()
    assert [mail["To"] for mail in smtp_server.messages] == [camille.email]
    assert PasswordResetRequest.objects.filter(handled_at=None).count() == 0


def test_a_held_request_answers_like_any_other(camille, smtp_server, settings):
    settings.RELANCE_PASSWORD_RESET_PER_EMAIL = 1
    first, held = ask(camille.email), ask(camille.email)
    assert (first.status_code, first.url) == (held.status_code, held.url)
    wait_for_links()
    assert len(smtp_server.messages) == 1
