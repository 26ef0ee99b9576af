from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.services import user_create
from tests.imports.helpers import fixture, run_import


@pytest.fixture
def member(organisation, actor):
    return user_create(
        email="anne@atelier.example",
        organisation=organisation,
        role="collector",
        password="un mot de passe solide",
        actor=actor,
    )


def test_login_page_and_redirect(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Connexion" in page.content.decode()
    assert "csrfmiddlewaretoken" in page.content.decode()


def test_wrong_password_is_refused(client, member):
    response = client.post(reverse("login"), {"username": member.email, "password": "non"})
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()


def test_member_sees_own_figures_only(client, member, organisation, other_organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    run_import(organisation, "invoices", fixture("ref-invoices.csv"))
    assert client.login(username=member.email, password="un mot de passe solide")
    page = client.get(reverse("home"), follow=True).content.decode()
    assert "Atelier Dupont SAS" in page
    assert "Brasserie Peeters" not in page
    # asking for another organisation by its uuid does not switch to it
    url = reverse("dashboard", kwargs={"org": other_organisation.slug})
    assert client.get(url).status_code == 404


def test_admin_is_served(client, db):
    assert client.get("/admin/login/").status_code == 200


@pytest.mark.parametrize(
    "model",
    [
        "customer",
        "invoice",
        "payment",
        "reminder",
        "scenario",
        "segment",
        "customerdunning",
        "outboundmessage",
    ],
)
def test_admin_lists_render_for_a_superuser(client, organisation, actor, model):
    from django.contrib.auth import get_user_model

    from relance.dunning.run import run_day

    run_import(organisation, "customers", fixture("ref-customers.csv"))
    run_import(organisation, "invoices", fixture("ref-invoices.csv"))
    from datetime import date

    run_day(organisation=organisation, day=date(2026, 6, 30), actor=actor)
    admin = get_user_model().objects.create_superuser("root@relance.example", "s3cret-pass!")
    client.force_login(admin)
    app = {
        "customer": "ledger",
        "invoice": "ledger",
        "payment": "ledger",
        "outboundmessage": "channels",
    }.get(model, "dunning")
    response = client.get(f"/admin/{app}/{model}/")
    assert response.status_code == 200
