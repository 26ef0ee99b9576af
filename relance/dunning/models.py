"""Scenarios as organisations edit them, the dunning state of customers and items, reminders,
disputes and promises to pay."""

from __future__ import annotations

import uuid
from datetime import time
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation
from relance.core.scenario import CHANNELS, MODES, OPTION_DEFAULTS, PENALTIES, TONES
from relance.ledger.models import Customer, Instalment, Invoice, money_field


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class DunningSettings(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="dunning"
    )
    min_gap_days = models.PositiveSmallIntegerField("écart minimum entre deux contacts", default=7)
    min_amount = money_field("montant minimum relancé", default=Decimal("0.00"))
    promise_grace_days = models.PositiveSmallIntegerField("délai de grâce (promesse)", default=3)
    window_start = models.TimeField("envoi à partir de", default=time(8, 30))
    window_end = models.TimeField("envoi jusqu'à", default=time(18, 0))
    # An invisible image in e-mails tells when they are opened; off unless chosen (GDPR).
    track_opens = models.BooleanField("suivre les ouvertures", default=False)
    # Bank data older than this (business days) holds reminders after the due date: a
    # customer may have paid yesterday and relance would not know it yet.
    bank_freshness_days = models.PositiveSmallIntegerField(
        "fraîcheur des relevés bancaires (jours ouvrés)", default=3
    )
    # What a debtor may ask from the portal (docs/portal.md, "Debtor actions").
    portal_promise_max_days = models.PositiveSmallIntegerField(
        "promesse du portail : jours d'avance au plus", default=30
    )
    portal_plans_allowed = models.BooleanField("échéanciers demandés au portail", default=True)
    portal_plan_max_instalments = models.PositiveSmallIntegerField(
        "échéancier du portail : échéances au plus", default=6
    )
    portal_plan_min_instalment = money_field(
        "échéancier du portail : montant minimum d'une échéance", default=Decimal("50.00")
    )
    # A code e-mailed to the billing address on record before a dispute, a plan request or
    # a change of contact: a forwarded link alone then cannot act for the customer.
    portal_code_required = models.BooleanField("code par e-mail au portail", default=False)

    def __str__(self) -> str:
        return f"Règles de relance de {self.organisation}"

    @classmethod
    def of(cls, organisation: Organisation) -> DunningSettings:
        """The organisation's rules, or the defaults (not saved) while it has set none: a
        page or a plan reads them without writing."""
        return cls.objects.filter(organisation=organisation).first() or cls(
            organisation=organisation
        )


class Scenario(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organisation", "key"], name="scenario_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioStep(models.Model):
    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=50)
    offset_days = models.SmallIntegerField("jours après l'échéance")
    channel = models.CharField(max_length=20, choices=_choices(CHANNELS))
    mode = models.CharField(max_length=10, choices=_choices(MODES))
    template = models.CharField(max_length=100, blank=True)
    tone = models.CharField(max_length=20, choices=_choices(TONES), default="neutral")
    penalties = models.CharField(max_length=20, choices=_choices(PENALTIES), default="none")
    min_amount = money_field("montant minimum", default=Decimal("0.00"))
    # Options (relance.core.scenario.Step says what each does).
    repeat_every = models.PositiveSmallIntegerField(
        "répéter tous les (jours)", default=0, db_default=0
    )
    repeat_times = models.PositiveSmallIntegerField("répétitions au plus", default=0, db_default=0)
    pay_within = models.PositiveSmallIntegerField(
        "délai de paiement (jours)", default=0, db_default=0
    )
    copy_collector = models.CharField(
        "copie au chargé de recouvrement", max_length=3, blank=True, default="", db_default=""
    )
    attach_invoices = models.BooleanField("joindre les factures", default=True, db_default=True)
    fallback = models.BooleanField("canal de repli", default=False, db_default=False)
    suspension = models.BooleanField("suspension de service", default=False, db_default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["scenario_id", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["scenario", "key"], name="step_key_unique"),
            models.UniqueConstraint(fields=["scenario", "position"], name="step_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} (J{self.offset_days:+d})"


class Segment(models.Model):
    """A group of customers by payment behaviour, and the rule that puts customers in it.

    ``rule`` is ``relance.core.segmentation.SegmentRule.as_dict()``; segments are tried in
    ``position`` order, the first rule that matches wins, the last one catches everyone.
    Customers of a segment are chased with ``scenario`` when set, else with the scenario of
    the same key.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()
    rule = models.JSONField(default=dict)
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["organisation_id", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organisation", "key"], name="segment_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerDunning(models.Model):
    """How a customer is chased: segment, scenario, pause, and when they were last contacted."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="dunning"
    )
    segment = models.CharField(max_length=50, blank=True)
    segment_is_manual = models.BooleanField(default=False)
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paused = models.BooleanField(default=False)
    # The last day of a pause given an end: the next morning's run takes reminders up again.
    paused_until = models.DateField("suspendues jusqu'au", null=True, blank=True)
    last_contact_on = models.DateField(null=True, blank=True)
    first_reminder_on = models.DateField(null=True, blank=True)
    first_reminder_paper = models.BooleanField(default=False)
    # Why the customer is in their segment, as of the last recompute (relance.core.segmentation).
    segment_explanation = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.segment or '-'}"


