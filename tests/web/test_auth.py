"""Signing in: the lock after repeated failures, password reset by e-mail, password change."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from relance.accounts.models import AuditEvent, SignInFailure, User
from relance.accounts.services import user_create
from relance.accounts.signin import MAX_PER_EMAIL, MAX_PER_IP
from tests.web.conftest import PASSWORD
from tests.web.test_password_reset import wait_for_links

LOCKED = "Trop de tentatives de connexion ont échoué"


@pytest.fixture
def camille(organisation, actor) -> User:
    return user_create(email="camille@atelier.example", organisation=organisation,
                       role="collector", password=PASSWORD, actor=actor)  # fmt: skip


def sign_in(client: Client, email: str, password: str, ip: str = "203.0.113.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def age_failures(minutes: int) -> None:
    """Move the clock: the stored failures happened ``minutes`` earlier."""
    SignInFailure.objects.update(at=F("at") - timedelta(minutes=minutes))


def test_sign_in_works_and_accepts_any_case(client, camille):
    assert signed_in(sign_in(client, "Camille@Atelier.example ", PASSWORD))


def test_a_wrong_password_says_so_without_telling_which_part(client, camille):
    response = sign_in(client, camille.email, "pas le bon")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert SignInFailure.objects.get().email == "camille@atelier.example"


def test_repeated_failures_lock_even_the_right_password(client, camille):
    for _attempt in range(MAX_PER_EMAIL - 1):
        assert LOCKED not in sign_in(client, camille.email, "devine").content.decode()
    assert LOCKED in sign_in(client, camille.email, "devine").content.decode()
    response = sign_in(client, camille.email, PASSWORD)
    assert not signed_in(response) and LOCKED in response.content.decode()
    # Attempts while locked are not counted: the lock ends on time.
    assert SignInFailure.objects.count() == MAX_PER_EMAIL
    event = AuditEvent.objects.get(action="sign_in_locked")
    assert event.entity_id == str(camille.uuid) and event.after["ip"] == "203.0.113.7"
    age_failures(14)
    assert not signed_in(sign_in(client, camille.email, PASSWORD))
    age_failures(2)
    assert signed_in(sign_in(client, camille.email, PASSWORD))
    assert not SignInFailure.objects.filter(email=camille.email).exists()


def alert(response) -> str:
    return re.search(r'<div class="error" role="alert".*?</div>', response.content.decode(),
                     re.S).group(0)  # fmt: skip


def test_the_lock_says_the_same_whether_the_account_exists_or_not(client, camille):
    for _attempt in range(MAX_PER_EMAIL):
        known = sign_in(client, camille.email, "devine")
        unknown = sign_in(client, "personne@atelier.example", "devine")
    assert LOCKED in alert(known) and alert(known) == alert(unknown)
    assert alert(sign_in(client, camille.email, PASSWORD)) == alert(
        sign_in(client, "personne@atelier.example", PASSWORD)
    )
    # The unknown address belongs to no organisation: nothing in any audit trail.
    assert AuditEvent.objects.filter(action="sign_in_locked").count() == 1


def test_failures_spread_over_more_than_the_window_do_not_lock(client, camille):
    for _attempt in range(MAX_PER_EMAIL - 1):
        sign_in(client, camille.email, "devine")
    age_failures(16)
    assert LOCKED not in sign_in(client, camille.email, "devine").content.decode()
    assert signed_in(sign_in(client, camille.email, PASSWORD))


def test_a_successful_sign_in_starts_the_count_afresh(client, camille):
    for _attempt in range(MAX_PER_EMAIL - 1):
        sign_in(client, camille.email, "devine")
    assert signed_in(sign_in(client, camille.email, PASSWORD))
    other = Client()
    for _attempt in range(MAX_PER_EMAIL - 1):
        assert LOCKED not in sign_in(other, camille.email, "devine").content.decode()


def test_many_failures_from_one_address_lock_that_address(client, camille):
    for number in range(MAX_PER_IP):
        sign_in(client, f"essai{number}@example.org", "devine", ip="198.51.100.9")
    from_there = sign_in(client, camille.email, PASSWORD, ip="198.51.100.9")
    assert LOCKED in from_there.content.decode()
    assert signed_in(sign_in(Client(), camille.email, PASSWORD, ip="192.0.2.1"))


def reset_link(smtp_server) -> str:
    [mail] = smtp_server.messages
    found = re.search(r"https?://\S+/password-reset/\S+/\S+/", mail.get_content())
    return urlsplit(found.group(0)).path


@pytest.mark.django_db(transaction=True)  # the link leaves after the commit
def test_password_reset_by_email_on_a_real_smtp_server(client, camille, smtp_server):
    for _attempt in range(MAX_PER_EMAIL):
        sign_in(client, camille.email, "devine")  # locked out, too
    response = client.post(reverse("password_reset"), {"email": "CAMILLE@atelier.example"})
    assert response.url == reverse("password_reset_done")
    wait_for_links()
    [mail] = smtp_server.messages
    assert mail["To"] == camille.email
    assert mail["Subject"] == "Choisir un nouveau mot de passe relance"
    link = reset_link(smtp_server)
    form = client.get(link, follow=True)
    assert form.context["validlink"] and "Nouveau mot de passe" in form.content.decode()
    new = "une-toute-nouvelle-phrase"
    mismatch = client.post(form.redirect_chain[-1][0], {
        "new_password1": new, "new_password2": new + "x"
    })  # fmt: skip
    assert mismatch.status_code == 200 and mismatch.context["form"].errors
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.url == reverse("password_reset_complete")
    assert "Se connecter" in client.get(done.url).content.decode()
    # The reset lifted the lock; the old password is gone; the link does not serve twice.
    assert sign_in(Client(), camille.email, PASSWORD).status_code != 302
    assert signed_in(sign_in(Client(), camille.email, new))
    assert not Client().get(link, follow=True).context["validlink"]


@pytest.mark.django_db(transaction=True)
def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, smtp_server):
    response = client.post(reverse("password_reset"), {"email": "inconnu@example.org"})
    assert response.url == reverse("password_reset_done")
    wait_for_links()
    assert smtp_server.messages == []


def test_a_forged_reset_link_is_refused(client, camille):
    response = client.get(reverse("password_reset_confirm", kwargs={
        "uidb64": "bm90LWEtdXVpZA", "token": "set-password"
    }))  # fmt: skip
    assert response.status_code == 200 and not response.context["validlink"]


def test_a_signed_in_user_changes_their_password(client, camille):
    assert client.get(reverse("password_change")).status_code == 302  # signed out: to login
    client.force_login(camille)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "Changer mon mot de passe" in page.content.decode()
    wrong = client.post(reverse("password_change"), {
        "old_password": "pas le bon", "new_password1": "nouvelle-phrase-123",
        "new_password2": "nouvelle-phrase-123",
    })  # fmt: skip
    assert wrong.status_code == 200 and "old_password" in wrong.context["form"].errors
    done = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "nouvelle-phrase-123",
        "new_password2": "nouvelle-phrase-123",
    }, follow=True)  # fmt: skip
    assert "Votre mot de passe a été changé." in done.content.decode()
    camille.refresh_from_db()
    assert camille.check_password("nouvelle-phrase-123")


def test_sign_in_page_offers_the_reset(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page and "Mot de passe oublié ?" in page
