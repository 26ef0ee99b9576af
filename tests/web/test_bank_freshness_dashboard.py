"""The dashboard says when the bank data is too old for reminders after the due date."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from relance.imports.models import ImportBatch


def imported_days_ago(organisation, days: int) -> None:
    ImportBatch.objects.create(
        organisation=organisation, kind="bank_statement", status="committed",
        filename="releve.xml", sha256="0" * 64, started_at=timezone.now() - timedelta(days),
    )  # fmt: skip


def dashboard(client, organisation):
    return client.get(reverse("dashboard", kwargs={"org": organisation.slug})).content.decode()


def test_old_bank_data_is_announced_on_the_dashboard(collector, organisation):
    imported_days_ago(organisation, 12)  # at least 8 business days whatever today is
    page = dashboard(collector, organisation)
    assert "Relevés bancaires trop anciens" in page
    assert reverse("bank_upload", kwargs={"org": organisation.slug}) in page


def test_fresh_bank_data_is_not(collector, organisation):
    imported_days_ago(organisation, 0)
    assert "Relevés bancaires trop anciens" not in dashboard(collector, organisation)
