"""A customer's segment chosen by hand from their page, or given back to the rules."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.clock import local_day
from relance.dunning.segment_choice import SegmentChoiceError, customer_segment_choose
from relance.web.access import Workspace, org_view
from relance.web.customers.forms import SegmentChoiceForm
from relance.web.customers.segment_card import segments_of
from relance.web.customers.views import _customer, _detail, _done, _refused, actor_of


@org_view
@require_POST
def segment_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    form = SegmentChoiceForm(request.POST, segments=segments_of(ws))
    if not form.is_valid():
        return _detail(request, ws, target, segment_form=form)
    chosen = form.chosen()
    try:
        customer_segment_choose(customer=target, segment=chosen, as_of=local_day(ws.organisation),
                                actor=actor_of(ws))  # fmt: skip
    except SegmentChoiceError as error:
        return _refused(request, ws, target, error)
    if chosen is None:
        return _done(request, ws, target, _("Le segment du client est rendu aux règles."))
    return _done(request, ws, target, _("Le segment du client est choisi à la main."))
