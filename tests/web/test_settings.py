"""Settings pages: organisation, sending, users and roles, business rules."""

from __future__ import annotations

import io
import re
from datetime import time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode
from PIL import Image

from relance.accounts.models import AuditEvent, Membership, Organisation, User
from relance.channels.email.domains import sending_domain_setup
from relance.channels.models import SendingDomain
from relance.dunning.models import DunningSettings


def url(name: str, organisation: Organisation, **kwargs: object) -> str:
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def png(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "PNG")
    return buffer.getvalue()


def profile(organisation: Organisation, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "legal_name": organisation.legal_name, "siren": "", "siret": "", "vat_number": "",
        "address_line1": "", "address_line2": "", "postal_code": "", "city": "",
        "iban": "", "bic": "", "timezone": organisation.timezone,
        "default_currency": organisation.default_currency, "sender_name": "",
        "sender_email": "",
    }  # fmt: skip
    data.update(changes)
    return data


RULES = {
    "min_gap_days": "10", "min_amount": "25.50", "promise_grace_days": "2",
    "window_start": "09:00", "window_end": "17:30", "track_opens": "on",
    "bank_freshness_days": "5", "portal_promise_max_days": "45",
    "portal_plans_allowed": "on", "portal_plan_max_instalments": "8",
    "portal_plan_min_instalment": "75.00", "portal_code_required": "on",
}  # fmt: skip


# --- who may come ------------------------------------------------------------------------


@pytest.fixture
def targets(organisation, actor):
    """Every settings URL, with the method it answers to."""
    sending_domain_setup(organisation=organisation, domain="atelier.example", actor=actor)
    member = Membership.objects.filter(organisation=organisation).first()
    someone = member.user.uuid if member else User.objects.create_user("x@y.example").uuid
    return [
        ("get", url("settings", organisation)),
        ("post", url("settings", organisation)),
        ("get", url("settings_logo", organisation)),
        ("get", url("settings_sending", organisation)),
        ("post", url("settings_sending", organisation)),
        ("post", url("settings_smtp_remove", organisation)),
        ("post", url("settings_smtp_test", organisation)),
        ("post", url("settings_domain_add", organisation)),
        ("post", url("settings_domain_rotate", organisation, domain="atelier.example")),
        ("get", url("settings_domain_check", organisation, domain="atelier.example")),
        ("get", url("settings_users", organisation)),
        ("post", url("settings_users", organisation)),
        ("post", url("settings_user_role", organisation, user=someone)),
        ("post", url("settings_user_remove", organisation, user=someone)),
        ("get", url("settings_rules", organisation)),
        ("post", url("settings_rules", organisation)),
    ]


@pytest.mark.parametrize("role", ["collector", "viewer"])
def test_settings_are_for_administrators_only(signed_in, organisation, targets, role):
    client = signed_in(organisation, role)
    for method, target in targets:
        response = getattr(client, method)(target, {"role": "admin", "domain": "x.example"})
        assert response.status_code == 403, (method, target)
    assert not SendingDomain.objects.filter(domain="x.example").exists()
    assert Membership.objects.filter(organisation=organisation, role="admin").count() == 0


def test_another_organisations_settings_and_objects_are_not_found(
    admin_client_org, organisation, other_organisation, signed_in, actor
):
    sending_domain_setup(organisation=other_organisation, domain="peeters.example", actor=actor)
    stranger = signed_in(other_organisation, "admin", email="admin@peeters.example")
    assert stranger.get(url("settings_users", other_organisation)).status_code == 200
    theirs = User.objects.get(email="admin@peeters.example").uuid
    assert admin_client_org.get(url("settings", other_organisation)).status_code == 404
    for method, target in [
        ("get", url("settings_domain_check", organisation, domain="peeters.example")),
        ("post", url("settings_domain_rotate", organisation, domain="peeters.example")),
        ("post", url("settings_user_role", organisation, user=theirs)),
        ("post", url("settings_user_remove", organisation, user=theirs)),
    ]:
        response = getattr(admin_client_org, method)(target, {"role": "viewer"})
        assert response.status_code == 404, target
    assert Membership.objects.get(user__uuid=theirs).role == "admin"


def test_actions_refuse_the_wrong_method(admin_client_org, organisation):
    assert admin_client_org.get(url("settings_smtp_test", organisation)).status_code == 405


def test_every_tab_shows_for_an_administrator(admin_client_org, organisation):
    for name in ("settings", "settings_sending", "settings_users", "settings_rules"):
        page = admin_client_org.get(url(name, organisation)).content.decode()
        assert 'aria-current="page"' in page and "Utilisateurs et rôles" in page
    nav = admin_client_org.get(url("dashboard", organisation)).content.decode()
    assert url("settings", organisation) in nav


# --- organisation ------------------------------------------------------------------------


