"""Segment pages: the list with today's counts, the rule builder, "count before saving"."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.dunning.labels import labels_of
from relance.dunning.models import Scenario, Segment
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.dunning.segment_edit import (
    SegmentEditError,
    SegmentPreview,
    segment_counts,
    segment_create,
    segment_preview,
    segment_update,
)
from relance.dunning.segments import segments_ensure_defaults, segments_recompute
from relance.web.access import Workspace, org_view
from relance.web.segments.forms import (
    ConditionFormSet,
    SegmentForm,
    conditions_of,
    describe_rule,
    initial_conditions,
)


def _segments(ws: Workspace) -> list[Segment]:
    segments_ensure_defaults(ws.organisation)
    return list(
        Segment.objects.filter(organisation=ws.organisation)
        .select_related("scenario")
        .order_by("position", "id")
    )


@org_view
def segment_list(request: HttpRequest, ws: Workspace) -> HttpResponse:
    segments = _segments(ws)
    counts = segment_counts(ws.organisation)
    currency = ws.organisation.default_currency
    names = labels_of(ws.organisation)
    rows = [
        {"segment": s, "rule": describe_rule(s.rule, currency), "customers": counts.get(s.key, 0),
         "scenario": names.scenario(s.scenario.key if s.scenario else s.key)}
        for s in segments
    ]  # fmt: skip
    known = {s.key for s in segments}
    context = {"rows": rows, "unclassified": sum(n for k, n in counts.items() if k not in known)}
    return render(request, "web/segments/list.html", context)


class _Editor:
    """The segment form, its condition rows, and what the service makes of them."""

    def __init__(self, request: HttpRequest, ws: Workspace, segment: Segment | None) -> None:
        self.ws, self.segment = ws, segment
        segments = _segments(ws)
        catch_all = segment is not None and segments[-1].pk == segment.pk
        scenarios = Scenario.objects.filter(organisation=ws.organisation).order_by("name")
        initial: dict[str, Any] = {"priority": max(len(segments), 1)}  # before the catch-all
        conditions: list[dict[str, Any]] = []
        if segment is not None:
            initial = {"name": segment.name, "match": segment.rule.get("match", "any"),
                       "scenario": segment.scenario.uuid if segment.scenario else None,
                       "priority": segments.index(segment) + 1}  # fmt: skip
            conditions = initial_conditions(segment.rule)
        data = request.POST if request.method == "POST" else None
        self.form = SegmentForm(data, initial=initial, scenarios=scenarios,
                                catch_all=catch_all, creating=segment is None)  # fmt: skip
        # Posted rows are read as typed: an initial would make unchanged rows look empty.
        self.conditions = ConditionFormSet(
            data, initial=None if data is not None else conditions, prefix="conditions"
        )
        self.catch_all = catch_all

    def valid(self) -> bool:
        return self.form.is_valid() and self.conditions.is_valid()

    def refused(self, error: SegmentEditError) -> None:
        field = error.field if error.field in self.form.fields else None
        self.form.add_error(field, error.message)

    def preview(self) -> SegmentPreview | None:
        try:
            return segment_preview(
                organisation=self.ws.organisation, as_of=timezone.localdate(),
                draft=self.form.draft(conditions_of(self.conditions)), segment=self.segment,
                key=self.form.cleaned_data.get("key", ""),
            )  # fmt: skip
        except SegmentEditError as exc:
            self.refused(exc)
            return None

    def save(self) -> Segment | None:
        draft = self.form.draft(conditions_of(self.conditions))
        actor = Actor(user=self.ws.user)
        try:
            if self.segment is not None:
                return segment_update(segment=self.segment, draft=draft, actor=actor)
            return segment_create(organisation=self.ws.organisation, actor=actor,
                                  key=self.form.cleaned_data["key"], draft=draft)  # fmt: skip
        except SegmentEditError as exc:
            self.refused(exc)
            return None

    def page(self, request: HttpRequest, preview: SegmentPreview | None = None) -> HttpResponse:
        failed = bool(self.form.errors) or bool(self.conditions.total_error_count())
        status = 400 if request.method == "POST" and failed else 200
        context = {"segment": self.segment, "form": self.form, "conditions": self.conditions,
                   "catch_all": self.catch_all, "preview": preview}  # fmt: skip
        return render(request, "web/segments/edit.html", context, status=status)


def _edit(request: HttpRequest, ws: Workspace, segment: Segment | None) -> HttpResponse:
    scenarios_ensure_presets(ws.organisation)
    editor = _Editor(request, ws, segment)
    if request.method != "POST" or not editor.valid():
        return editor.page(request)
    if request.POST.get("action") == "count":
        return editor.page(request, editor.preview())
    saved = editor.save()
    if saved is None:
        return editor.page(request)
    messages.success(
        request,
        _("Segment « %(name)s » enregistré. Les clients changeront de segment au prochain "
          "recalcul ; vous pouvez le lancer maintenant.") % {"name": saved.name},
    )  # fmt: skip
    return redirect("segments", org=ws.organisation.slug)


@org_view
def segment_edit(request: HttpRequest, ws: Workspace, segment: UUID) -> HttpResponse:
    found = get_object_or_404(Segment, organisation=ws.organisation, uuid=segment)
    return _edit(request, ws, found)


@org_view
def segment_new(request: HttpRequest, ws: Workspace) -> HttpResponse:
    return _edit(request, ws, None)


def _count(request: HttpRequest, ws: Workspace, segment: Segment | None) -> HttpResponse:
    editor = _Editor(request, ws, segment)
    preview = editor.preview() if editor.valid() else None
    context = {"preview": preview, "form": editor.form, "conditions": editor.conditions}
    return render(request, "web/segments/_count.html", context)


@org_view
@require_POST
def segment_count(request: HttpRequest, ws: Workspace, segment: UUID) -> HttpResponse:
    """The htmx "count before saving": the same preview as the page's own button."""
    found = get_object_or_404(Segment, organisation=ws.organisation, uuid=segment)
    return _count(request, ws, found)


@org_view
@require_POST
def segment_new_count(request: HttpRequest, ws: Workspace) -> HttpResponse:
    return _count(request, ws, None)


@org_view
@require_POST
def recompute(request: HttpRequest, ws: Workspace) -> HttpResponse:
    summary = segments_recompute(
        organisation=ws.organisation, as_of=timezone.localdate(), actor=Actor(user=ws.user)
    )
    messages.success(
        request,
        _("Segments recalculés : %(changed)s client(s) ont changé de segment.")
        % {"changed": summary.changed},
    )
    return redirect("segments", org=ws.organisation.slug)
