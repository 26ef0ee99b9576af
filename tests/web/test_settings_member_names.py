"""Members' names, titles and phones: set by an administrator for anyone of the organisation,
and by each person for themselves; lists then name people rather than show addresses."""

from __future__ import annotations

from django.urls import reverse

from relance.accounts.models import AuditEvent, User
from relance.accounts.services import user_create
from relance.channels.compose import signer

JEANNE = {"first_name": " Jeanne ", "last_name": "Collet", "title": "Chargée de recouvrement",
          "phone": "+33 4 72 00 00 00"}  # fmt: skip


def url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def profile_of(email):
    user = User.objects.get(email=email)
    return user.first_name, user.last_name, user.title, user.phone


def test_an_administrator_names_a_member_who_then_signs_with_that_name(
    admin_client_org, collector, organisation
):
    member = User.objects.get(email="collector@atelier.example")
    target = url("settings_user_edit", organisation, user=member.uuid)
    assert 'value="Collet"' not in admin_client_org.get(target).content.decode()
    response = admin_client_org.post(target, JEANNE, follow=True)
    assert "Le profil de collector@atelier.example est enregistré." in response.content.decode()
    assert profile_of("collector@atelier.example") == (
        "Jeanne", "Collet", "Chargée de recouvrement", "+33 4 72 00 00 00"
    )  # fmt: skip
    event = AuditEvent.objects.get(action="user_profile", entity_id=str(member.uuid))
    assert event.actor.email == "admin@atelier.example"
    assert event.after["first_name"] == "Jeanne"
    signature = signer(organisation, User.objects.get(pk=member.pk))
    assert (signature.name, signature.title, signature.phone) == (
        "Jeanne Collet", "Chargée de recouvrement", "+33 4 72 00 00 00"
    )  # fmt: skip
    listing = admin_client_org.get(url("settings_users", organisation)).content.decode()
    assert "Jeanne Collet" in listing and "Rôle de Jeanne Collet" in listing


def test_a_malformed_phone_is_refused_and_nothing_changes(admin_client_org, collector,
                                                          organisation):  # fmt: skip
    member = User.objects.get(email="collector@atelier.example")
    response = admin_client_org.post(url("settings_user_edit", organisation, user=member.uuid),
                                     {**JEANNE, "phone": "appelez-moi"})  # fmt: skip
    assert response.status_code == 400
    assert "Téléphone « appelez-moi » invalide" in response.content.decode()
    assert profile_of("collector@atelier.example") == ("", "", "", "")
    assert not AuditEvent.objects.filter(action="user_profile").exists()


def test_only_administrators_name_others_and_only_their_own_members(
    admin_client_org, collector, viewer, organisation, other_organisation, actor
):
    member = User.objects.get(email="viewer@atelier.example")
    target = url("settings_user_edit", organisation, user=member.uuid)
    for client in (collector, viewer):
        assert client.get(target).status_code == 403
        assert client.post(target, JEANNE).status_code == 403
    stranger = user_create(email="ext@brasserie.example", organisation=other_organisation,
                           role="admin", password="mot de passe solide", actor=actor)  # fmt: skip
    elsewhere = url("settings_user_edit", organisation, user=stranger.uuid)
    assert admin_client_org.post(elsewhere, JEANNE).status_code == 404
    assert profile_of("viewer@atelier.example") == ("", "", "", "")
    assert profile_of("ext@brasserie.example") == ("", "", "", "")


def test_every_member_names_themselves_a_viewer_too(viewer, organisation):
    response = viewer.post(url("profile", organisation), JEANNE)
    assert response.status_code == 302
    assert profile_of("viewer@atelier.example")[:2] == ("Jeanne", "Collet")
    page = viewer.get(url("dashboard", organisation)).content.decode()
    assert '<span class="user-email">Jeanne Collet' in page
    # A viewer still changes nothing else.
    assert viewer.post(url("customers", organisation)).status_code in (403, 405)
