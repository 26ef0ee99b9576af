"""Organisations (tenants), their users and roles, and the audit trail."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    FR = "FR", _("France")
    BE = "BE", _("Belgique")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    COLLECTOR = "collector", _("Chargé de recouvrement")
    VIEWER = "viewer", _("Lecteur")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("adresse e-mail", unique=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(
        "langue de l'interface",
        max_length=5,
        blank=True,
        help_text="Vide : la langue du navigateur, à défaut le français.",
    )
    # Printed under the name that signs letters and formal notices.
    title = models.CharField("fonction", max_length=100, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    def __str__(self) -> str:
        return self.email


class Organisation(models.Model):
    """A company whose receivables relance collects; every business row belongs to one."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(unique=True, max_length=50)
    legal_name = models.CharField("raison sociale", max_length=200)
    country = models.CharField("pays", max_length=2, choices=Country.choices)
    siren = models.CharField(max_length=9, blank=True)
    siret = models.CharField(max_length=14, blank=True)
    vat_number = models.CharField("n° de TVA", max_length=20, blank=True)
    enterprise_number = models.CharField("n° d'entreprise (BE)", max_length=10, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    timezone = models.CharField("fuseau horaire", max_length=64, default="Europe/Paris")
    default_currency = models.CharField(max_length=3, default="EUR")
    logo = models.FileField(upload_to="logos/", blank=True)
    sender_name = models.CharField("nom d'expéditeur", max_length=200, blank=True)
    sender_email = models.EmailField("e-mail d'expédition", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    # The Monday e-mail of a collector's week (``relance.reports.digest``); each person may
    # turn it off for each organisation on their own profile page.
    weekly_digest = models.BooleanField("résumé hebdomadaire", default=True, db_default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class AuditEvent(models.Model):
    """Who did what, when, with the values before and after. Append-only."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_events"
    )
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    # Who acted when no user did: "cli", "import <batch uuid>", "demo", "daily run".
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60)
    entity_type = models.CharField(max_length=60)
    entity_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "entity_type", "entity_id"]),
        ]
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.entity_type} {self.entity_id}"


class SignInFailure(models.Model):
    """A failed sign-in, kept for a day: enough failures lock the e-mail (or the address).

    Kept in the database, not in a cache, because several threads and machines serve the
    same site: they all have to see the same count. No link to a user: failures for unknown
    e-mails count the same way, so the lock does not reveal whether an account exists.
    """

    email = models.CharField(max_length=254)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["email", "at"]),
            models.Index(fields=["ip", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.email} {self.ip or '-'}"


class PasswordResetRequest(models.Model):
    """A request for a password link, kept for a day: enough of them for one e-mail (or from
    one network address) within the hour hold the next ones.

    Written the same way whether an account has that e-mail or not; whether one has is only
    looked up after the answer, by the thread that sends the link (``handled_at``).
    """

    email = models.CharField(max_length=254)
    ip = models.GenericIPAddressField(null=True, blank=True)
    language = models.CharField(max_length=5, blank=True)
    at = models.DateTimeField()
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["email", "at"]),
            models.Index(fields=["ip", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.email} {self.ip or '-'}"
