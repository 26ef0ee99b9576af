"""The customer's portal link, from the back-office: show it to copy, or revoke it."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.ledger.portal_links import portal_link_issue, portal_link_revoke
from relance.web.access import Workspace, org_view
from relance.web.customers.views import _customer, _done, actor_of


@org_view
@require_POST
def portal_link_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    link = portal_link_issue(customer=target, actor=actor_of(ws))
    said = _("Lien du portail à copier : %(url)s (forme courte, à dicter : %(short)s)")
    return _done(request, ws, target, said % {"url": link.url, "short": link.typed})


@org_view
@require_POST
def portal_revoke_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    portal_link_revoke(customer=target, actor=actor_of(ws))
    return _done(request, ws, target, _("Les liens du portail de ce client ne marchent plus."))
