"""The outbox: every outgoing message, stored with its exact content before it leaves."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation
from relance.dunning.models import Reminder
from relance.ledger.models import Customer


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec, nouvel essai prévu")
    DEAD = "dead", _("Échec définitif")
    CANCELLED = "cancelled", _("Annulé")
    # The sender stopped between handing the message over and recording it: it may have left.
    # Never retried automatically (it could go twice); a person decides.
    UNCERTAIN = "uncertain", _("Envoi incertain")


class OutboundMessage(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="messages")
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="message"
    )
    channel = models.CharField(max_length=20, default="email")
    status = models.CharField(
        max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    sender = models.CharField(max_length=320)
    reply_to = models.CharField(max_length=320, blank=True)
    recipients = models.JSONField(default=list)
    copy_to = models.JSONField(default=list, blank=True)
    # Blind copies: envelope recipients only, never in a header.
    blind_copy = models.JSONField(default=list, db_default=[], blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, unique=True)
    # Threading: earlier messages to the same customer, so reminders and replies stay together.
    references = models.TextField(blank=True)
    content_sha256 = models.CharField(max_length=64)
    attachments = models.JSONField(default=list, blank=True)  # [{name, sha256, size}]
    # (instalment id, outstanding when rendered): checked again just before sending.
    items = models.JSONField(default=list)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["organisation", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.status})"


class SendingDomain(models.Model):
    """A domain an organisation sends from, with its DKIM key (private part sealed)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sending_domains"
    )
    domain = models.CharField(max_length=253)
    dkim_selector = models.SlugField(max_length=63, default="relance")
    dkim_private_key = models.TextField()  # sealed with relance.lib.sealed
    dkim_public_key = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organisation", "domain"], name="sending_domain"),
        ]

    def __str__(self) -> str:
        return self.domain


class SmtpSettings(models.Model):
    """An organisation's own SMTP server; without it, EMAIL_URL is used."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="smtp"
    )
    host = models.CharField(max_length=253)
    port = models.PositiveIntegerField(default=587)
    username = models.CharField(max_length=254, blank=True)
    password = models.TextField(blank=True)  # sealed with relance.lib.sealed
    use_tls = models.BooleanField("STARTTLS", default=True)
    use_ssl = models.BooleanField("SSL/TLS", default=False)

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


class PostalDispatch(models.Model):
    """A letter or formal notice printed for a reminder, and its registered-mail tracking."""

    reminder = models.OneToOneField(
        Reminder, on_delete=models.CASCADE, primary_key=True, related_name="dispatch"
    )
    pdf_sha256 = models.CharField(max_length=64)
    # The exact PDF printed (checked against pdf_sha256 when read): the very document posted.
    pdf = models.FileField(upload_to="letters/", max_length=300, blank=True)
    printed_on = models.DateField()
    registered_number = models.CharField("n° de recommandé", max_length=40, blank=True)
    posted_on = models.DateField("posté le", null=True, blank=True)
    acknowledged_on = models.DateField("accusé de réception le", null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.reminder_id} {self.registered_number or '-'}"


class DeliveryEventKind(models.TextChoices):
    BOUNCED = "bounced", _("Rejeté par le serveur du destinataire")
    OPENED = "opened", _("Ouvert")
    REPLIED = "replied", _("Réponse reçue")


class DeliveryEvent(models.Model):
    """What happened to a message after it left: bounce, open, reply."""

    message = models.ForeignKey(
        OutboundMessage, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=20, choices=DeliveryEventKind.choices)
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)
    # The bounce or reply report this event came from (provider's event id, else SHA-256 of
    # the raw report): unique, so a report posted or read again records nothing more, even
    # when two copies arrive at the same moment. Empty (NULL) for opens.
    report_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # A reply's task on the collector's to-do ("Répondre sous 24 h").
    request = models.ForeignKey(
        "dunning.DebtorRequest", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["message", "kind"])]

    def __str__(self) -> str:
        return f"{self.message_id} {self.kind}"


class SmsOptOut(models.Model):
    """A number that asked (STOP) to receive no more SMS from an organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    phone = models.CharField("téléphone (E.164)", max_length=16)
    source = models.CharField(max_length=20)  # "sms" (STOP reply) | "manual"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organisation", "phone"], name="sms_opt_out_unique"),
        ]

    def __str__(self) -> str:
        return self.phone


class MessageTemplate(models.Model):
    """An organisation's own wording of a named template in one language.

    ``key`` is the template's name, the one steps give (``ScenarioStep.template``). With the
    name of a shipped default (``relance/channels/templating/defaults``) it replaces it; with a
    new name it is the organisation's own template, created for a step. ``kind`` says what can
    carry it and so which parts it has (``PARTS_BY_KIND``).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    key = models.SlugField("modèle", max_length=50)
    language = models.CharField("langue", max_length=2)
    kind = models.CharField("sorte", max_length=10, default="email")
    subject = models.TextField("objet", blank=True)
    text = models.TextField("texte", blank=True)
    html = models.TextField("HTML", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "key", "language"], name="message_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"
