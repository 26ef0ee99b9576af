"""An import batch: one uploaded file, what was found in it, and what it changed; and a file
uploaded in the back-office, kept while its mapping is checked, until it is imported."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Clients")
    INVOICES = "invoices", _("Factures")
    PAYMENTS = "payments", _("Paiements")
    BANK_STATEMENT = "bank_statement", _("Relevé bancaire")
    INVOICE_PDFS = "invoice_pdfs", _("PDF des factures")


class BatchStatus(models.TextChoices):
    COMMITTED = "committed", _("Importé")
    UNCHANGED = "unchanged", _("Rien de nouveau")
    REJECTED = "rejected", _("Rejeté")
    DRY_RUN = "dry_run", _("Simulation")
    INTERRUPTED = "interrupted", _("Interrompu")


def batch_file_path(batch: ImportBatch, filename: str) -> str:
    return f"imports/{batch.organisation.uuid}/{batch.uuid}/{filename}"


class ImportBatch(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(max_length=20, choices=BatchStatus.choices)
    filename = models.CharField(max_length=255)
    original = models.FileField(upload_to=batch_file_path, max_length=400, blank=True)
    sha256 = models.CharField(max_length=64)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    mapping = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.status})"


def pending_file_path(upload: PendingUpload, filename: str) -> str:
    return f"imports/pending/{upload.organisation.uuid}/{upload.token}/{filename}"


class PendingUpload(models.Model):
    """A file uploaded in the back-office and not imported yet.

    It is found again only by its random ``token`` together with the organisation and the
    user who uploaded it; the server keeps the file, the client never names a path. ``mapping``
    is the correction of the column detection, as the command line's ``--map`` takes it;
    ``encoding`` the text encoding the user chose ("" = detected), as its ``--encoding``.
    ``checked`` is the outcome of the last validation of the whole file with that mapping
    (counts, status), its row errors being ``PendingUploadError`` rows.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    encoding = models.CharField(max_length=20, blank=True, default="")
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=pending_file_path, max_length=400)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    rows_exact = models.BooleanField(default=True)
    mapping = models.JSONField(default=dict)
    checked = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "user", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.token})"


class PendingUploadError(models.Model):
    """One problem found in a pending upload by its last validation."""

    upload = models.ForeignKey(
        PendingUpload, on_delete=models.CASCADE, related_name="errors", db_index=False
    )
    line = models.PositiveIntegerField()  # 0: the file as a whole
    column = models.CharField(max_length=255, blank=True)
    reason = models.TextField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["upload", "line"])]

    def __str__(self) -> str:
        return f"{self.line} {self.column}: {self.reason}"


class BankEntryStatus(models.TextChoices):
    MATCHED = "matched", _("Rapproché")
    SUGGESTED = "suggested", _("Proposé")
    UNMATCHED = "unmatched", _("Non rapproché")
    IGNORED = "ignored", _("Ignoré")
    # Took back an earlier credit: the payment it had recorded is reversed.
    REVERSAL = "reversal", _("Annulation")
    # A reversal or return relance cannot tie to its payment: a person looks.
    TO_CHECK = "to_check", _("À vérifier")


class BankEntry(models.Model):
    """One movement of an imported bank statement and what matching decided for it.

    ``entry_id`` is the statement model's stable id: unique per organisation, so that a
    statement imported twice, or overlapping statements, never record a movement twice.
    ``allocations`` is the decision's split as ``[[instalment id, "amount"], ...]``: applied
    when matched, waiting for a person when suggested. A reversal's ``payment`` is the payment
    it reversed.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    entry_id = models.CharField(max_length=200)
    account = models.CharField(max_length=64, blank=True)
    booking_date = models.DateField(null=True, blank=True)
    # Exactly as the bank wrote it: a few banks give three decimals.
    amount = models.DecimalField(max_digits=17, decimal_places=3)
    currency = models.CharField(max_length=3)
    counterparty_name = models.CharField(max_length=200, blank=True)
    counterparty_iban = models.CharField(max_length=34, blank=True)
    reference = models.CharField(max_length=64, blank=True)
    text = models.TextField(blank=True)
    # What ties a reversal or a return to the credit it takes back.
    end_to_end_id = models.CharField(max_length=100, blank=True, default="", db_default="")
    # The bank's reason code of a return (SEPA R-transaction: AC04, MD06, AM04...).
    return_reason = models.CharField(max_length=35, blank=True, default="", db_default="")
    status = models.CharField(max_length=10, choices=BankEntryStatus.choices)
    reason = models.CharField(max_length=30)
    confidence = models.CharField(max_length=10)
    customer = models.ForeignKey(
        "ledger.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    allocations = models.JSONField(default=list)
    payment = models.ForeignKey(
        "ledger.Payment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For a reversal or return: the credit it takes back (taken back once only).
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # Who settled it on the reconciliation page, and when (empty when the import did).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organisation", "entry_id"], name="bank_entry_unique"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "status", "booking_date"]),
            # Finding the credit a reversal takes back; most movements have neither.
            models.Index(
                fields=["organisation", "end_to_end_id"],
                condition=~models.Q(end_to_end_id=""),
                name="bank_entry_end_to_end_idx",
            ),
            models.Index(
                fields=["organisation", "reference"],
                condition=~models.Q(reference=""),
                name="bank_entry_reference_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.amount} {self.currency} ({self.status})"


class PayerIban(models.Model):
    """An IBAN seen paying for a customer, learned from a sure match.

    With the IBAN the customer file gives (``Customer.iban``), these are the IBANs known for
    a customer; ``relance.imports.selectors.known_payer_ibans`` is where both are read.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    iban = models.CharField(max_length=34)
    learned_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "iban", "customer"], name="payer_iban_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.iban} -> {self.customer_id}"
