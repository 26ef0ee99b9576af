"""Settings pages of an organisation: profile, sending, users and roles, business rules."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseBase

from relance.web.access import org_view

# org_view(admin_only=True), typed: every settings page is for administrators only, even to
# read (it shows the sending configuration and who has access).
admin_view: Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]] = org_view(
    admin_only=True
)
