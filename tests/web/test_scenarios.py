"""Scenario pages: list, steps added, edited, moved and deleted, the calendar preview."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from relance.accounts.models import AuditEvent
from relance.channels.models import MessageTemplate
from relance.dunning.models import CustomerDunning, Scenario, ScenarioStep, Segment
from relance.dunning.scenarios import scenarios_ensure_presets, scenarios_of
from relance.dunning.segments import segments_ensure_defaults
from relance.ledger.services import customer_create


@pytest.fixture
def standard(organisation) -> Scenario:
    scenarios_ensure_presets(organisation)
    segments_ensure_defaults(organisation)
    return Scenario.objects.get(organisation=organisation, key="standard")


def url(name: str, organisation, **kwargs) -> str:
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def steps_of(scenario: Scenario) -> list[tuple[int, str, int]]:
    return list(scenario.steps.order_by("position").values_list("position", "key", "offset_days"))


STEP = {"key": "reminder_3", "offset_days": "35", "channel": "email", "mode": "auto",
        "tone": "firm", "penalties": "claimed", "template": "", "min_amount": "50.00"}  # fmt: skip


def test_list_shows_each_scenario_with_its_steps_and_segments(collector, organisation, standard):
    page = collector.get(url("scenarios", organisation)).content.decode()
    for text in ("Standard", "Mauvais payeur", "VIP", "J-3", "J+54", "Mise en demeure",
                 "Manuel (liste des tâches)", "Client privilégié"):  # fmt: skip
        assert text in page, text
    assert url("scenario_create", organisation) in page


def test_a_step_is_added_in_the_order_of_its_offset_and_audited(collector, organisation, standard):
    response = collector.post(url("scenario_step_add", organisation, scenario=standard.uuid), STEP)
    assert response.status_code == 302
    keys = [key for _, key, _ in steps_of(standard)]
    assert keys.index("reminder_3") == keys.index("last_warning") + 1
    assert [position for position, _, _ in steps_of(standard)] == list(range(8))
    added = standard.steps.get(key="reminder_3")
    assert (added.template, str(added.min_amount), added.penalties) == ("reminder_3", "50.00",
                                                                        "claimed")  # fmt: skip
    event = AuditEvent.objects.get(action="scenario_step_add")
    assert event.entity_id == str(standard.uuid) and event.actor.email.startswith("collector")
    assert len(event.before["steps"]) == 7 and len(event.after["steps"]) == 8
    assert scenarios_of(organisation)  # the daily run still reads every scenario


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"key": "reminder_1"}, "key", "porte déjà la clé"),
        ({"offset_days": "30"}, "offset_days", "tombe déjà à J+30"),
        ({"offset_days": "5000"}, "offset_days", "inférieure ou égale à 3650"),
        ({"key": "Relance 3"}, "key", ""),
        ({"min_amount": "-1"}, "min_amount", ""),
        ({"repeat_every": "0", "repeat_times": "3"}, "repeat_every", "répétitions sans intervalle"),
        ({"repeat_every": "-7"}, "repeat_every", ""),
        ({"mode": "manual", "fallback": "on"}, "fallback", "envois automatiques"),
        ({"suspension": "on"}, "suspension", "mode manuel"),
    ],
)
def test_a_wrong_step_is_refused_with_its_reason(collector, organisation, standard, change, field,
                                                 message):  # fmt: skip
    response = collector.post(url("scenario_step_add", organisation, scenario=standard.uuid),
                              {**STEP, **change})  # fmt: skip
    assert response.status_code == 400
    errors = response.context["step_form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert standard.steps.count() == 7


def test_editing_an_offset_moves_the_step_into_place(collector, organisation, standard):
    edit = url("scenario_step_edit", organisation, scenario=standard.uuid, key="call_1")
    page = collector.get(edit)
    assert page.status_code == 200 and page.context["form"].initial["offset_days"] == 20
    data = {**STEP, "key": "call_1", "offset_days": "45", "channel": "call", "mode": "manual",
            "tone": "neutral", "penalties": "none"}  # fmt: skip
    assert collector.post(edit, data).status_code == 302
    assert [key for _, key, _ in steps_of(standard)] == [
        "preventive", "reminder_1", "reminder_2", "last_warning", "formal_notice", "call_1",
        "legal",
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="scenario_step_update").count() == 1


def test_moving_a_step_swaps_it_with_its_neighbour_and_keeps_the_dates(
    collector, organisation, standard
):
    move = url("scenario_step_move", organisation, scenario=standard.uuid, key="call_1")
    assert collector.post(move, {"direction": "up"}).status_code == 302
    assert steps_of(standard)[2:4] == [(2, "call_1", 15), (3, "reminder_2", 20)]
    assert collector.post(move, {"direction": "down"}).status_code == 302
    assert collector.post(move, {"direction": "down"}).status_code == 302
    assert steps_of(standard)[2:5] == [(2, "reminder_2", 15), (3, "last_warning", 20),
                                       (4, "call_1", 30)]  # fmt: skip
    first = url("scenario_step_move", organisation, scenario=standard.uuid, key="preventive")
    response = collector.post(first, {"direction": "up"}, follow=True)
    assert "déjà la première" in response.content.decode()
    positions = [position for position, _, _ in steps_of(standard)]
    assert positions == list(range(7))
    event = AuditEvent.objects.filter(action="scenario_step_move").first()
    assert event.before != event.after


def test_deleting_steps_keeps_at_least_one(collector, organisation, actor):
    from relance.dunning.scenario_edit import scenario_create, scenario_step_add

    scenario = scenario_create(organisation=organisation, key="court", name="Court", actor=actor)
    from relance.core.scenario import Step

    scenario_step_add(
        scenario=scenario,
        actor=actor,
        step=Step(key="reminder_1", offset_days=5, channel="email", mode="auto"),
    )
    scenario_step_add(
        scenario=scenario,
        actor=actor,
        step=Step(key="call_1", offset_days=12, channel="call", mode="manual"),
    )
    delete = url("scenario_step_delete", organisation, scenario=scenario.uuid, key="reminder_1")
    assert collector.post(delete).status_code == 302
    assert steps_of(scenario) == [(0, "call_1", 12)]
    last = url("scenario_step_delete", organisation, scenario=scenario.uuid, key="call_1")
    page = collector.post(last, follow=True).content.decode()
    assert "au moins une étape" in page and scenario.steps.count() == 1


def test_a_deleted_step_can_be_put_back_once(collector, viewer, organisation, standard,
                                             other_organisation):  # fmt: skip
    before = steps_of(standard)
    row = standard.steps.get(key="reminder_2")
    delete = url("scenario_step_delete", organisation, scenario=standard.uuid, key="reminder_2")
    response = collector.post(delete, follow=True)
    assert "reminder_2" not in [key for _, key, _ in steps_of(standard)]
    page = response.content.decode()
    assert "Étape « Deuxième relance » supprimée." in page and "Annuler" in page
    token = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    undo = url("scenario_step_undo", organisation, scenario=standard.uuid)
    assert viewer.post(undo, {"undo": token}).status_code == 403
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in ({"undo": forged}, {"undo": ""}, {}):
        refused = collector.post(undo, bad, follow=True).content.decode()
        assert "pas valable ou a expiré" in refused
    other = Scenario.objects.filter(organisation=organisation).exclude(pk=standard.pk).first()
    assert other is not None
    wrong = url("scenario_step_undo", organisation, scenario=other.uuid)
    assert "pas valable" in collector.post(wrong, {"undo": token}, follow=True).content.decode()
    done = collector.post(undo, {"undo": token}, follow=True).content.decode()
    assert "Étape « Deuxième relance » rétablie." in done
    assert steps_of(standard) == before
    restored = standard.steps.get(key="reminder_2")
    assert (restored.tone, restored.penalties, restored.min_amount) == (
        row.tone, row.penalties, row.min_amount,
    )  # fmt: skip
    replayed = collector.post(undo, {"undo": token}, follow=True).content.decode()
    assert "reminder_2" in replayed and steps_of(standard) == before  # refused, nothing changes
    events = AuditEvent.objects.filter(entity_id=str(standard.uuid))
    actions = events.values_list("action", flat=True)
    assert list(actions)[-2:] == ["scenario_step_delete", "scenario_step_add"]


def test_create_blank_or_as_a_copy_then_rename(collector, organisation, standard):
    new = url("scenario_create", organisation)
    response = collector.post(new, {"name": "Grands comptes", "key": "grands_comptes",
                                    "copy_from": str(standard.uuid)})  # fmt: skip
    copy = Scenario.objects.get(organisation=organisation, key="grands_comptes")
    assert response.url == url("scenario_detail", organisation, scenario=copy.uuid)
    assert [k for _, k, _ in steps_of(copy)] == [k for _, k, _ in steps_of(standard)]
    assert collector.post(new, {"name": "Vide", "key": "vide"}).status_code == 302
    blank = Scenario.objects.get(organisation=organisation, key="vide")
    assert blank.steps.count() == 0
    page = collector.get(url("scenario_detail", organisation, scenario=blank.uuid))
    assert "Ajoutez une étape pour voir le calendrier" in page.content.decode()
    twice = collector.post(new, {"name": "Encore", "key": "vide"})
    assert twice.status_code == 200 and "déjà la clé" in twice.content.decode()
    rename = url("scenario_rename", organisation, scenario=blank.uuid)
    assert collector.post(rename, {"name": "Sans étape"}).status_code == 302
    blank.refresh_from_db()
    assert blank.name == "Sans étape" and blank.key == "vide"
    assert AuditEvent.objects.filter(action="scenario_create").count() == 2
    assert AuditEvent.objects.get(action="scenario_update").after == {"name": "Sans étape"}


def test_a_scenario_in_use_or_shipped_cannot_be_deleted(collector, organisation, standard,
                                                         actor):  # fmt: skip
    from relance.dunning.scenario_edit import scenario_create

    def delete(key: str):
        scenario = Scenario.objects.get(organisation=organisation, key=key)
        return collector.post(url("scenario_delete", organisation, scenario=scenario.uuid),
                              follow=True).content.decode()  # fmt: skip

    assert "ne peut pas être supprimé" in delete("standard")
    assert "il serait recréé" in delete("vip")
    mine = scenario_create(organisation=organisation, key="maison", name="Maison", actor=actor,
                           copy_from=standard)  # fmt: skip
    segment = Segment.objects.get(organisation=organisation, key="vip")
    segment.scenario = mine
    segment.save()
    assert "Client privilégié" in delete("maison")
    segment.scenario = None
    segment.save()
    customer = customer_create(organisation=organisation, external_ref="K1", name="Client",
                               actor=actor)  # fmt: skip
    CustomerDunning.objects.create(customer=customer, scenario=mine)
    assert "attribué à 1 client" in delete("maison")
    CustomerDunning.objects.filter(customer=customer).update(scenario=None)
    assert "Scénario « Maison » supprimé" in delete("maison")
    assert not Scenario.objects.filter(organisation=organisation, key="maison").exists()
    assert ScenarioStep.objects.filter(scenario_id=mine.pk).count() == 0
    assert AuditEvent.objects.get(action="scenario_delete").after is None


def test_calendar_moves_a_step_off_christmas_and_the_weekend(collector, organisation, standard):
    detail = url("scenario_detail", organisation, scenario=standard.uuid)
    query = {"due_date": "2026-12-20", "issue_date": "2026-11-20", "country": "FR",
             "postal_code": "", "kind": "B2B", "amount": "1000.00"}  # fmt: skip
    page = collector.get(detail, query)
    entries = {entry.step.key: entry for entry in page.context["entries"]}
    assert entries["reminder_1"].nominal == date(2026, 12, 25)
    assert entries["reminder_1"].day == date(2026, 12, 28)  # Friday 25 (Noël), then weekend
    assert "jour férié (Noël)" in page.content.decode()
    assert entries["preventive"].day == date(2026, 12, 17)
    partial = collector.get(url("scenario_calendar", organisation, scenario=standard.uuid),
                            query, HTTP_HX_REQUEST="true")  # fmt: skip
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.startswith('<div id="calendar"') and "<html" not in body
    assert "lun 28/12/2026" in body


def test_calendar_follows_the_customers_region_and_country(collector, organisation, standard):
    partial = url("scenario_calendar", organisation, scenario=standard.uuid)
    # Due 21/12/2025: reminder_1 (J+5) falls on Friday 26 December, a holiday in Alsace only.
    query = {"due_date": "2025-12-21", "issue_date": "2025-11-21", "country": "FR",
             "postal_code": "", "kind": "B2B", "amount": "1000.00"}  # fmt: skip

    def reminder_1(**change):
        response = collector.get(partial, {**query, **change}, HTTP_HX_REQUEST="true")
        return {e.step.key: e for e in response.context["entries"]}["reminder_1"].day

    assert reminder_1() == date(2025, 12, 26)
    assert reminder_1(postal_code="67000") == date(2025, 12, 29)
    assert reminder_1(country="BE") == date(2025, 12, 26)
    wrong = collector.get(partial, {**query, "issue_date": "2026-01-10"}, HTTP_HX_REQUEST="true")
    assert wrong.context["entries"] is None
    assert "au plus tard à son échéance" in wrong.content.decode()


def test_warnings_point_at_surprising_steps(collector, organisation, standard):
    edit = url("scenario_step_edit", organisation, scenario=standard.uuid, key="call_1")
    data = {**STEP, "key": "call_1", "offset_days": "20", "channel": "call", "mode": "auto",
            "tone": "neutral", "penalties": "none"}  # fmt: skip
    collector.post(edit, data)
    collector.post(url("scenario_step_add", organisation, scenario=standard.uuid),
                   {**STEP, "key": "relance_maison", "offset_days": "25"})  # fmt: skip
    # The new step got its own template; one language of it is then deleted, and another
    # step is made to name a template that does not exist.
    MessageTemplate.objects.filter(key="relance_maison", language="nl").delete()
    ScenarioStep.objects.filter(scenario=standard, key="legal").update(template="nulle_part")
    page = collector.get(url("scenario_detail", organisation, scenario=standard.uuid))
    warnings = " ".join(page.context["warnings"])
    assert "« call_1 » (call) est automatique" in warnings
    assert "Le modèle « relance_maison » n'est pas écrit en nl" in warnings
    assert "utilise le modèle « nulle_part », qui n'existe pas" in warnings


def test_viewer_reads_but_cannot_change(viewer, organisation, standard):
    page = viewer.get(url("scenario_detail", organisation, scenario=standard.uuid))
    assert page.status_code == 200
    assert "Ajouter l'étape" not in page.content.decode()
    for name, kwargs, data in (
        ("scenario_step_add", {}, STEP),
        ("scenario_step_move", {"key": "call_1"}, {"direction": "up"}),
        ("scenario_step_delete", {"key": "call_1"}, {}),
        ("scenario_step_edit", {"key": "call_1"}, STEP),
        ("scenario_rename", {}, {"name": "x"}),
        ("scenario_delete", {}, {}),
    ):
        response = viewer.post(url(name, organisation, scenario=standard.uuid, **kwargs), data)
        assert response.status_code == 403, name
    assert viewer.post(url("scenario_create", organisation), {"name": "x", "key": "x"}
                       ).status_code == 403  # fmt: skip
    assert standard.steps.count() == 7


def test_another_organisations_scenario_is_not_found(collector, organisation, other_organisation):
    scenarios_ensure_presets(other_organisation)
    theirs = Scenario.objects.get(organisation=other_organisation, key="standard")
    for name, kwargs in (
        ("scenario_detail", {}), ("scenario_calendar", {}),
        ("scenario_step_edit", {"key": "call_1"}),
    ):  # fmt: skip
        assert collector.get(url(name, organisation, scenario=theirs.uuid, **kwargs)
                             ).status_code == 404, name  # fmt: skip
    for name, kwargs in (
        ("scenario_step_add", {}), ("scenario_rename", {}), ("scenario_delete", {}),
        ("scenario_step_move", {"key": "call_1"}), ("scenario_step_delete", {"key": "call_1"}),
    ):  # fmt: skip
        assert (
            collector.post(
                url(name, organisation, scenario=theirs.uuid, **kwargs),
                {**STEP, "direction": "up", "name": "x"},
            ).status_code
            == 404
        ), name
    copy = collector.post(
        url("scenario_create", organisation),
        {"name": "Copie", "key": "copie", "copy_from": str(theirs.uuid)},
    )
    assert copy.status_code == 200 and "copy_from" in copy.context["form"].errors
    assert ScenarioStep.objects.filter(scenario=theirs).count() == 7
    assert not AuditEvent.objects.filter(organisation=other_organisation,
                                         action__startswith="scenario").exists()  # fmt: skip


def test_a_repeating_step_shows_its_options_and_each_repeat_in_the_calendar(
    collector, organisation, standard
):
    repeating = {**STEP, "key": "early_notice", "offset_days": "-20", "tone": "neutral",
                 "penalties": "none", "repeat_every": "7", "repeat_times": "2",
                 "pay_within": "10", "copy_collector": "bcc"}  # fmt: skip
    response = collector.post(url("scenario_step_add", organisation, scenario=standard.uuid),
                              repeating)  # fmt: skip
    assert response.status_code == 302
    detail = url("scenario_detail", organisation, scenario=standard.uuid)
    query = {"due_date": "2026-03-02", "issue_date": "2026-02-01", "country": "FR",
             "postal_code": "", "kind": "B2B", "amount": "1000.00"}  # fmt: skip
    page = collector.get(detail, query)
    body = page.content.decode()
    assert "répétée tous les 7 j, 2 fois ; à payer sous 10 j ; chargé en copie cachée" in body
    repeats = [(e.repeat, e.day) for e in page.context["entries"] if e.step.key == "early_notice"]
    # J-20 is Tuesday 10 February, then 7 days from each time it was done
    assert repeats == [(0, date(2026, 2, 10)), (1, date(2026, 2, 17)), (2, date(2026, 2, 24))]
    assert "répétition 2" in body
