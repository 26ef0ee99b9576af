"""Staff pages. Every read goes through the signed-in user's membership."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from relance.accounts.access import organisations_of
from relance.accounts.models import Membership, User
from relance.imports.models import ImportBatch
from relance.ledger.selectors import ledger_summary


def _current_membership(request: HttpRequest) -> Membership | None:
    user = request.user
    assert isinstance(user, User)
    chosen = request.GET.get("org") or request.session.get("organisation")
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    membership = memberships.filter(organisation__uuid=chosen).first() if chosen else None
    membership = membership or memberships.order_by("organisation__legal_name").first()
    if membership is not None:
        request.session["organisation"] = str(membership.organisation.uuid)
    return membership


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = _current_membership(request)
    if membership is None:
        return render(request, "web/no_organisation.html", status=403)
    organisation = membership.organisation
    user = request.user
    assert isinstance(user, User)
    context = {
        "organisation": organisation,
        "membership": membership,
        "organisations": organisations_of(user),
        "summary": ledger_summary(organisation, as_of=timezone.localdate()),
        "imports": ImportBatch.objects.filter(organisation=organisation)[:5],
    }
    return render(request, "web/home.html", context)
