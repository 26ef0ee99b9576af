"""Asking for a password link (the sign-in form is ``relance.accounts.forms``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ResetForm(forms.Form):
    """The e-mail to send a password link to (``relance.accounts.password_reset``): every
    active account can get one, even a person invited who never chose a password."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
