"""Labels in the reader's language, the language menu, the header, the users page, invitation
links, DNS records ready to copy, the time-zone list and the order of a customer's history."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from relance.accounts.models import AuditEvent, User
from relance.channels.email.domains import sending_domain_setup
from relance.dunning.labels import as_words, labels_of, step_label
from relance.dunning.models import Scenario
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.dunning.segments import segments_ensure_defaults
from relance.ledger.models import Note
from relance.web.customers.timeline import customer_timeline
from relance.web.settings_pages.forms import SERVED_ZONES, OrganisationForm
from tests.web.ledger_data import customer


def url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def english(user_email: str) -> None:
    User.objects.filter(email=user_email).update(language="en")


# --- labels -----------------------------------------------------------------------------------


def test_labels_name_shipped_keys_in_the_readers_language_and_keep_the_organisations_own(
    organisation,
):
    scenarios_ensure_presets(organisation)
    segments_ensure_defaults(organisation)
    Scenario.objects.filter(organisation=organisation, key="vip").update(name="Grands comptes")
    with CaptureQueriesContext(connection) as queries:
        labels = labels_of(organisation)
    assert len(queries) == 1  # one query a page, whatever the number of rows shown
    with translation.override("en"):
        assert labels.scenario("bad_payer") == "Bad payer"
        assert labels.segment("vip") == "Preferred customer"
        assert labels.scenario("vip") == "Grands comptes"  # renamed: the organisation's words
        assert step_label("last_warning") == "Final warning"
        assert labels.channel("formal_notice") == "Formal notice (registered letter)"
    with translation.override("fr"):
        assert labels.scenario("bad_payer") == "Mauvais payeur"
        assert step_label("reminder_1") == "Première relance"
    # An organisation's own keys read as words; nothing stays nothing.
    assert step_label("relance_3") == as_words("relance_3") == "Relance 3"
    assert labels.segment("") == "" and step_label("") == ""


def test_a_customers_history_names_steps_scenarios_and_segments(collector, organisation, actor):
    from relance.dunning.services import customer_scenario_set

    scenarios_ensure_presets(organisation)
    garage = customer(organisation, actor, "C1", "Garage Martin")
    vip = Scenario.objects.get(organisation=organisation, key="vip")
    customer_scenario_set(customer=garage, scenario=vip, actor=actor)
    AuditEvent.objects.create(
        organisation=organisation, at=timezone.now(), action="customer_segment",
        entity_type="customer", entity_id=str(garage.uuid), before={"segment": "standard"},
        after={"segment": "bad_payer", "reasons": []},
    )  # fmt: skip
    english(f"collector@{organisation.slug}.example")
    page = collector.get(url("customer", organisation, customer=garage.uuid),
                         {"tab": "timeline"}).content.decode()  # fmt: skip
    assert "Scenario: VIP" in page or "Scénario : VIP" in page
    assert "Standard → Bad payer" in page
    assert "bad_payer" not in re.sub(r"<[^>]+>", "", page)


# --- languages --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_language_menu_names_each_language_in_its_own_words(signed_in, organisation, language):
    client = signed_in(organisation, "viewer")
    english_or_not = "en" if language == "en" else "fr"
    User.objects.filter(email=f"viewer@{organisation.slug}.example").update(language=english_or_not)
    page = client.get(url("dashboard", organisation)).content.decode()
    menu = page[page.index('id="language-switch"') : page.index("</select>")]
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', menu)
    assert options == [("fr", "Français"), ("en", "English")]


def test_a_service_refusal_is_shown_in_the_readers_language(collector, organisation, actor):
    garage = customer(organisation, actor, "C1", "Garage Martin")
    english(f"collector@{organisation.slug}.example")
    pause = url("customer_pause", organisation, customer=garage.uuid)
    collector.post(pause, {"reason": "Liquidation"})
    page = collector.post(pause, {"reason": "Encore"}, follow=True).content.decode()
    assert "Reminders to this customer are already paused." in page
    assert "déjà suspendues" not in page


# --- header, favicon, users -------------------------------------------------------------------


def test_every_page_names_its_icon_and_the_icon_exists(collector, organisation, client):
    page = collector.get(url("dashboard", organisation)).content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon and icon.group(1).endswith("relance/favicon.svg")
    assert finders.find("relance/favicon.svg")
    response = client.get("/favicon.ico")  # asked by browsers on pages naming no icon
    assert response.status_code == 301 and response.url.endswith("relance/favicon.svg")


@pytest.mark.parametrize(
    ("staff", "superuser", "shown"),
    [(False, False, False), (True, False, False), (True, True, True)],
)
def test_the_administration_link_is_for_staff_superusers_only(
    signed_in, organisation, staff, superuser, shown
):
    client = signed_in(organisation, "admin")
    User.objects.filter(email=f"admin@{organisation.slug}.example").update(
        is_staff=staff, is_superuser=superuser
    )
    page = client.get(url("dashboard", organisation)).content.decode()
    assert (reverse("admin:index") in page) is shown


def test_the_users_page_lists_names(admin_client_org, organisation):
    User.objects.filter(email=f"admin@{organisation.slug}.example").update(
        first_name="Claire", last_name="Dupont"
    )
    page = admin_client_org.get(url("settings_users", organisation)).content.decode()
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert re.search(r">Claire Dupont<span class=\"sr-only\">.*</td>\s*<td>—</td>\s*"
                     r"<td>admin@atelier\.example", row)  # fmt: skip


def test_the_minimum_gap_help_gives_its_number(admin_client_org, organisation):
    from relance.dunning.models import DunningSettings

    DunningSettings.objects.filter(organisation=organisation).update(min_gap_days=9)
    page = admin_client_org.get(url("settings_rules", organisation)).content.decode()
    assert "à moins de 9 jours d&#x27;écart" in page or "à moins de 9 jours d'écart" in page


# --- invitations ------------------------------------------------------------------------------


def _invitation_link(admin_client_org, organisation, smtp_server, **extra) -> str:
    response = admin_client_org.post(
        url("settings_users", organisation), {"email": "camille@atelier.example",
                                              "role": "collector"}, **extra,
    )  # fmt: skip
    assert response.status_code == 302
    [mail] = smtp_server.messages
    found = re.search(r"https?://\S+/password-reset/\S+/", mail.get_content())
    assert found
    return found.group(0)


def test_an_invitation_links_to_the_address_the_admin_uses(
    admin_client_org, organisation, smtp_server, settings
):
    settings.RELANCE_ADDRESS_CONFIGURED = False
    settings.ALLOWED_HOSTS = ["relance.atelier.example"]
    link = _invitation_link(admin_client_org, organisation, smtp_server,
                            HTTP_HOST="relance.atelier.example", secure=True)  # fmt: skip
    assert urlsplit(link).netloc == "relance.atelier.example" and link.startswith("https://")


def test_an_invitation_links_to_the_configured_address(
    admin_client_org, organisation, smtp_server, settings
):
    settings.RELANCE_ADDRESS_CONFIGURED = True
    settings.RELANCE_BASE_URL = "https://relances.example.com"
    settings.ALLOWED_HOSTS = ["elsewhere.example"]
    link = _invitation_link(admin_client_org, organisation, smtp_server,
                            HTTP_HOST="elsewhere.example")  # fmt: skip
    assert link.startswith("https://relances.example.com/password-reset/")


def test_a_forged_host_sends_no_invitation(admin_client_org, organisation, smtp_server, settings):
    settings.RELANCE_ADDRESS_CONFIGURED = False
    settings.ALLOWED_HOSTS = ["relance.atelier.example"]
    response = admin_client_org.post(
        url("settings_users", organisation), {"email": "camille@atelier.example",
                                              "role": "collector"},
        HTTP_HOST="evil.example",
    )  # fmt: skip
    assert response.status_code == 400
    assert not smtp_server.messages and not User.objects.filter(email="camille@atelier.example")


# --- DNS records --------------------------------------------------------------------------------


def test_dns_records_are_complete_and_each_has_copy_buttons(
    admin_client_org, organisation, settings, actor
):
    settings.EMAIL_HOST = "smtp-relay.brevo.com"
    domain, (name, _value) = sending_domain_setup(organisation=organisation,
                                                 domain="atelier.example", actor=actor)  # fmt: skip
    page = admin_client_org.get(url("settings_sending", organisation)).content.decode()
    assert "v=spf1 include:spf.brevo.com ~all" in page
    assert "&lt;" not in page[page.index("sending-domain") :].split("</table>")[0]
    copied = re.findall(r'data-copy="([^"]+)"', page)
    assert "v=spf1 include:spf.brevo.com ~all" in copied and name in copied
    assert f"_dmarc.{domain.domain}" in copied and len(copied) == 6
    assert "relance/copy.js" in page and finders.find("relance/copy.js")


def test_without_a_sending_server_the_spf_record_is_explained_in_words(
    admin_client_org, organisation, settings, actor
):
    settings.EMAIL_HOST = "localhost"
    sending_domain_setup(organisation=organisation, domain="atelier.example", actor=actor)
    page = admin_client_org.get(url("settings_sending", organisation)).content.decode()
    records = page[page.index("sending-domain") :].split("</table>")[0]
    assert "votre-fournisseur" not in records and "v=spf1" not in records
    assert "Le serveur d&#x27;envoi n&#x27;est pas encore connu" in page


# --- time zones ---------------------------------------------------------------------------------


def test_the_time_zones_of_the_served_countries_come_first_and_every_zone_stays_valid(
    organisation,
):
    form = OrganisationForm(organisation=organisation)
    field = form.fields["timezone"]
    assert isinstance(field, forms.ChoiceField)
    choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
    group, first_zones = choices[0]
    assert str(group) == "Fuseaux courants"
    assert [zone for zone, _label in first_zones][:4] == list(SERVED_ZONES[:4])
    assert len(first_zones) < 30  # the short list; the others wait in their regions
    everything = [zone for _group, zones in choices for zone, _label in zones]
    assert len(everything) == len(set(everything)) > 400
    assert field.valid_value("Asia/Tokyo") and field.valid_value("Europe/Brussels")
    assert not field.valid_value("Mars/Olympus")


# --- the history's order --------------------------------------------------------------------------


def test_events_of_one_day_are_ordered_by_time_then_row(organisation, actor):
    garage = customer(organisation, actor, "C1", "Garage Martin")
    moment = timezone.make_aware(datetime(2026, 3, 2, 10, 0))
    same, later = (
        [Note.objects.create(organisation=organisation, customer=garage, text=f"même {n}",
                             created_at=moment) for n in range(3)],
        Note.objects.create(organisation=organisation, customer=garage, text="plus tard",
                            created_at=moment + timedelta(minutes=5)),
    )  # fmt: skip
    assert len(same) == 3 and later.pk
    shown = [
        [event.detail for event in customer_timeline(
            garage, org=organisation.slug, limit=10, today=moment.date()).events
         if event.kind == "note"]
        for _ in range(2)
    ]  # fmt: skip
    assert shown[0] == shown[1] == ["plus tard", "même 2", "même 1", "même 0"]
