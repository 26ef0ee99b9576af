"""The Django admin, for the superusers who run the installation and no one else.

The admin shows every organisation's data at once, so the organisations' own people (even
marked staff) never get in: they use the back-office, which keeps each to their own.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from relance.accounts.forms import AdminSignInForm


class RelanceAdminSite(admin.AdminSite):
    login_form = AdminSignInForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_superuser)