class InstalmentDunning(models.Model):
    """Which step an item reached and when; its schedule shift after a late start."""

    instalment = models.OneToOneField(
        Instalment, on_delete=models.CASCADE, primary_key=True, related_name="dunning"
    )
    last_step = models.CharField(max_length=50, blank=True)
    last_step_on = models.DateField(null=True, blank=True)
    shift_days = models.IntegerField(default=0)
    resumed_on = models.DateField(null=True, blank=True)
    repeats = models.PositiveSmallIntegerField(default=0, db_default=0)  # of last_step
    # The item's first reminder done, and its day: the cohorts by first reminder read them
    # instead of looking every reminded item's history up (``relance.dunning.reminder_facts``).
    first_reminder_item = models.ForeignKey(
        "ReminderItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["first_reminded_on"],
                name="instalment_first_reminded",
                condition=models.Q(first_reminded_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.instalment_id}: {self.last_step or '-'}"


class ReminderStatus(models.TextChoices):
    READY = "ready", _("Prête à partir")
    TODO = "todo", _("À faire")
    SENT = "sent", _("Envoyée")
    SKIPPED = "skipped", _("Écartée")
    CANCELLED = "cancelled", _("Annulée")
    FAILED = "failed", _("Échec")


class Reminder(models.Model):
    """One message (or call, letter...) to one customer on one day, covering several items."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    run_date = models.DateField()
    step = models.CharField(max_length=50)
    # The template the step named when the run planned it; empty for reminders planned before
    # steps named theirs (``relance.channels.compose.reminder_template`` says which applies).
    template = models.CharField(max_length=50, blank=True, default="")
    channel = models.CharField(max_length=20, choices=_choices(CHANNELS))
    mode = models.CharField(max_length=10, choices=_choices(MODES))
    currency = models.CharField(max_length=3)
    amount_due = money_field("montant dû")
    penalties = models.CharField(max_length=20, choices=_choices(PENALTIES))
    tone = models.CharField(max_length=20, choices=_choices(TONES), default="neutral")
    status = models.CharField(max_length=20, choices=ReminderStatus.choices)
    notes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Put off by a collector: back on the to-do on that day, not before.
    postponed_until = models.DateField("reportée au", null=True, blank=True)
    # The options of the step as planned (pay_within, copy_collector, attach_invoices,
    # fallback, suspension, repeat), for writing the message: see ``step_options``.
    options = models.JSONField(default=dict, db_default={}, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # The daily run's idempotency: one message per customer, day, channel, currency
            # (a cancelled or skipped one leaves room for the one that replaces it).
            models.UniqueConstraint(
                fields=["customer", "run_date", "channel", "currency"],
                condition=~models.Q(status__in=["cancelled", "skipped"]),
                name="reminder_once_per_day_channel",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "run_date", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.run_date} {self.customer_id} {self.step}"

    def option(self, name: str) -> Any:
        """An option of the step as planned, else its default."""
        return self.options.get(name, OPTION_DEFAULTS[name])


class ReminderItem(models.Model):
    reminder = models.ForeignKey(
        Reminder, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    instalment = models.ForeignKey(
        Instalment, on_delete=models.CASCADE, related_name="reminder_items", db_index=False
    )
    step = models.CharField(max_length=50)
    # The item's schedule shift as planned; moved by the delay when the step is done late.
    shift_days = models.IntegerField(default=0)
    outstanding = money_field()
    repeat = models.PositiveSmallIntegerField(default=0, db_default=0)  # 0: the step itself

    class Meta:
        # The same step may be planned again for an item whose reminder was cancelled (a
        # part-payment since it was written): what counts is the step done, kept in
        # InstalmentDunning.
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["reminder", "instalment"], name="reminder_item"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["instalment", "step"])]

    def __str__(self) -> str:
        return f"{self.instalment_id} {self.step}"


class ReminderItemPayment(models.Model):
    """What the payments allocated to a reminded item's instalment brought in on one day, from
    the reminder's day (``days`` 0) to ``PAID_WITHIN_DAYS`` after it; credit notes are not
    payments. Kept by ``relance.dunning.reminder_facts`` wherever allocations change, so that
    the collection rates read one row per item and day paid instead of every allocation."""

    item = models.ForeignKey(
        ReminderItem, on_delete=models.CASCADE, related_name="payments", db_index=False
    )
    days = models.PositiveSmallIntegerField()  # after the reminder's day
    amount = money_field()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["item", "days"], name="reminder_item_payment_day"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} +{self.days}: {self.amount}"


class StatementItems(models.TextChoices):
    ALL = "all", _("Toutes les factures ouvertes")
    OVERDUE = "overdue", _("Les factures échues seulement")


class ReminderDraft(models.Model):
    """What a collector changed on a to-do message before sending it by hand.

    Empty ``subject``/``body``: the template's text is used (it follows the options below);
    otherwise the collector's own words are sent as written.
    """

    reminder = models.OneToOneField(
        Reminder, on_delete=models.CASCADE, primary_key=True, related_name="draft"
    )
    subject = models.CharField("objet", max_length=300, blank=True)
    body = models.TextField("texte", blank=True)
    statement = models.CharField(
        "factures citées", max_length=10, choices=StatementItems.choices, default="all"
    )
    copy_to = models.JSONField("en copie", default=list, blank=True)
    phone = models.CharField("téléphone (SMS)", max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Brouillon {self.reminder_id}"


def _attachment_path(instance: ReminderAttachment, filename: str) -> str:
    return f"reminder-attachments/{instance.reminder.uuid}/{instance.sha256[:16]}-{filename}"


class StoredFile(models.Model):
    """A file kept with a record: its name as given, its content checked by its SHA-256."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class ReminderAttachment(StoredFile):
    """A file a collector added to a to-do message; sent with it, checked by its hash."""

    reminder = models.ForeignKey(
        Reminder, on_delete=models.CASCADE, related_name="attachments", db_index=False
    )
    file = models.FileField(upload_to=_attachment_path, max_length=300)

    class Meta:
        ordering: ClassVar[list[str]] = ["reminder_id", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["reminder", "sha256"], name="attachment_once"),
        ]


