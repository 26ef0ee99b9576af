"""The sign-in lock, counted in the database so that every thread and machine agrees."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from relance.accounts.models import SignInFailure
from relance.accounts.signin import (
    LOCK_FOR,
    MAX_PER_EMAIL,
    MAX_PER_IP,
    sign_in_failure_record,
    sign_in_failures_clear,
    sign_in_locked_until,
)


def test_the_lock_runs_from_the_failure_that_set_it(db):
    for _attempt in range(MAX_PER_EMAIL - 1):
        assert sign_in_failure_record(email="A@example.org", ip="192.0.2.1") is None
    until = sign_in_failure_record(email="a@example.org ", ip="192.0.2.1")
    last = SignInFailure.objects.latest("at").at
    assert until == last + LOCK_FOR
    assert sign_in_locked_until(email="a@EXAMPLE.org", ip=None) == until
    assert sign_in_locked_until(email="b@example.org", ip="192.0.2.1") is None
    assert sign_in_locked_until(email="a@example.org", ip=None, now=until) is None


def test_the_address_lock_needs_more_failures(db):
    for number in range(MAX_PER_IP - 1):
        sign_in_failure_record(email=f"u{number}@example.org", ip="2001:db8::1")
    assert sign_in_locked_until(email="x@example.org", ip="2001:db8::1") is None
    assert sign_in_failure_record(email="last@example.org", ip="2001:db8::1") is not None
    assert sign_in_locked_until(email="x@example.org", ip="2001:db8::1") is not None
    assert sign_in_locked_until(email="x@example.org", ip="2001:db8::2") is None


def test_old_failures_are_forgotten_and_clearing_starts_afresh(db):
    SignInFailure.objects.create(email="old@example.org", at=timezone.now() - timedelta(days=2))
    sign_in_failure_record(email="a@example.org", ip=None)
    assert not SignInFailure.objects.filter(email="old@example.org").exists()
    assert sign_in_failures_clear(email="A@example.org") == 1
