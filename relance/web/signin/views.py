"""Password reset and change, on Django's views with relance's pages and links."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from relance.accounts.models import User
from relance.accounts.password_reset import password_reset_request
from relance.accounts.signin import client_ip, sign_in_failures_clear
from relance.web.signin.forms import ResetForm


class ResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "registration/reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # The same answer, at once, whether the e-mail has an account, or the limits hold it:
        # the link leaves afterwards, pointing at RELANCE_BASE_URL, never at the Host named.
        password_reset_request(
            email=form.cleaned_data["email"],
            ip=client_ip(self.request),
            language=translation.get_language() or "",
        )
        return HttpResponseRedirect(self.get_success_url())


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_user(self, uidb64: str) -> User | None:
        try:
            uuid = UUID(urlsafe_base64_decode(uidb64).decode())
        except (TypeError, ValueError, UnicodeDecodeError):
            return None
        return User.objects.filter(uuid=uuid, is_active=True).first()

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever proved they own the mailbox may sign in at once, even after a lock.
        sign_in_failures_clear(email=form.user.email)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Votre mot de passe a été changé."))
        return response