def test_organisation_profile_is_saved_and_audited(admin_client_org, organisation):
    response = admin_client_org.post(url("settings", organisation), profile(
        organisation, legal_name="Atelier Dupont & Fils", siret="732 829 320 00074",
        iban="FR76 3000 6000 0112 3456 7890 189", bic="BNPAFRPP", city="Lyon",
        sender_email="Relances@Atelier.example", default_currency="eur",
    ))  # fmt: skip
    assert response.status_code == 302 and response.url == url("settings", organisation)
    organisation.refresh_from_db()
    assert organisation.legal_name == "Atelier Dupont & Fils"
    assert (organisation.siren, organisation.siret) == ("732829320", "73282932000074")
    assert organisation.iban == "FR7630006000011234567890189"
    assert organisation.sender_email == "relances@atelier.example"
    event = AuditEvent.objects.get(action="organisation_update")
    assert event.before["legal_name"] == "Atelier Dupont SAS"
    assert event.after["iban"] == "FR7630006000011234567890189"
    assert event.actor.email == "admin@atelier.example"
    page = admin_client_org.get(url("settings", organisation)).content.decode()
    assert "Atelier Dupont &amp; Fils" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("iban", "FR76 3000 6000 0112 3456 7890 188", "IBAN invalide"),
        ("siren", "732829321", "SIREN invalide"),
        ("siret", "73282932000075", "SIRET invalide"),
        ("vat_number", "FR00732829320", "TVA invalide"),
        ("bic", "NOTABIC!", "BIC invalide"),
        ("sender_email", "pas-une-adresse", "adresse de courriel valide"),
        ("legal_name", "", "obligatoire"),
        ("default_currency", "E1", "ISO 4217"),
    ],
)
def test_organisation_errors_are_explained_next_to_the_field(
    admin_client_org, organisation, field, value, message
):
    response = admin_client_org.post(url("settings", organisation), profile(
        organisation, **{field: value}
    ))  # fmt: skip
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not AuditEvent.objects.filter(action="organisation_update").exists()


def test_identifiers_of_the_other_country_are_not_offered(admin_client_org, organisation):
    page = admin_client_org.get(url("settings", organisation)).content.decode()
    assert 'name="siren"' in page and 'name="enterprise_number"' not in page


def test_siret_must_belong_to_the_siren(admin_client_org, organisation):
    response = admin_client_org.post(url("settings", organisation), profile(
        organisation, siren="732829320", siret="44306184100047",
    ))  # fmt: skip
    assert response.status_code == 400
    assert "ne commence pas par le SIREN" in response.content.decode()


