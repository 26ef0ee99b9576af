"""An import batch: one uploaded file, what was found in it, and what it changed."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from relance.accounts.models import Organisation


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", "Clients"
    INVOICES = "invoices", "Factures"
    PAYMENTS = "payments", "Paiements"


class BatchStatus(models.TextChoices):
    COMMITTED = "committed", "Importé"
    UNCHANGED = "unchanged", "Rien de nouveau"
    REJECTED = "rejected", "Rejeté"
    DRY_RUN = "dry_run", "Simulation"
    INTERRUPTED = "interrupted", "Interrompu"


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
