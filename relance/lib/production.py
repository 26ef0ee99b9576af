"""HTTPS, reverse proxy and host settings read from the environment (docs/deployment.md).

The embedded default (``make demo``, the tests, a laptop) is plain HTTP on localhost and needs
none of this. ``RELANCE_ENV=production`` turns on what a public site needs: redirect to HTTPS,
cookies sent over HTTPS only, HSTS; and it refuses to start with a weak secret key or DEBUG on,
because those mistakes are silent until someone exploits them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from relance.lib.env import fail, flag

ENVIRONMENTS = ("development", "production")
ONE_YEAR = 365 * 24 * 3600
PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Django's own bar for a secret key (security.W009): long and not made of a few characters.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5
# Stand-ins of the payment providers' APIs, for testing: a site would send its keys there.
TESTING_ONLY = ("RELANCE_STRIPE_API_BASE", "RELANCE_MOLLIE_API_BASE")


def is_production(environ: Mapping[str, str]) -> bool:
    value = (environ.get("RELANCE_ENV") or "development").strip().lower()
    if value not in ENVIRONMENTS:
        raise fail("RELANCE_ENV", value, " or ".join(ENVIRONMENTS))
    return value == "production"


def web_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Django settings (name -> value) for hosts, origins, proxy and HTTPS."""
    production = is_production(environ)
    values: dict[str, Any] = {
        "ALLOWED_HOSTS": _hosts(environ, production),
        "CSRF_TRUSTED_ORIGINS": _origins(environ.get("RELANCE_TRUSTED_ORIGINS", "")),
        "SECURE_PROXY_SSL_HEADER": (
            PROXY_SSL_HEADER if flag("RELANCE_BEHIND_PROXY",
                                     environ.get("RELANCE_BEHIND_PROXY"), False) else None
        ),
    }  # fmt: skip
    if not production:
        return values
    if flag("DEBUG", environ.get("DEBUG"), default=False):
        raise fail("DEBUG", environ["DEBUG"], "off when RELANCE_ENV=production (it shows "
                   "settings and source code to anyone who triggers an error)")  # fmt: skip
    for name in TESTING_ONLY:
        if environ.get(name):
            raise fail(name, environ[name], "unset when RELANCE_ENV=production (for testing "
                       "only: the payment provider's API key would be sent there)")  # fmt: skip
    preload = flag("RELANCE_HSTS_PRELOAD", environ.get("RELANCE_HSTS_PRELOAD"), False)
    values.update(
        SECURE_SSL_REDIRECT=True,
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
        SECURE_HSTS_SECONDS=_seconds(environ.get("RELANCE_HSTS_SECONDS")),
        SECURE_HSTS_INCLUDE_SUBDOMAINS=flag(
            "RELANCE_HSTS_SUBDOMAINS", environ.get("RELANCE_HSTS_SUBDOMAINS"), True
        ),
        SECURE_HSTS_PRELOAD=preload,
        # Preloading asks browsers' built-in lists to force HTTPS for years, a step an
        # operator takes on purpose (RELANCE_HSTS_PRELOAD=1), not a forgotten setting.
        SILENCED_SYSTEM_CHECKS=[] if preload else ["security.W021"],
    )
    return values


def production_secret_key(value: str | None) -> str:
    """In production the key comes from the environment, long and varied: a key generated into
    one machine's var/ would differ between servers and sign nothing the others accept."""
    if not value:
        raise fail("SECRET_KEY", "", "a random value of at least 50 characters when "
                   "RELANCE_ENV=production (for example: python3 -c 'import secrets; "
                   "print(secrets.token_urlsafe(64))')")  # fmt: skip
    weak = (
        len(value) < SECRET_KEY_MIN_LENGTH
        or len(set(value)) < SECRET_KEY_MIN_UNIQUE
        or value.startswith("django-insecure-")
    )
    if weak:
        raise fail("SECRET_KEY", "***", "a random value of at least 50 characters when "
                   "RELANCE_ENV=production")  # fmt: skip
    return value


def _hosts(environ: Mapping[str, str], production: bool) -> list[str]:
    given = environ.get("ALLOWED_HOSTS", "")
    if production and not given.strip():
        raise fail("ALLOWED_HOSTS", given, "the site's host names, comma-separated, when "
                   "RELANCE_ENV=production (for example relance.example.com)")  # fmt: skip
    hosts = given or "localhost,127.0.0.1,[::1]"
    return [host.strip() for host in hosts.split(",") if host.strip()]


def _origins(value: str) -> list[str]:
    origins = [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("https", "http") or not parts.netloc or parts.path:
            raise fail("RELANCE_TRUSTED_ORIGINS", value,
                       "comma-separated origins such as https://relance.example.com")  # fmt: skip
    return origins


def _seconds(value: str | None) -> int:
    if value is None or value.strip() == "":
        return ONE_YEAR
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise fail("RELANCE_HSTS_SECONDS", value, "a number of seconds (31536000: one year)")
    return seconds
