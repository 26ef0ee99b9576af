"""Password reset for every active account (the sign-in form is ``relance.accounts.forms``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from relance.accounts.mail import user_link_id
from relance.accounts.models import User


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
