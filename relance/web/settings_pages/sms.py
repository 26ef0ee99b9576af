"""Settings, SMS: the numbers that asked (STOP) to receive no more SMS. An administrator
finds a number, adds one a debtor asked for by another way, or removes one after a check."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.channels.sms.selectors import sms_opt_outs
from relance.channels.sms.service import SmsRefused, sms_opt_out_record, sms_opt_out_remove
from relance.web.access import Workspace
from relance.web.paging import paginate
from relance.web.settings_pages import admin_view


class OptOutForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Numéro de téléphone"), max_length=30,
        help_text=gettext_lazy("Au format international (+33 6 12 34 56 78) ou national du "
                               "pays de l'organisation (06 12 34 56 78)."),
    )  # fmt: skip


class OptOutRemoveForm(forms.Form):
    phone = forms.CharField(max_length=30, widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


@admin_view
def sms_opt_out_list(request: HttpRequest, ws: Workspace) -> HttpResponse:
    org = ws.organisation
    form = OptOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            added = sms_opt_out_record(organisation=org, phone=phone, source="manual",
                                       actor=Actor(user=ws.user))  # fmt: skip
        except SmsRefused as exc:
            form.add_error("phone", str(exc))
        else:
            if added:
                messages.success(request, _("Ce numéro ne recevra plus de SMS."))
            else:
                messages.info(request, _("Ce numéro était déjà sur la liste."))
            return redirect("settings_sms", org=org.slug)
    search = request.GET.get("q", "").strip()[:30]
    context = {
        "tab": "sms",
        "form": form,
        "search": search,
        "page": paginate(request, sms_opt_outs(org, search=search)),
    }
    return render(request, "web/settings_pages/sms.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


@admin_view
@require_POST
def sms_opt_out_delete(request: HttpRequest, ws: Workspace) -> HttpResponse:
    """Asked from the list: a page to confirm; confirmed there: the number is taken off."""
    form = OptOutRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un numéro de la liste."))
        return redirect("settings_sms", org=ws.organisation.slug)
    phone = form.cleaned_data["phone"]
    if not form.cleaned_data["confirmed"]:
        return render(request, "web/settings_pages/sms_remove.html",
                      {"tab": "sms", "phone": phone})  # fmt: skip
    try:
        removed = sms_opt_out_remove(organisation=ws.organisation, phone=phone,
                                     actor=Actor(user=ws.user))  # fmt: skip
    except SmsRefused as exc:
        messages.error(request, str(exc))
    else:
        if removed:
            messages.success(request, _("%(phone)s peut de nouveau recevoir des SMS.")
                             % {"phone": phone})  # fmt: skip
        else:
            messages.info(request, _("%(phone)s n'était pas sur la liste.") % {"phone": phone})
    return redirect("settings_sms", org=ws.organisation.slug)
