"""The organisation's audit trail in the settings: administrators read it page by page and
export it as CSV; nobody else, and never another organisation's."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from relance.accounts.audit import Actor, audit_record, audit_record_many
from relance.accounts.clock import local_day
from relance.accounts.models import Organisation
from relance.ledger.services import customer_create
from relance.web.settings_pages import audit as audit_page


def url(name: str, organisation: Organisation) -> str:
    return reverse(name, kwargs={"org": organisation.slug})


def text(response) -> str:
    return str(response.content.decode())


def rates(organisation, changes) -> None:
    audit_record_many(organisation=organisation, actor=Actor.system("test"), action="rate_added",
                      entity_type="rate", changes=changes)  # fmt: skip


@pytest.fixture
def events(organisation, other_organisation):
    actor = Actor.system("test")
    customer = customer_create(organisation=organisation, external_ref="K1", name="Garage",
                               actor=actor)  # fmt: skip
    audit_record(organisation=organisation, actor=Actor.system("=cmd|calc"), action="note_add",
                 entity_type="customer", entity_id=str(customer.uuid),
                 after={"text": "Rappeler lundi"})  # fmt: skip
    audit_record(organisation=other_organisation, actor=actor, action="note_add",
                 entity_type="customer", entity_id="étrangère",
                 after={"text": "Secret"})  # fmt: skip
    return customer


def test_an_administrator_reads_the_trail_newest_first_with_a_link_to_the_customer(
    admin_client_org, organisation, events
):
    page = text(admin_client_org.get(url("settings_audit", organisation)))
    assert "Journal d&#x27;audit" in page or "Journal d'audit" in page
    rows = page.split("<tbody>")[1]
    assert rows.index("Note ajoutée") < rows.index("Client créé")  # newest first, in words
    assert "note_add" not in rows
    assert reverse("customer", kwargs={"org": organisation.slug, "customer": events.uuid}) in page
    assert "Rappeler lundi" in page and "Secret" not in page


def test_the_trail_filters_by_action_and_pages_back_in_time(
    admin_client_org, organisation, events, monkeypatch
):
    monkeypatch.setattr(audit_page, "PER_PAGE", 2)
    rates(organisation, [(f"r{n}", None, {"n": n}) for n in range(5)])
    first = text(admin_client_org.get(url("settings_audit", organisation) + "?action=rate_added"))
    rows = first.split("<tbody>")[1]
    assert "r4" in rows and "r3" in rows and "r2" not in rows and "Note ajoutée" not in rows
    assert '<option value="rate_added" selected>Taux légal ajouté</option>' in first
    older = first.split("before=")[1].split('"')[0]
    second = text(admin_client_org.get(
        url("settings_audit", organisation) + f"?action=rate_added&before={older}"))  # fmt: skip
    assert "r2" in second and "r1" in second and "r4" not in second
    assert "Les plus récents" in second
    # A malformed filter is ignored, not an error.
    assert admin_client_org.get(url("settings_audit", organisation) + "?action=x'--&before=z")\
        .status_code == 200  # fmt: skip


def test_the_export_holds_every_event_of_this_organisation_as_text(
    admin_client_org, organisation, events
):
    response = admin_client_org.get(url("settings_audit_export", organisation))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    day = local_day(organisation).isoformat()
    name = f"journal-atelier-tout-{day}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == ["at", "actor", "action", "action_label", "entity_type", "entity_id",
                       "before", "after"]  # fmt: skip
    assert [row[2:4] for row in rows[1:]][-2:] == [["customer_create", "Client créé"],
                                                   ["note_add", "Note ajoutée"]]  # fmt: skip
    note = rows[-1]
    assert note[1] == "'=cmd|calc"  # never read as a formula
    assert (note[5], note[7]) == (str(events.uuid), '{"text": "Rappeler lundi"}')
    assert "Secret" not in body
    only = admin_client_org.get(url("settings_audit_export", organisation) + "?action=note_add")
    assert len(b"".join(only.streaming_content).decode().splitlines()) == 2


def test_only_administrators_read_or_export_it(collector, viewer, organisation, events):
    for client in (collector, viewer):
        for name in ("settings_audit", "settings_audit_export"):
            assert client.get(url(name, organisation)).status_code == 403


def test_the_page_reads_in_a_fixed_number_of_queries(
    admin_client_org, organisation, events, django_assert_max_num_queries
):
    admin_client_org.get(url("settings_audit", organisation))
    rates(organisation, [(f"r{n}", None, None) for n in range(150)])
    with django_assert_max_num_queries(8):
        assert admin_client_org.get(url("settings_audit", organisation)).status_code == 200


def test_the_export_words_follow_the_readers_language_and_unknown_codes_read_as_words(
    admin_client_org, organisation, events
):
    audit_record(organisation=organisation, actor=Actor.system("test"), action="old_thing_done",
                 entity_type="organisation", entity_id=str(organisation.uuid))  # fmt: skip
    admin_client_org.post(reverse("language_set"), {"language": "en"})
    response = admin_client_org.get(url("settings_audit_export", organisation))
    body = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert [row[2:4] for row in rows[1:]][-3:] == [
        ["customer_create", "Customer created"],
        ["note_add", "Note added"],
        ["old_thing_done", "Old thing done"],
    ]
    page = text(admin_client_org.get(url("settings_audit", organisation)))
    assert "<td>Note added</td>" in page and "<td>Old thing done</td>" in page
