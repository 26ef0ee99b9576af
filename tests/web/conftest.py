"""Signed-in clients for the staff pages, one per role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from relance.accounts.models import Organisation
from relance.accounts.services import user_create

PASSWORD = "un mot de passe solide"


@pytest.fixture
def signed_in(db, actor) -> Callable[[Organisation, str, str], Client]:
    """``signed_in(organisation, "collector")`` → a client signed in with that role there."""

    def sign_in(organisation: Organisation, role: str = "collector", email: str = "") -> Client:
        user = user_create(
            email=email or f"{role}@{organisation.slug}.example",
            organisation=organisation,
            role=role,
            password=PASSWORD,
            actor=actor,
        )
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def collector(signed_in: Callable[..., Client], organisation: Organisation) -> Client:
    return signed_in(organisation, "collector")


@pytest.fixture
def viewer(signed_in: Callable[..., Client], organisation: Organisation) -> Client:
    return signed_in(organisation, "viewer")


@pytest.fixture
def admin_client_org(signed_in: Callable[..., Client], organisation: Organisation) -> Client:
    return signed_in(organisation, "admin")
