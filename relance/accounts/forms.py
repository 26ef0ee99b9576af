"""The sign-in form of every page where one signs in with a password (the app, the admin).

The lock itself is in the authentication backend (``relance.accounts.signin``); the form only
says so when it holds, in the same words whether the account exists or not.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from relance.accounts.signin import LOCK_FOR, client_ip, sign_in_locked_until


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Adresse e-mail ou mot de passe incorrect."),
        "locked": _(
            "Trop de tentatives de connexion ont échoué : la connexion est suspendue pendant "
            "%(minutes)s minutes. Réessayez plus tard, ou choisissez un nouveau mot de passe "
            "avec « Mot de passe oublié ? »."
        ),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username") or "").strip().lower()

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as error:
            email = self.cleaned_data.get("username") or ""
            if email and sign_in_locked_until(email=email, ip=client_ip(self.request)):
                raise ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": int(LOCK_FOR.total_seconds() // 60)},
                ) from error
            raise


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin's sign-in: the same lock, and only for superusers."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
