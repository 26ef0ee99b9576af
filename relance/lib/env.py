"""Reading the process environment into typed settings.

Every value relance reads from the environment goes through here so that a wrong value stops
the program at start with a message naming the variable, instead of failing later in a request.
"""

from __future__ import annotations

import os
import secrets
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

EXECUTION_MODES = ("inline", "celery")

# WAL lets the web pages read while an import or the daily run writes; NORMAL sync is safe
# with WAL (a power cut may lose the last commit, never corrupt); a 128 MB page cache keeps
# the indexes of a million-invoice ledger in memory during bulk imports.
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072; "
        "PRAGMA temp_store=MEMORY;"
    ),
}


@dataclass(frozen=True)
class EmailSettings:
    backend: str
    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    file_path: str = ""


def fail(variable: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{variable}={value!r} is not valid: expected {expected}.")


def database(url: str | None, default_sqlite: Path) -> dict[str, Any]:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    scheme = urlsplit(url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
        raise fail("DATABASE_URL", url, "sqlite:///PATH or postgresql://USER@HOST:PORT/NAME")
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise fail("DATABASE_URL", url, f"a database URL ({exc})") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
        config["CONN_MAX_AGE"] = 0
    elif not config.get("NAME"):
        raise fail("DATABASE_URL", url, "a database name after the host")
    return config


def email(url: str | None) -> EmailSettings:
    """Parse EMAIL_URL: smtp://user:pass@host:587?tls=1, smtps://..., console:, file:///dir."""
    if not url:
        return EmailSettings(backend="django.core.mail.backends.console.EmailBackend")
    parts = urlsplit(url)
    if parts.scheme == "console":
        return EmailSettings(backend="django.core.mail.backends.console.EmailBackend")
    if parts.scheme == "file":
        return EmailSettings(
            backend="django.core.mail.backends.filebased.EmailBackend", file_path=parts.path
        )
    if parts.scheme not in ("smtp", "smtps", "submission"):
        raise fail(
            "EMAIL_URL",
            url,
            "smtp://[user:password@]host[:port][?tls=1], smtps://..., "
            "console: or file:///directory",
        )
    if not parts.hostname:
        raise fail("EMAIL_URL", url, "a host name")
    try:
        port = parts.port
    except ValueError as exc:
        raise fail("EMAIL_URL", url, "a numeric port") from exc
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    use_ssl = parts.scheme == "smtps"
    default_port = 465 if use_ssl else (587 if parts.scheme == "submission" else 25)
    return EmailSettings(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host=parts.hostname,
        port=port or default_port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=query.get("tls", "0") in ("1", "true", "yes") or parts.scheme == "submission",
        use_ssl=use_ssl,
    )


def redis_url(url: str | None) -> str:
    if not url:
        return "redis://127.0.0.1:6379/0"
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise fail("REDIS_URL", url, "redis://host:port/db")
    return url


def execution_mode(value: str | None) -> str:
    mode = (value or "inline").strip().lower()
    if mode not in EXECUTION_MODES:
        raise fail("RELANCE_EXECUTION", value or "", " or ".join(EXECUTION_MODES))
    return mode


def time_zone(value: str | None) -> str:
    name = value or "Europe/Paris"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise fail("TIME_ZONE", name, "an IANA time zone such as Europe/Paris") from exc
    return name


def secret_key(value: str | None, var_dir: Path) -> str:
    """Use SECRET_KEY, else a key generated once and kept in var/secret_key (mode 0600)."""
    if value:
        if len(value) < 32:
            raise fail("SECRET_KEY", "***", "at least 32 characters")
        return value
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def flag(variable: str, value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise fail(variable, value, "1/0, true/false, yes/no or on/off")


def seconds(variable: str, value: str | None, default: float) -> float:
    """A duration in seconds, more than zero."""
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not 0 < number < 86400:
        raise fail(variable, value, "a number of seconds above 0, such as 10")
    return number


def count(variable: str, value: str | None, default: int) -> int:
    """A whole number, 1 or more."""
    if value is None or value.strip() == "":
        return default
    if not value.strip().isdigit() or int(value) < 1:
        raise fail(variable, value, "a whole number of 1 or more, such as 3")
    return int(value)
