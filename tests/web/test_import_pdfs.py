"""The invoice PDFs' upload on the imports page: a real ZIP in, each file's fate out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relance.imports.models import ImportBatch
from relance.ledger.models import Invoice
from relance.ledger.services import customer_create, invoice_create
from tests.imports.test_invoice_pdfs import archive, pdf


def _invoice(organisation, actor, number: str) -> Invoice:
    customer = customer_create(organisation=organisation, external_ref="C1", name="Client SA",
                               actor=actor)  # fmt: skip
    return invoice_create(organisation=organisation, customer=customer, number=number,
                          issue_date=date(2024, 1, 1), due_date=date(2024, 2, 1),
                          amount_incl_tax=Decimal("10.00"), actor=actor)  # fmt: skip


def post(client, organisation, data: bytes, **extra):
    address = reverse("import_pdfs", kwargs={"org": organisation.slug})
    return client.post(address, {"file": SimpleUploadedFile("mars.zip", data), **extra})


def test_a_zip_is_attached_and_the_page_says_what_became_of_each_file(
    collector, organisation, actor
):
    invoice = _invoice(organisation, actor, "FA-0042")
    index = collector.get(reverse("imports", kwargs={"org": organisation.slug}))
    assert "Importer les PDF des factures" in index.content.decode()
    response = post(collector, organisation, archive({"fa 0042.pdf": pdf("a"), "x.pdf": pdf("b")}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "x.pdf" in html and "aucun numéro de facture connu dans le nom du fichier" in html
    invoice.refresh_from_db()
    assert invoice.pdf.read() == pdf("a")
    batch = ImportBatch.objects.get()
    detail = collector.get(reverse("import_batch", kwargs={"org": organisation.slug,
                                                           "batch": batch.uuid}))  # fmt: skip
    assert "PDF des factures" in detail.content.decode() and "x.pdf" in detail.content.decode()


def test_a_simulation_and_a_hostile_archive_write_nothing(collector, organisation, actor):
    _invoice(organisation, actor, "FA-0042")
    simulated = post(collector, organisation, archive({"FA-0042.pdf": pdf("a")}), dry_run="on")
    assert "Simulation : rien n'a été enregistré." in simulated.content.decode()
    hostile = post(collector, organisation, archive({"../FA-0042.pdf": pdf("a")}))
    assert "sort de l&#x27;archive" in hostile.content.decode()
    empty = post(collector, organisation, b"")
    assert "Le fichier est vide" in empty.content.decode()
    assert not Invoice.objects.exclude(pdf="").exists() and not ImportBatch.objects.exists()


def test_a_reader_cannot_upload(viewer, organisation, actor):
    _invoice(organisation, actor, "FA-0042")
    response = post(viewer, organisation, archive({"FA-0042.pdf": pdf("a")}))
    assert response.status_code == 403
    assert not Invoice.objects.exclude(pdf="").exists()
