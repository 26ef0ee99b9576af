"""Settings, users and roles: who may work for the organisation, and how."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.accounts.mail import invitation_site
from relance.accounts.models import Membership, Role
from relance.accounts.services import (
    AccountError,
    membership_invite,
    membership_remove,
    membership_role_set,
    user_profile_update,
)
from relance.web.access import Workspace
from relance.web.paging import paginate
from relance.web.settings_pages import admin_view
from relance.web.settings_pages.forms import InviteForm, RoleForm
from relance.web.settings_pages.profile import MemberProfileForm


@admin_view
def users(request: HttpRequest, ws: Workspace) -> HttpResponse:
    org = ws.organisation
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, mailed = membership_invite(
                organisation=org, email=form.cleaned_data["email"],
                role=form.cleaned_data["role"], actor=Actor(user=ws.user),
                site=invitation_site(request.build_absolute_uri("/")),
            )  # fmt: skip
        except AccountError as exc:
            form.add_error("email", str(exc))
        else:
            if mailed:
                messages.success(
                    request, _("%(email)s a accès à l'organisation ; un e-mail lui a été envoyé.")
                    % {"email": user.email},
                )  # fmt: skip
            else:
                messages.warning(
                    request,
                    _("%(email)s a accès à l'organisation, mais l'e-mail n'a pas pu partir : "
                      "indiquez-lui d'utiliser « Mot de passe oublié ? ».") % {"email": user.email},
                )  # fmt: skip
            return redirect("settings_users", org=org.slug)
    members = Membership.objects.filter(organisation=org).select_related("user")
    context = {
        "tab": "users",
        "form": form,
        "page": paginate(request, members.order_by("user__email")),
        "admin_count": members.filter(role=Role.ADMIN).count(),
        "roles": Role.choices,
    }
    return render(
        request, "web/settings_pages/users.html", context, status=400 if form.errors else 200
    )


def _membership(ws: Workspace, user: UUID) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        organisation=ws.organisation,
        user__uuid=user,
    )


@admin_view
def user_edit(request: HttpRequest, ws: Workspace, user: UUID) -> HttpResponse:
    """A member's name, title and phone, set by an administrator (the member sets their own
    on their profile)."""
    membership = _membership(ws, user)
    member = membership.user
    form = MemberProfileForm(request.POST or None,
                             initial={name: getattr(member, name)
                                      for name in MemberProfileForm.base_fields})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            user_profile_update(user=member, organisation=ws.organisation,
                                actor=Actor(user=ws.user), **form.cleaned_data)  # fmt: skip
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Le profil de %(email)s est enregistré.")
                             % {"email": member.email})  # fmt: skip
            return redirect("settings_users", org=ws.organisation.slug)
    context = {"tab": "users", "form": form, "member": member}
    return render(request, "web/settings_pages/user_edit.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


@admin_view
@require_POST
def user_role(request: HttpRequest, ws: Workspace, user: UUID) -> HttpResponse:
    membership = _membership(ws, user)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle dans la liste."))
        return redirect("settings_users", org=ws.organisation.slug)
    try:
        membership_role_set(
            membership=membership, role=form.cleaned_data["role"], actor=Actor(user=ws.user)
        )
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(email)s est désormais : %(role)s.")
            % {"email": membership.user.email, "role": membership.get_role_display()},
        )
        if membership.user_id == ws.user.pk and membership.role != Role.ADMIN:
            return redirect("dashboard", org=ws.organisation.slug)
    return redirect("settings_users", org=ws.organisation.slug)


@admin_view
@require_POST
def user_remove(request: HttpRequest, ws: Workspace, user: UUID) -> HttpResponse:
    membership = _membership(ws, user)
    email = membership.user.email
    try:
        membership_remove(membership=membership, actor=Actor(user=ws.user))
    except AccountError as exc:
        messages.error(request, str(exc))
        return redirect("settings_users", org=ws.organisation.slug)
    messages.success(request, _("%(email)s n'a plus accès à l'organisation.") % {"email": email})
    if membership.user_id == ws.user.pk:
        return redirect("home")
    return redirect("settings_users", org=ws.organisation.slug)
