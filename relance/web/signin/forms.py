"""Sign-in with a lock after repeated failures, and password reset for every active account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from relance.accounts.mail import user_link_id
from relance.accounts.models import User
from relance.accounts.signin import (
    LOCK_FOR,
    sign_in_failure_record,
    sign_in_failures_clear,
    sign_in_locked_until,
)


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the connection comes from. Forwarding headers are not trusted: anyone can
    write them, and would then pick whose address gets locked."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Adresse e-mail ou mot de passe incorrect."),
        # The same words whether the account exists or not.
        "locked": _(
            "Trop de tentatives de connexion ont échoué : la connexion est suspendue pendant "
            "%(minutes)s minutes. Réessayez plus tard, ou choisissez un nouveau mot de passe "
            "avec « Mot de passe oublié ? »."
        ),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username") or "").strip().lower()

    def _locked(self) -> ValidationError:
        return ValidationError(
            self.error_messages["locked"],
            code="locked",
            params={"minutes": int(LOCK_FOR.total_seconds() // 60)},
        )

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username") or ""
        if not (email and self.cleaned_data.get("password")):
            return super().clean()
        ip = client_ip(self.request)
        if sign_in_locked_until(email=email, ip=ip) is not None:
            # Refused before the password is checked: even the right one does not open.
            raise self._locked()
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if sign_in_failure_record(email=email, ip=ip) is not None:
                raise self._locked() from error
            raise
        sign_in_failures_clear(email=email)
        return cleaned


class ResetForm(PasswordResetForm):
    """Django's reset, for every active account: a person invited who never chose a password
    (so has none usable) can get a new link this way. Links name the user by uuid."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email: str) -> QuerySet[User]:
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        context["uid"] = user_link_id(context["user"])
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name,
        )
