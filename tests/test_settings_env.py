"""Settings come from the environment; a wrong value stops the start with a clear message."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from relance.lib import env


def test_default_database_is_the_sqlite_file(tmp_path):
    config = env.database(None, tmp_path / "relance.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "relance.sqlite3")


def test_postgresql_url_is_parsed(tmp_path):
    config = env.database("postgresql://app:s3cret@db.local:5433/relance", tmp_path / "x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.local",
        5433,
        "relance",
        "app",
    )


@pytest.mark.parametrize("url", ["mysql://x@y/z", "postgresql://host:5432/", "nonsense"])
def test_bad_database_url_names_the_variable(url, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.database(url, tmp_path / "x")


def test_email_url_forms():
    smtp = env.email("smtp://user%40x.fr:p%40ss@mail.example.com:2525?tls=1")
    assert (smtp.host, smtp.port, smtp.user, smtp.password, smtp.use_tls) == (
        "mail.example.com",
        2525,
        "user@x.fr",
        "p@ss",
        True,
    )
    assert env.email("smtps://mail.example.com").port == 465
    assert env.email(None).backend.endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.email("http://mail.example.com")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.email("smtp://mail.example.com:port")


def test_execution_mode_and_time_zone_and_redis():
    assert env.execution_mode(None) == "inline"
    assert env.execution_mode("Celery") == "celery"
    with pytest.raises(ImproperlyConfigured, match="RELANCE_EXECUTION"):
        env.execution_mode("threads")
    assert env.time_zone(None) == "Europe/Paris"
    with pytest.raises(ImproperlyConfigured, match="TIME_ZONE"):
        env.time_zone("Europe/Lutece")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        env.redis_url("http://localhost")


def test_secret_key_is_generated_once_and_private(tmp_path):
    first = env.secret_key(None, tmp_path / "var")
    assert len(first) >= 50
    assert env.secret_key(None, tmp_path / "var") == first
    mode = stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode)
    assert mode == 0o600
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env.secret_key("short", tmp_path)


def test_relance_refuses_to_start_with_a_bad_value(tmp_path):
    environment = {**os.environ, "RELANCE_EXECUTION": "threads", "RELANCE_VAR_DIR": str(tmp_path)}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", "from relance.cli import main; raise SystemExit(main(['check']))"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "RELANCE_EXECUTION='threads' is not valid" in done.stderr
