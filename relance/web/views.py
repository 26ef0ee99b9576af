"""Pages outside any organisation: the landing redirect and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from relance.accounts.access import organisations_of
from relance.accounts.models import User


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Go to the dashboard of the organisation last worked on, or of the first one."""
    user = request.user
    assert isinstance(user, User)
    organisations = organisations_of(user)
    last = request.session.get("organisation")
    organisation = organisations.filter(slug=last).first() if last else None
    organisation = organisation or organisations.first()
    if organisation is None:
        return render(request, "web/no_organisation.html", status=403)
    return redirect("dashboard", org=organisation.slug)


@login_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Remember the user's interface language on their account, then go back where they were."""
    user = request.user
    assert isinstance(user, User)
    code = request.POST.get("language", "")
    if code in {known for known, _name in settings.LANGUAGES}:
        user.language = code
        user.save(update_fields=["language"])
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    return HttpResponseRedirect(target)
