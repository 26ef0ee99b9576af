"""Production mode from the environment: HTTPS, a TLS reverse proxy, trusted origins."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from relance.accounts.services import user_create
from relance.lib import production

HOST = "relance.example.com"
ORIGIN = f"https://{HOST}"
# The variables docs/deployment.md and docs/configuration.md give for a site behind a proxy.
PRODUCTION = {
    "RELANCE_ENV": "production",
    "ALLOWED_HOSTS": HOST,
    "RELANCE_BEHIND_PROXY": "1",
    "RELANCE_TRUSTED_ORIGINS": ORIGIN,
}
PASSWORD = "un mot de passe solide"


def apply(settings, environ: dict[str, str]) -> None:
    for name, value in production.web_settings(environ).items():
        setattr(settings, name, value)


@pytest.fixture
def camille(db, organisation, actor):
    return user_create(email="camille@atelier.example", organisation=organisation,
                       role="collector", password=PASSWORD, actor=actor)  # fmt: skip


def sign_in(host: str):
    """Open the sign-in page then post it, as a browser behind a TLS proxy would: the proxy
    adds X-Forwarded-Proto, the browser sends its https Origin."""
    client = Client(enforce_csrf_checks=True)
    proxied = {"host": host, "x-forwarded-proto": "https"}
    page = client.get(reverse("login"), headers=proxied)
    assert page.status_code == 200, page.status_code
    return client.post(
        reverse("login"),
        {"username": "camille@atelier.example", "password": PASSWORD,
         "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        headers={**proxied, "origin": ORIGIN},
    )  # fmt: skip


def relance(arguments: list[str], **variables: str) -> subprocess.CompletedProcess[str]:
    """``relance …`` in a process that sees only ``variables`` (and where Python is): nothing
    the test run itself set (DJANGO_SETTINGS_MODULE, DEBUG…) leaks into it."""
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
                   **variables}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-c",
         f"from relance.cli import main; raise SystemExit(main({arguments!r}))"],
        env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    done = relance(
        ["check", "--deploy"], **PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(64),
        EMAIL_URL="smtp://mail.example.com:587?tls=1",
        RELANCE_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr
    assert "Attention" not in done.stderr


def test_without_the_production_variables_check_deploy_reports_https(tmp_path):
    done = relance(["check", "--deploy"], RELANCE_VAR_DIR=str(tmp_path),
                   EMAIL_URL="smtp://mail.example.com:587")  # fmt: skip
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr


def test_a_post_through_an_https_proxy_is_refused_when_the_proxy_is_not_declared(
    settings, camille, caplog
):
    apply(settings, {"ALLOWED_HOSTS": HOST})
    response = sign_in(HOST)
    assert response.status_code == 403
    assert "Origin checking failed" in caplog.text


def test_a_post_through_the_declared_proxy_with_the_trusted_origin_signs_in(settings, camille):
    apply(settings, PRODUCTION)
    response = sign_in(HOST)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert response.cookies["sessionid"]["secure"] is True
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_trusted_origins_accept_a_proxy_that_does_not_pass_the_host(settings, camille):
    """nginx without ``proxy_set_header Host``: the request names the local address."""
    internal = {**PRODUCTION, "ALLOWED_HOSTS": f"{HOST},127.0.0.1"}
    apply(settings, {**internal, "RELANCE_TRUSTED_ORIGINS": ""})
    assert sign_in("127.0.0.1").status_code == 403
    apply(settings, internal)
    assert sign_in("127.0.0.1").status_code == 302


def test_production_redirects_plain_http_to_https(settings, db):
    apply(settings, PRODUCTION)
    response = Client().get(reverse("login"), HTTP_HOST=HOST)
    assert response.status_code == 301 and response["Location"] == f"{ORIGIN}/login/"


def test_hsts_choices(settings):
    values = production.web_settings({**PRODUCTION, "RELANCE_HSTS_SECONDS": "3600",
                                      "RELANCE_HSTS_SUBDOMAINS": "0",
                                      "RELANCE_HSTS_PRELOAD": "1"})  # fmt: skip
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is True and values["SILENCED_SYSTEM_CHECKS"] == []
    development = production.web_settings({})
    assert "SECURE_SSL_REDIRECT" not in development
    assert development["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert development["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"RELANCE_ENV": "prod"}, "RELANCE_ENV"),
        ({"RELANCE_ENV": "production"}, "ALLOWED_HOSTS"),
        ({**PRODUCTION, "DEBUG": "1"}, "DEBUG"),
        (
            {**PRODUCTION, "RELANCE_STRIPE_API_BASE": "http://127.0.0.1:1"},
            "RELANCE_STRIPE_API_BASE",
        ),
        ({**PRODUCTION, "RELANCE_MOLLIE_API_BASE": "http://x"}, "RELANCE_MOLLIE_API_BASE"),
        ({**PRODUCTION, "RELANCE_HSTS_SECONDS": "-1"}, "RELANCE_HSTS_SECONDS"),
        ({"RELANCE_TRUSTED_ORIGINS": "relance.example.com"}, "RELANCE_TRUSTED_ORIGINS"),
        ({"RELANCE_BEHIND_PROXY": "maybe"}, "RELANCE_BEHIND_PROXY"),
    ],
)
def test_a_wrong_production_value_names_its_variable(environ, variable):
    with pytest.raises(ImproperlyConfigured, match=variable):
        production.web_settings(environ)


@pytest.mark.parametrize("key", ["", "short", "a" * 60, "django-insecure-" + "x1y2z3" * 10])
def test_production_refuses_a_missing_or_weak_secret_key(key):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        production.production_secret_key(key)
    assert production.production_secret_key(secrets.token_urlsafe(64))


def test_relance_refuses_to_start_in_production_with_the_generated_key(tmp_path):
    done = relance(["check"], **PRODUCTION, RELANCE_VAR_DIR=str(tmp_path))
    assert done.returncode == 2
    assert "SECRET_KEY" in done.stderr and "RELANCE_ENV=production" in done.stderr
    assert not (tmp_path / "secret_key").exists()