class DisputeCategory(models.TextChoices):
    AMOUNT = "amount", _("Montant erroné")
    NOT_RECEIVED = "not_received", _("Marchandise ou service non reçu")
    ALREADY_PAID = "already_paid", _("Déjà payée")
    QUALITY = "quality", _("Problème de qualité")
    OTHER = "other", _("Autre")


class DisputeOutcome(models.TextChoices):
    CREDIT_NOTE = "credit_note", _("Avoir émis")
    REJECTED = "rejected", _("Contestation rejetée : les relances reprennent")
    PAID = "paid", _("Payée")
    OTHER = "other", _("Autre")


class Dispute(models.Model):
    """An invoice contested by the customer: its reminders stop until the dispute is closed.

    ``category`` is the same list the portal offers; ``owner`` is the person who sorts it out
    by ``due_on``; ``outcome`` and ``resolution_note`` say how it ended."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="disputes")
    reason = models.TextField()
    category = models.CharField(
        max_length=20, choices=DisputeCategory.choices, blank=True, default="", db_default=""
    )
    owner = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField("à régler pour le", null=True, blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        max_length=20, choices=DisputeOutcome.choices, blank=True, default="", db_default=""
    )
    resolution_note = models.TextField(blank=True, default="", db_default="")
    closed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "closed_on"]),
        ]

    def __str__(self) -> str:
        return f"Litige {self.invoice_id}"


def _dispute_file_path(instance: DisputeAttachment, filename: str) -> str:
    return f"disputes/{instance.dispute.uuid}/{instance.sha256[:16]}-{filename}"


class DisputeAttachment(StoredFile):
    """A document kept with a dispute (the customer's complaint, a delivery note, a credit
    note): checked by its content like the portal's, never by its name."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="attachments", db_index=False
    )
    file = models.FileField(upload_to=_dispute_file_path, max_length=300)

    class Meta:
        ordering: ClassVar[list[str]] = ["dispute_id", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["dispute", "sha256"], name="dispute_attachment_once"),
        ]


class Promise(models.Model):
    """A customer's promise to pay an amount by a date, for some invoices."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="promises")
    invoices = models.ManyToManyField(Invoice, related_name="promises")
    promised_on = models.DateField("promis pour le")
    amount = money_field("montant promis")
    recorded_on = models.DateField()
    broken_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "promised_on"]),
        ]

    def __str__(self) -> str:
        return f"Promesse {self.customer_id} {self.promised_on}"


class PaymentPlanStatus(models.TextChoices):
    ACTIVE = "active", _("En cours")
    COMPLETED = "completed", _("Soldé")
    DEFAULTED = "defaulted", _("Non respecté")


class PaymentPlan(models.Model):
    """An agreed schedule (échéancier) for some invoices: while it is kept, they are not
    reminded; a missed instalment ends it and reminders resume."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="payment_plans")
    invoices = models.ManyToManyField(Invoice, related_name="payment_plans")
    agreed_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=PaymentPlanStatus.choices, default=PaymentPlanStatus.ACTIVE
    )
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"Échéancier {self.customer_id} du {self.agreed_on}"


