"""Changing an organisation's profile, and who has which role in it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from relance.accounts.audit import Actor
from relance.accounts.models import AuditEvent, Membership, User
from relance.accounts.services import (
    AccountError,
    logo_check,
    membership_invite,
    membership_remove,
    membership_role_set,
    organisation_update,
    user_create,
)


def image(kind: str = "PNG", size: tuple[int, int] = (6, 6), name: str = "logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue())


def update(organisation, actor, **changes):
    fields = {"legal_name": organisation.legal_name, "timezone": organisation.timezone,
              "default_currency": organisation.default_currency}  # fmt: skip
    fields.update(changes)
    return organisation_update(organisation=organisation, actor=actor, **fields)


def test_update_records_only_what_changed(organisation, actor):
    update(organisation, actor, city="Lyon", siret="73282932000074")
    event = AuditEvent.objects.get(action="organisation_update")
    assert event.before == {"city": "", "siren": "", "siret": ""}
    assert event.after == {"city": "Lyon", "siren": "732829320", "siret": "73282932000074"}
    update(organisation, actor, city="Lyon", siret="73282932000074")
    assert AuditEvent.objects.filter(action="organisation_update").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"iban": "FR7630006000011234567890188"}, "IBAN invalide"),
        ({"enterprise_number": "0403170701"}, "organisations belges"),
        ({"siren": "732829320", "siret": "44306184100047"}, "ne commence pas"),
        ({"timezone": "Mars/Olympus"}, "Fuseau horaire"),
        ({"default_currency": "euro"}, "Devise"),
        ({"legal_name": "  "}, "obligatoire"),
    ],
)
def test_update_refuses_bad_values_and_changes_nothing(organisation, actor, changes, message):
    with pytest.raises(AccountError, match=message):
        update(organisation, actor, city="Lyon", **changes)
    organisation.refresh_from_db()
    assert organisation.city == ""
    assert not AuditEvent.objects.filter(action="organisation_update").exists()


def test_a_belgian_organisation_gets_no_siren(other_organisation, actor):
    with pytest.raises(AccountError, match="organisations françaises"):
        update(other_organisation, actor, siren="732829320")
    update(other_organisation, actor, enterprise_number="0403.170.701")
    assert other_organisation.enterprise_number == "0403170701"


def test_logo_is_checked_by_its_content(organisation, actor):
    assert logo_check(image()) == ".png"
    assert logo_check(image("JPEG", name="photo.png")) == ".jpg"  # the content decides
    for bad, message in [
        (SimpleUploadedFile("vide.png", b""), "vide"),
        (SimpleUploadedFile("x.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "lisible"),
        (image("BMP", name="x.bmp"), "PNG, JPEG, GIF ou WebP"),
        (image(size=(4001, 2)), "4000 pixels"),
    ]:
        with pytest.raises(AccountError, match=message):
            logo_check(bad)
    update(organisation, actor, logo=image())
    assert organisation.logo.name.endswith(".png")
    assert AuditEvent.objects.get(action="organisation_update").after["logo"].startswith("logos/")


@pytest.fixture
def admin(organisation, actor) -> User:
    return user_create(email="admin@atelier.example", organisation=organisation, role="admin",
                       password="x", actor=actor)  # fmt: skip


def test_the_last_administrator_stays(organisation, actor, admin):
    membership = Membership.objects.get(user=admin)
    with pytest.raises(AccountError, match="dernier administrateur"):
        membership_role_set(membership=membership, role="collector", actor=actor)
    with pytest.raises(AccountError, match="dernier administrateur"):
        membership_remove(membership=membership, actor=actor)
    assert Membership.objects.get(user=admin).role == "admin"
    other = user_create(email="b@atelier.example", organisation=organisation, role="admin",
                        actor=actor)  # fmt: skip
    membership_role_set(membership=membership, role="viewer", actor=Actor(user=other))
    event = AuditEvent.objects.get(action="membership_role_set")
    assert event.actor == other and event.after == {"email": admin.email, "role": "viewer"}
    last = Membership.objects.get(user=other)
    with pytest.raises(AccountError, match="dernier administrateur"):
        membership_remove(membership=last, actor=actor)


def test_an_unknown_role_is_refused(organisation, actor, admin):
    with pytest.raises(AccountError, match="inconnu"):
        membership_role_set(membership=Membership.objects.get(user=admin), role="boss",
                            actor=actor)  # fmt: skip


def test_removing_keeps_the_account_and_the_audit_trail(organisation, actor, admin):
    viewer = user_create(email="v@atelier.example", organisation=organisation, role="viewer",
                         actor=actor)  # fmt: skip
    membership_remove(membership=Membership.objects.get(user=viewer), actor=actor)
    assert User.objects.filter(pk=viewer.pk).exists()
    assert not Membership.objects.filter(user=viewer).exists()
    event = AuditEvent.objects.get(action="membership_remove")
    assert event.before == {"email": "v@atelier.example", "role": "viewer"}


def test_invite_tells_a_known_person_to_sign_in(organisation, other_organisation, actor,
                                                smtp_server):  # fmt: skip
    user_create(email="known@example.org", organisation=other_organisation, role="viewer",
                password="déjà choisi", actor=actor)  # fmt: skip
    user, mailed = membership_invite(organisation=organisation, email="Known@Example.org",
                                     role="collector", actor=actor)  # fmt: skip
    assert mailed and user.check_password("déjà choisi")
    body = smtp_server.messages[0].get_content()
    assert "/login/" in body and "password-reset" not in body
    with pytest.raises(AccountError, match="déjà membre"):
        membership_invite(organisation=organisation, email="known@example.org", role="viewer",
                          actor=actor)  # fmt: skip


def test_invite_gives_access_even_when_the_mail_server_is_down(organisation, actor, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    user, mailed = membership_invite(organisation=organisation, email="new@example.org",
                                     role="viewer", actor=actor)  # fmt: skip
    assert not mailed
    assert Membership.objects.get(user=user, organisation=organisation).role == "viewer"
