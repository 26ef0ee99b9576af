"""A person's own profile: the name, title and phone that sign their letters. Open to every
member of the organisation, a viewer included: it changes nothing but their own account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.accounts.audit import Actor
from relance.accounts.services import AccountError, membership_digest_set, user_profile_update
from relance.web.access import Workspace, own_account_view


class MemberProfileForm(forms.Form):
    """The name, title and phone of a person, as they sign letters and e-mails."""

    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150, required=False)
    title = forms.CharField(
        label=gettext_lazy("Fonction"), max_length=100, required=False,
        help_text=gettext_lazy("Par exemple « Chargée de recouvrement » ; imprimée sous votre "
                               "nom sur les lettres et mises en demeure."),
    )  # fmt: skip
    phone = forms.CharField(
        label=gettext_lazy("Téléphone"), max_length=30, required=False,
        help_text=gettext_lazy("Le numéro auquel vos clients vous joignent, imprimé sur vos "
                               "courriers."),
    )  # fmt: skip


class ProfileForm(MemberProfileForm):
    weekly_digest = forms.BooleanField(
        label=gettext_lazy("Recevoir le résumé de la semaine, le lundi matin"), required=False,
        help_text=gettext_lazy("Pour les chargés de recouvrement : encaissé, promis, litiges, "
                               "échéances de la semaine et clients les plus en retard."),
    )  # fmt: skip


@own_account_view
def profile(request: HttpRequest, ws: Workspace) -> HttpResponse:
    user = ws.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data: dict[str, Any] = dict(form.cleaned_data)
            digest = data.pop("weekly_digest")
            try:
                user_profile_update(user=user, organisation=ws.organisation,
                                    actor=Actor(user=user), **data)  # fmt: skip
                membership_digest_set(membership=ws.membership, weekly_digest=digest,
                                      actor=Actor(user=user))  # fmt: skip
            except AccountError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Votre profil est enregistré."))
                return redirect("profile", org=ws.organisation.slug)
    else:
        initial = {name: getattr(user, name) for name in ProfileForm.base_fields
                   if name != "weekly_digest"}  # fmt: skip
        form = ProfileForm(initial={**initial, "weekly_digest": ws.membership.weekly_digest})
    return render(request, "web/settings_pages/profile.html", {"form": form},
                  status=400 if form.errors else 200)  # fmt: skip