class PaymentPlanInstalment(models.Model):
    plan = models.ForeignKey(
        PaymentPlan, on_delete=models.CASCADE, related_name="instalments", db_index=False
    )
    sequence = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    amount = money_field("montant")

    class Meta:
        ordering: ClassVar[list[str]] = ["plan_id", "sequence"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "sequence"], name="plan_instalment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.due_date} {self.amount}"


class DebtorRequestKind(models.TextChoices):
    DISPUTE = "dispute", _("Contestation")
    PROMISE = "promise", _("Promesse de paiement")
    PLAN = "plan", _("Demande d'échéancier")
    CONTACT = "contact", _("Nouvelles coordonnées")
    # An e-mail the debtor sent in reply to one of ours (``relance.dunning.replies``).
    REPLY = "reply", _("Répondre sous 24 h")


class DebtorRequestStatus(models.TextChoices):
    PENDING = "pending", _("À traiter")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    DONE = "done", _("Traitée")


def _debtor_file_path(instance: DebtorRequest, filename: str) -> str:
    return f"debtor-requests/{instance.uuid}/{instance.attachment_sha256[:16]}-{filename}"


class DebtorRequest(models.Model):
    """What a debtor did or asked from the portal, on the collector's to-do until handled.

    A dispute or a promise takes effect at once (``dispute``, ``promise``); a plan is only
    asked for (``plan_count``, ``plan_first_on``): its invoices are held while the request is
    pending, and the plan exists once a collector accepts it (``plan``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="debtor_requests")
    portal_link = models.ForeignKey(
        "ledger.PortalLink", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=DebtorRequestKind.choices)
    status = models.CharField(
        max_length=10, choices=DebtorRequestStatus.choices, default=DebtorRequestStatus.PENDING
    )
    created_at = models.DateTimeField()
    invoices = models.ManyToManyField(Invoice, related_name="debtor_requests", blank=True)
    category = models.CharField(max_length=20, choices=DisputeCategory.choices, blank=True)
    message = models.TextField(blank=True)
    dispute = models.ForeignKey(Dispute, null=True, on_delete=models.SET_NULL, related_name="+")
    promise = models.ForeignKey(Promise, null=True, on_delete=models.SET_NULL, related_name="+")
    plan_count = models.PositiveSmallIntegerField(null=True)
    plan_first_on = models.DateField(null=True)
    plan = models.ForeignKey(PaymentPlan, null=True, on_delete=models.SET_NULL, related_name="+")
    contact_before = models.JSONField(default=dict, blank=True)
    contact_after = models.JSONField(default=dict, blank=True)
    attachment = models.FileField(upload_to=_debtor_file_path, max_length=300, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    # A reply by e-mail: who wrote, about what (the text is ``message``), and by when a
    # person should answer.
    reply_from = models.CharField(max_length=300, blank=True, default="", db_default="")
    reply_subject = models.CharField(max_length=300, blank=True, default="", db_default="")
    answer_by = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_id} {self.created_at:%Y-%m-%d}"


class CallOutcomeKind(models.TextChoices):
    NO_ANSWER = "no_answer", _("Pas de réponse")
    VOICEMAIL = "voicemail", _("Message laissé")
    WRONG_NUMBER = "wrong_number", _("Mauvais numéro")
    PROMISE = "promise", _("Promesse de paiement")
    DISPUTE = "dispute", _("Conteste")
    ALREADY_PAID = "already_paid", _("Dit avoir payé")
    CALL_BACK = "call_back", _("À rappeler")


class CallOutcome(models.Model):
    """What came of a call on the to-do; it changes the plan (promise, dispute, call back)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="call_outcomes")
    outcome = models.CharField(max_length=20, choices=CallOutcomeKind.choices)
    called_on = models.DateField()
    notes = models.TextField(blank=True)
    call_back_on = models.DateField(null=True, blank=True)
    promise = models.ForeignKey(Promise, null=True, blank=True, on_delete=models.SET_NULL)
    dispute = models.ForeignKey(Dispute, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["organisation", "called_on"])]

    def __str__(self) -> str:
        return f"{self.reminder_id}: {self.outcome}"
