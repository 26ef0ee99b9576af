"""The Django admin: behind the same sign-in lock as the app, and for superusers only."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from relance.accounts.models import SignInFailure, User
from relance.accounts.services import user_create
from relance.accounts.signin import MAX_PER_EMAIL, MAX_PER_IP
from tests.web.conftest import PASSWORD

LOCKED = "Trop de tentatives de connexion ont échoué"
IP = "203.0.113.7"


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser("root@relance.example", PASSWORD)


def app_sign_in(client: Client, email: str, password: str, ip: str = IP):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def admin_sign_in(client: Client, email: str, password: str, ip: str = IP):
    return client.post(
        reverse("admin:login"),
        {"username": email, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
    )


def in_admin(client: Client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_a_superuser_signs_in_to_the_admin(client, root):
    response = admin_sign_in(client, "Root@Relance.example", PASSWORD)
    assert response.status_code == 302 and in_admin(client)


def test_a_lock_set_at_the_app_refuses_the_right_password_at_the_admin(client, root):
    for _attempt in range(MAX_PER_EMAIL):
        app_sign_in(client, root.email, "devine")
    response = admin_sign_in(Client(), root.email, PASSWORD, ip="192.0.2.44")
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert not in_admin(response.client)
    assert app_sign_in(Client(), root.email, PASSWORD).status_code != 302


def test_failures_at_the_admin_count_and_lock_the_app_too(client, root):
    for attempt in range(30):
        response = admin_sign_in(client, root.email, f"essai-{attempt}")
        assert response.status_code == 200 and not in_admin(client)
    # The first MAX_PER_EMAIL were counted and locked; the rest, refused unchecked, were not.
    assert SignInFailure.objects.filter(email=root.email).count() == MAX_PER_EMAIL
    assert LOCKED in response.content.decode()
    assert LOCKED in admin_sign_in(client, root.email, PASSWORD).content.decode()
    assert LOCKED in app_sign_in(Client(), root.email, PASSWORD, ip="192.0.2.9").content.decode()


def test_failures_from_one_address_at_the_admin_lock_that_address(client, root):
    for number in range(MAX_PER_IP):
        admin_sign_in(client, f"essai{number}@example.org", "devine", ip="198.51.100.9")
    assert LOCKED in admin_sign_in(client, root.email, PASSWORD, ip="198.51.100.9").content.decode()
    assert admin_sign_in(Client(), root.email, PASSWORD, ip="192.0.2.1").status_code == 302


def test_every_authenticate_call_goes_through_the_lock(root):
    for _attempt in range(MAX_PER_EMAIL):
        assert authenticate(None, username=root.email, password="devine") is None
    assert authenticate(None, username=root.email, password=PASSWORD) is None
    assert authenticate(None, email=root.email, password=PASSWORD) is None


@pytest.mark.parametrize("superuser", [False, True])
def test_staff_who_are_not_superusers_get_no_admin(client, organisation, actor, superuser):
    member = user_create(email="camille@atelier.example", organisation=organisation,
                         role="admin", password=PASSWORD, actor=actor)  # fmt: skip
    User.objects.filter(pk=member.pk).update(is_staff=True, is_superuser=superuser)
    response = admin_sign_in(client, member.email, PASSWORD)
    assert (response.status_code == 302) is superuser
    assert in_admin(client) is superuser
    signed_in = Client()
    signed_in.force_login(member)
    assert in_admin(signed_in) is superuser
    users = signed_in.get(reverse("admin:accounts_user_changelist"))
    assert (users.status_code == 200) is superuser