def test_logo_upload_replace_and_remove(
    admin_client_org, organisation, django_capture_on_commit_callbacks
):
    target = url("settings", organisation)
    logo = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    assert admin_client_org.post(target, profile(organisation, logo=logo)).status_code == 302
    organisation.refresh_from_db()
    first = organisation.logo.name
    assert first.startswith("logos/") and first.endswith(".png")
    served = admin_client_org.get(url("settings_logo", organisation))
    assert served["Content-Type"] == "image/png" and served.content == png()
    jpeg = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(jpeg, "JPEG")
    replacement = SimpleUploadedFile("new.jpeg", jpeg.getvalue(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_org.post(target, profile(organisation, logo=replacement))
    organisation.refresh_from_db()
    assert organisation.logo.name.endswith(".jpg")
    assert not organisation.logo.storage.exists(first)  # the old file does not linger
    admin_client_org.post(target, profile(organisation, logo_remove="on"))
    organisation.refresh_from_db()
    assert not organisation.logo
    assert admin_client_org.get(url("settings_logo", organisation)).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.png", b"", "Le fichier du logo est vide."),
        ("fake.png", b"<svg onload=alert(1)></svg>", "pas une image lisible"),
        ("big.png", b"\x89PNG" + b"0" * (1024 * 1024 + 1), "1 Mo"),
    ],
)
def test_bad_logos_are_refused(admin_client_org, organisation, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = admin_client_org.post(url("settings", organisation), profile(
        organisation, logo=upload
    ))  # fmt: skip
    assert response.status_code == 400
    assert message in response.content.decode()
    organisation.refresh_from_db()
    assert not organisation.logo


# --- business rules ----------------------------------------------------------------------


def test_business_rules_are_saved_and_audited(admin_client_org, organisation):
    DunningSettings.objects.filter(organisation=organisation).delete()  # the defaults
    response = admin_client_org.post(url("settings_rules", organisation), RULES)
    assert response.status_code == 302
    rules = DunningSettings.objects.get(organisation=organisation)
    assert (rules.min_gap_days, rules.min_amount, rules.promise_grace_days) == (
        10,
        Decimal("25.50"),
        2,
    )
    assert (rules.window_start, rules.window_end, rules.track_opens) == (
        time(9, 0),
        time(17, 30),
        True,
    )
    assert rules.bank_freshness_days == 5
    assert (rules.portal_promise_max_days, rules.portal_plans_allowed,
            rules.portal_plan_max_instalments, rules.portal_plan_min_instalment,
            rules.portal_code_required) == (45, True, 8, Decimal("75.00"), True)  # fmt: skip
    event = AuditEvent.objects.get(action="dunning_settings_update")
    assert event.after["portal_code_required"] is True
    assert event.before["window_start"] == "08:30:00" and event.after["track_opens"] is True
    assert (event.before["bank_freshness_days"], event.after["bank_freshness_days"]) == (3, 5)
    page = admin_client_org.get(url("settings_rules", organisation)).content.decode()
    assert 'value="09:00"' in page and "RGPD" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"window_end": "08:00"}, "après son début"),
        ({"window_end": "09:00"}, "après son début"),
        ({"min_amount": "-1"}, "ne peut pas être négatif"),
        ({"min_amount": "1.000"}, "Montant ambigu"),
        ({"min_gap_days": "400"}, "inférieure ou égale à 90"),
        ({"portal_plan_max_instalments": "1"}, "supérieure ou égale à 2"),
        ({"portal_promise_max_days": "0"}, "supérieure ou égale à 1"),
    ],
)
def test_business_rules_errors(admin_client_org, organisation, changes, message):
    response = admin_client_org.post(url("settings_rules", organisation), {**RULES, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action="dunning_settings_update").exists()


# --- users and roles ---------------------------------------------------------------------


def test_inviting_a_new_person_sends_a_link_to_choose_a_password(
    admin_client_org, organisation, smtp_server, client
):
    response = admin_client_org.post(url("settings_users", organisation), {
        "email": "Camille@Atelier.example", "role": "collector"
    })  # fmt: skip
    assert response.status_code == 302
    camille = User.objects.get(email="camille@atelier.example")
    assert not camille.has_usable_password()
    assert Membership.objects.get(user=camille, organisation=organisation).role == "collector"
    [mail] = smtp_server.messages
    assert mail["To"] == "camille@atelier.example" and "Atelier Dupont SAS" in mail["Subject"]
    body = mail.get_content()
    link = urlsplit(re.search(r"https?://\S+/password-reset/\S+/", body).group(0)).path
    uid = link.split("/")[2]
    assert urlsafe_base64_decode(uid).decode() == camille.uuid.hex  # never the database id
    chosen = client.get(link, follow=True)
    assert chosen.status_code == 200 and chosen.context["validlink"]
    new = "cHoisi-par-camille-2026"
    done = client.post(chosen.redirect_chain[-1][0], {
        "new_password1": new, "new_password2": new
    })  # fmt: skip
    assert done.status_code == 302
    assert client.login(username="camille@atelier.example", password=new)
    event = AuditEvent.objects.get(action="membership_set", entity_id=str(camille.uuid))
    assert event.after == {"email": "camille@atelier.example", "role": "collector"}


def test_inviting_an_existing_member_again_is_refused(admin_client_org, organisation):
    response = admin_client_org.post(url("settings_users", organisation), {
        "email": "admin@atelier.example", "role": "viewer"
    })  # fmt: skip
    assert response.status_code == 400 and "déjà membre" in response.content.decode()


def test_changing_a_role_and_removing_a_member(admin_client_org, organisation, signed_in):
    signed_in(organisation, "collector")
    camille = User.objects.get(email="collector@atelier.example")
    admin_client_org.post(url("settings_user_role", organisation, user=camille.uuid),
                          {"role": "viewer"})  # fmt: skip
    assert Membership.objects.get(user=camille).role == "viewer"
    event = AuditEvent.objects.get(action="membership_role_set")
    assert (event.before["role"], event.after["role"]) == ("collector", "viewer")
    admin_client_org.post(url("settings_user_remove", organisation, user=camille.uuid))
    assert not Membership.objects.filter(user=camille).exists()
    assert User.objects.filter(pk=camille.pk).exists()
    assert AuditEvent.objects.filter(action="membership_remove").count() == 1


def test_the_last_administrator_can_neither_leave_nor_be_demoted(
    admin_client_org, organisation, signed_in
):
    me = User.objects.get(email="admin@atelier.example")
    page = admin_client_org.get(url("settings_users", organisation)).content.decode()
    assert "dernier administrateur" in page
    demoted = admin_client_org.post(
        url("settings_user_role", organisation, user=me.uuid), {"role": "viewer"}, follow=True
    )
    assert "dernier administrateur" in demoted.content.decode()
    admin_client_org.post(url("settings_user_remove", organisation, user=me.uuid))
    assert Membership.objects.get(user=me, organisation=organisation).role == "admin"
    # With a second administrator, the first may step down.
    signed_in(organisation, "admin", email="second@atelier.example")
    response = admin_client_org.post(
        url("settings_user_role", organisation, user=me.uuid), {"role": "collector"}
    )
    assert response.url == url("dashboard", organisation)
    assert Membership.objects.get(user=me, organisation=organisation).role == "collector"
