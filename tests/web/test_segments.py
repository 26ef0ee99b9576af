"""Segment pages: the rule builder, "count before saving" against what the recompute then does."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.accounts.models import AuditEvent
from relance.dunning.models import CustomerDunning, Scenario, Segment
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.dunning.segments import segments_ensure_defaults, segments_recompute
from relance.ledger.services import customer_create, invoice_create, payment_record


def url(name: str, organisation, **kwargs) -> str:
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def segment(organisation, key: str) -> Segment:
    return Segment.objects.get(organisation=organisation, key=key)


def form_data(*conditions, name="Mauvais payeur", match="any", priority="1", scenario=""):
    data = {
        "name": name, "match": match, "priority": priority, "scenario": scenario,
        "conditions-TOTAL_FORMS": str(len(conditions) + 1), "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0", "conditions-MAX_NUM_FORMS": "10",
    }  # fmt: skip
    for n, (figure, op, value) in enumerate([*conditions, ("", ">", "")]):
        data.update({f"conditions-{n}-figure": figure, f"conditions-{n}-op": op,
                     f"conditions-{n}-value": value})  # fmt: skip
    return data


@pytest.fixture
def ledger(organisation, actor):
    """Five customers: always late, late once in four, on time, no history, placed by hand."""
    today = timezone.localdate()
    scenarios_ensure_presets(organisation)
    segments_ensure_defaults(organisation)
    number = 0

    def customer(ref: str, *late_days: int | None):
        nonlocal number
        found = customer_create(organisation=organisation, external_ref=ref, name=f"Client {ref}",
                                actor=actor)  # fmt: skip
        for n, late in enumerate(late_days):
            number += 1
            due = today - timedelta(days=200 - 30 * n)
            invoice = invoice_create(
                organisation=organisation, customer=found, number=f"F-{number}",
                issue_date=due - timedelta(days=30), due_date=due, amount_incl_tax=Decimal("100"),
                actor=actor,
            )  # fmt: skip
            if late is not None:
                payment_record(
                    organisation=organisation, customer=found, reference=f"P-{number}",
                    date=due + timedelta(days=late), amount=Decimal("100"), invoice=invoice,
                    actor=actor,
                )  # fmt: skip
        return found

    customer("LATE", 40, 45)
    customer("ONCE", 20, 0, 0, 0)
    customer("GOOD", 0, 2, 1, 0)
    customer("NEW")
    hand = customer("HAND", 40, 40)
    CustomerDunning.objects.create(customer=hand, segment="vip", segment_is_manual=True)
    segments_recompute(organisation=organisation, as_of=today, actor=actor)
    return today


def test_list_shows_rules_in_words_scenarios_and_counts(collector, organisation, ledger):
    page = collector.get(url("segments", organisation))
    rows = {row["segment"].key: row for row in page.context["rows"]}
    assert list(rows) == ["bad_payer", "vip", "standard"]
    assert rows["bad_payer"]["customers"] == 1 and rows["standard"]["customers"] == 3
    assert rows["vip"]["customers"] == 1  # placed by hand
    assert "Part des factures payées en retard (%) plus de 30 %" in rows["bad_payer"]["rule"]
    assert " ou " in rows["bad_payer"]["rule"] and " et " in rows["vip"]["rule"]
    assert rows["standard"]["rule"] == "tous les autres clients"
    assert "Recalculer les segments maintenant" in page.content.decode()


def test_count_before_saving_is_what_the_recompute_then_does(collector, organisation, ledger):
    edit = url("segment_edit", organisation, segment=segment(organisation, "bad_payer").uuid)
    page = collector.get(edit)
    assert page.context["conditions"].initial[0] == {"figure": "late_pct", "op": ">", "value": 30}
    data = form_data(("late_pct", ">", "20"), ("broken_promises", ">=", "2"))
    counted = collector.post(edit, {**data, "action": "count"})
    preview = counted.context["preview"]
    assert counted.status_code == 200 and not Segment.objects.filter(rule__match="x").exists()
    assert (preview.caught, preview.now, preview.changed) == (2, 1, 1)
    assert preview.moves == [("standard", "bad_payer", 1)]
    assert preview.manual == 1
    assert "Ce segment compterait <strong>2</strong> clients" in counted.content.decode()
    assert segment(organisation, "bad_payer").rule["conditions"][0]["value"] == 30  # unsaved
    htmx = collector.post(url("segment_count", organisation,
                              segment=segment(organisation, "bad_payer").uuid),
                          data, HTTP_HX_REQUEST="true")  # fmt: skip
    assert htmx.content.decode().startswith('<div id="count"')
    assert htmx.context["preview"] == preview

    saved = collector.post(edit, {**data, "action": "save"})
    assert saved.status_code == 302
    stored = segment(organisation, "bad_payer")
    assert stored.rule["conditions"] == [
        {"figure": "late_pct", "op": ">", "value": 20},
        {"figure": "broken_promises", "op": ">=", "value": 2},
    ]
    event = AuditEvent.objects.get(action="segment_update")
    assert event.before["rule"]["conditions"][0]["value"] == 30
    assert event.after["rule"]["conditions"][0]["value"] == 20
    assert collector.post(url("segments_recompute", organisation)).status_code == 302
    summary = AuditEvent.objects.filter(action="segments_recompute").latest("id").after
    assert summary["segments"]["bad_payer"] == preview.counts["bad_payer"] == 2
    assert summary["changed"] == preview.changed and summary["manual"] == preview.manual
    assert CustomerDunning.objects.filter(segment="bad_payer").count() == preview.caught == 2


def test_priority_and_scenario_are_saved(collector, organisation, ledger):
    vip = segment(organisation, "vip")
    bad = Scenario.objects.get(organisation=organisation, key="bad_payer")
    data = form_data(("on_time_pct", ">=", "95"), ("paid_items", ">=", "5"), name="Fidèles",
                     match="all", priority="1", scenario=str(bad.uuid))  # fmt: skip
    assert collector.post(url("segment_edit", organisation, segment=vip.uuid),
                          {**data, "action": "save"}).status_code == 302  # fmt: skip
    order = list(Segment.objects.filter(organisation=organisation).order_by("position")
                 .values_list("key", "position", "name"))  # fmt: skip
    assert order == [("vip", 1, "Fidèles"), ("bad_payer", 2, "Mauvais payeur"),
                     ("standard", 3, "Standard")]  # fmt: skip
    assert segment(organisation, "vip").scenario == bad
    assert segment(organisation, "vip").rule["match"] == "all"


@pytest.mark.parametrize(
    ("key", "conditions", "message"),
    [
        ("bad_payer", [], "au moins une condition"),
        ("bad_payer", [("late_pct", ">", "150")], "entre 0 et 100"),
        ("bad_payer", [("late_pct", ">", "")], "Indiquez une valeur"),
    ],
)
def test_rules_the_recompute_could_not_use_are_refused(collector, organisation, ledger, key,
                                                       conditions, message):  # fmt: skip
    before = segment(organisation, key).rule
    edit = url("segment_edit", organisation, segment=segment(organisation, key).uuid)
    data = form_data(*conditions, name="Nom")
    for action in ("count", "save"):
        response = collector.post(edit, {**data, "action": action})
        assert response.status_code == 400, action
        assert message in response.content.decode()
    assert segment(organisation, key).rule == before


def test_catch_all_ignores_forged_conditions_and_keeps_its_place(collector, organisation, ledger):
    standard = segment(organisation, "standard")
    data = form_data(("late_pct", ">", "10"), name="Tous les autres")
    response = collector.post(url("segment_edit", organisation, segment=standard.uuid),
                              {**data, "action": "save"})  # fmt: skip
    assert response.status_code == 400
    assert "n'a pas de condition" in response.content.decode()
    assert segment(organisation, "standard").rule["conditions"] == []


def test_a_new_segment_is_placed_before_the_catch_all(collector, organisation, ledger):
    new = url("segment_create", organisation)
    page = collector.get(new)
    assert page.status_code == 200 and page.context["form"].initial["priority"] == 3
    data = {**form_data(("avg_days_late", ">", "35"), name="Très en retard", priority="1"),
            "key": "tres_en_retard"}  # fmt: skip
    counted = collector.post(url("segment_create_count", organisation), data)
    assert counted.context["preview"].caught == 1  # LATE; HAND stays where it was put
    assert collector.post(new, {**data, "action": "save"}).status_code == 302
    keys = list(Segment.objects.filter(organisation=organisation).order_by("position")
                .values_list("key", flat=True))  # fmt: skip
    assert keys == ["tres_en_retard", "bad_payer", "vip", "standard"]
    assert AuditEvent.objects.filter(action="segment_create").count() == 1
    again = collector.post(new, {**data, "action": "save"})
    assert again.status_code == 400 and "déjà la clé" in again.content.decode()


def test_viewer_cannot_change_or_recompute(viewer, organisation, ledger):
    bad = segment(organisation, "bad_payer")
    assert viewer.get(url("segment_edit", organisation, segment=bad.uuid)).status_code == 200
    data = form_data(("late_pct", ">", "20"))
    for target in (
        url("segment_edit", organisation, segment=bad.uuid),
        url("segment_count", organisation, segment=bad.uuid),
        url("segment_create", organisation),
        url("segments_recompute", organisation),
    ):
        assert viewer.post(target, {**data, "action": "save"}).status_code == 403, target
    assert segment(organisation, "bad_payer").rule == bad.rule


def test_another_organisations_segments_and_scenarios_are_out_of_reach(
    collector, organisation, other_organisation, ledger
):
    segments_ensure_defaults(other_organisation)
    scenarios_ensure_presets(other_organisation)
    theirs = segment(other_organisation, "bad_payer")
    data = form_data(("late_pct", ">", "20"))
    assert collector.get(url("segment_edit", organisation, segment=theirs.uuid)).status_code == 404
    for name in ("segment_edit", "segment_count"):
        response = collector.post(url(name, organisation, segment=theirs.uuid), data)
        assert response.status_code == 404, name
    their_scenario = Scenario.objects.get(organisation=other_organisation, key="vip")
    mine = segment(organisation, "bad_payer")
    data = form_data(("late_pct", ">", "20"), scenario=str(their_scenario.uuid))
    response = collector.post(url("segment_edit", organisation, segment=mine.uuid),
                              {**data, "action": "save"})  # fmt: skip
    assert response.status_code == 400 and "scenario" in response.context["form"].errors
    assert segment(organisation, "bad_payer").scenario is None
    assert segment(other_organisation, "bad_payer").rule == theirs.rule
