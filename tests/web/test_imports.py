"""The imports pages: upload, column mapping, whole-file check, import, and the batches."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from relance.accounts.models import AuditEvent
from relance.imports import uploads
from relance.imports.models import ImportBatch, PendingUpload, PendingUploadError
from relance.ledger.models import Customer, Invoice
from tests.imports.helpers import database_state, fixture, run_import


def url(name: str, organisation, **kwargs) -> str:
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def send(client, organisation, name: str, data: bytes, kind: str = "customers"):
    return client.post(
        url("import_upload", organisation),
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
    )


def upload_of(response) -> PendingUpload:
    assert response.status_code == 302, response.content.decode()[:2000]
    token = re.search(r"/pending/([0-9a-f-]{36})/", response.url).group(1)
    return PendingUpload.objects.get(token=token)


def page(client, address: str):
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def test_a_customers_file_goes_from_upload_to_the_ledger(
    collector, organisation, django_capture_on_commit_callbacks
):
    upload = upload_of(send(collector, organisation, "clients.csv", fixture("ref-customers.csv")))
    pending_url = url("import_pending", organisation, token=upload.token)
    shown = page(collector, pending_url)
    # the detected mapping, the unused columns and the first rows
    assert "« id »" in shown and "« name »" in shown and "« email »" in shown
    assert "C000001" in shown and "Conseil Bernard EURL" in shown
    assert "Vérifier tout le fichier" in shown
    rows = fixture("ref-customers.csv").decode().count("\n") - 1

    response = collector.post(url("import_check", organisation, token=upload.token))
    assert response.status_code == 302
    assert not Customer.objects.exists()  # the check writes nothing
    checked = page(collector, pending_url)
    assert "Fichier vérifié : aucune erreur." in checked
    assert f'<span class="label">À créer</span><span class="value">{rows}</span>' in checked
    assert f"Importer : {rows} création(s), 0 modification(s)" in checked

    with django_capture_on_commit_callbacks(execute=True):
        response = collector.post(url("import_commit", organisation, token=upload.token))
    batch = ImportBatch.objects.get(organisation=organisation)
    assert response.url == url("import_batch", organisation, batch=batch.uuid)
    assert Customer.objects.filter(organisation=organisation).count() == rows == batch.created
    assert batch.created_by.email == f"collector@{organisation.slug}.example"
    event = AuditEvent.objects.get(action="import_commit")
    assert event.actor == batch.created_by and event.entity_id == str(batch.uuid)
    assert not PendingUpload.objects.exists()  # the upload is forgotten once imported
    assert not upload.file.storage.exists(upload.file.name)

    detail = page(collector, response.url)
    assert "Import terminé" in detail and "Clients créés" in detail and "C000001" in detail
    listing = page(collector, url("imports", organisation))
    assert (
        "clients.csv" in listing and url("import_batch", organisation, batch=batch.uuid) in listing
    )
    original = collector.get(url("import_batch_file", organisation, batch=batch.uuid))
    assert original.status_code == 200
    assert b"".join(original.streaming_content) == fixture("ref-customers.csv")
    assert 'filename="clients.csv"' in original["Content-Disposition"]


def test_the_same_file_again_says_it_changes_nothing(collector, organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"), name="clients.csv")
    upload = upload_of(send(collector, organisation, "clients.csv", fixture("ref-customers.csv")))
    pending_url = url("import_pending", organisation, token=upload.token)
    assert "a déjà été importé le" in page(collector, pending_url)
    collector.post(url("import_check", organisation, token=upload.token))
    shown = page(collector, pending_url)
    assert "Rien de nouveau : ce fichier ne change rien" in shown
    assert url("import_commit", organisation, token=upload.token) not in shown
    response = collector.post(url("import_commit", organisation, token=upload.token), follow=True)
    assert "abord le fichier : seul un fichier sans erreur" in response.content.decode()
    assert ImportBatch.objects.count() == 1


def test_a_file_with_errors_lists_every_bad_row_and_imports_nothing(collector, organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    good = "number;customer_id;issue_date;due_date;amount_incl_tax"
    lines = [
        good,
        "F-1;C000001;2026-01-10;2026-02-09;100.00",
        "F-2;C999999;2026-01-10;2026-02-09;100.00",
        "F-3;C000001;31/02/2026;2026-02-09;100.00",
        "F-4;C000001;2026-01-10;2026-01-01;100.00",
        "F-5;C000001;2026-01-10;2026-02-09;douze",
    ]
    before = database_state()
    upload = upload_of(
        send(collector, organisation, "factures.csv", "\n".join(lines).encode(), "invoices")
    )
    response = collector.post(url("import_check", organisation, token=upload.token), follow=True)
    shown = response.content.decode()
    assert "4 erreurs : rien ne sera importé" in shown
    for line, reason in (
        (3, "client inconnu"),
        (4, "date invalide"),
        (5, "antérieure à la date de facture"),
        (6, "montant non numérique"),
    ):
        assert re.search(rf'<td class="num">{line}</td><td>[^<]+</td><td>[^<]*{reason}', shown)
    assert url("import_commit", organisation, token=upload.token) not in shown
    collector.post(url("import_commit", organisation, token=upload.token))
    assert database_state() == before
    assert not Invoice.objects.exists()


def test_many_bad_rows_are_paginated(collector, organisation, settings):
    settings.RELANCE_IMPORT_MAX_ERRORS = 150
    lines = ["id;name"] + [f"C{n:04d};" for n in range(150)]  # every name missing
    upload = upload_of(send(collector, organisation, "clients.csv", "\n".join(lines).encode()))
    collector.post(url("import_check", organisation, token=upload.token))
    assert PendingUploadError.objects.filter(upload=upload).count() == 150
    pending_url = url("import_pending", organisation, token=upload.token)
    first = page(collector, pending_url)
    assert "150 erreurs" in first and "nom du client manquant" in first
    assert first.count("nom du client manquant") == 100 and "Page 1 sur 2" in first
    second = page(collector, pending_url + "?page=2")
    assert second.count("nom du client manquant") == 50 and ">151</td>" in second
    assert "premières erreurs sont listées" not in first + second


def test_the_error_report_lists_the_first_problems_and_counts_the_rest(collector, organisation):
    lines = ["id;name"] + [f"C{n:05d};" for n in range(20_000)]  # every name missing
    upload = upload_of(send(collector, organisation, "clients.csv", "\n".join(lines).encode()))
    collector.post(url("import_check", organisation, token=upload.token))
    assert PendingUploadError.objects.filter(upload=upload).count() == 100
    assert upload.errors.order_by("line").last().line == 101  # the first ones, in line order
    shown = page(collector, url("import_pending", organisation, token=upload.token))
    flat = shown.replace("\xa0", "")  # numbers are written with a thousands separator
    assert "20000 erreurs" in flat
    assert shown.count("nom du client manquant") == 100 and "Page 1 sur" not in shown
    assert "Seules les 100 premières erreurs sont listées ; il y en a 19900 autres" in flat


def test_fixing_the_mapping_makes_unusual_headers_importable(collector, organisation):
    data = "Identifiant;Dénomination sociale;Adresse électronique\nX1;Garage Martin;a@b.fr\n"
    upload = upload_of(send(collector, organisation, "export.csv", data.encode("cp1252")))
    pending_url = url("import_pending", organisation, token=upload.token)
    shown = page(collector, pending_url)
    assert "Colonnes obligatoires non trouvées" in shown
    # checking as is fails on the missing columns, writing nothing
    collector.post(url("import_check", organisation, token=upload.token))
    assert "Aucun en-tête reconnu" in page(collector, pending_url)

    choice = {"external_ref": "Identifiant", "name": "Dénomination sociale"}
    partial = collector.post(
        url("import_mapping_preview", organisation, token=upload.token),
        {**choice, "emails": "Adresse électronique"},
        HTTP_HX_REQUEST="true",
    )
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "Colonnes obligatoires non trouvées" not in partial.content.decode()
    assert "--map external_ref=Identifiant" in partial.content.decode()

    response = collector.post(
        url("import_mapping", organisation, token=upload.token),
        {**choice, "emails": "Adresse électronique"},
    )
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.mapping == {
        "external_ref": "Identifiant",
        "name": "Dénomination sociale",
        "emails": "Adresse électronique",
    }
    collector.post(url("import_check", organisation, token=upload.token))
    collector.post(url("import_commit", organisation, token=upload.token))
    customer = Customer.objects.get(organisation=organisation)
    assert (customer.external_ref, customer.name) == ("X1", "Garage Martin")
    assert customer.contacts.get().email == "a@b.fr"
    batch = ImportBatch.objects.get()
    assert batch.mapping["name"] == "Dénomination sociale"


def test_the_mapping_form_refuses_one_column_for_two_fields(collector, organisation):
    upload = upload_of(send(collector, organisation, "clients.csv", fixture("ref-customers.csv")))
    response = collector.post(
        url("import_mapping", organisation, token=upload.token),
        {"external_ref": "id", "name": "id"},
    )
    assert response.status_code == 200
    assert "est déjà choisie pour" in response.content.decode()
    upload.refresh_from_db()
    assert upload.mapping == {}


def test_a_mapping_change_calls_for_a_new_check(collector, organisation):
    upload = upload_of(send(collector, organisation, "clients.csv", fixture("ref-customers.csv")))
    collector.post(url("import_check", organisation, token=upload.token))
    collector.post(
        url("import_mapping", organisation, token=upload.token),
        {"external_ref": "id", "name": "name", "notes": "kind"},
    )
    response = collector.post(url("import_commit", organisation, token=upload.token), follow=True)
    assert "abord le fichier : seul un fichier sans erreur" in response.content.decode()
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("vide.csv", b"", "vide"),
        ("factures.pdf", b"%PDF-1.7 ...", "Type de fichier non pris en charge"),
        ("factures.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Type de fichier non pris en charge"),
        ("binaire.csv", b"\x00\x01\x02\x03" * 200, "illisible"),
        ("sans-lignes.csv", b"\n\n  \n", "vide"),
    ],
)
def test_unusable_files_are_refused_and_nothing_is_kept(
    collector, organisation, name, data, message
):
    response = send(collector, organisation, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_a_file_too_large_is_refused(collector, organisation, settings):
    settings.RELANCE_IMPORT_UPLOAD_MAX_MB = 1
    lines = ["id;name"] + [f"C{n:06d};Client {n}" for n in range(80_000)]  # 1.6 MiB
    response = send(collector, organisation, "clients.csv", "\n".join(lines).encode())
    assert "Fichier trop volumineux (2 Mo) : 1 Mo au plus" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_a_spreadsheet_is_read_like_a_csv(collector, organisation):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Code client", "Raison sociale", "Pays"])
    sheet.append(["K1", "Boulangerie Lefèvre", "France"])
    sheet.append(["K2", "Brasserie Peeters", "Belgique"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = upload_of(send(collector, organisation, "clients.xlsx", buffer.getvalue()))
    assert "Boulangerie Lefèvre" in page(
        collector, url("import_pending", organisation, token=upload.token)
    )
    collector.post(url("import_check", organisation, token=upload.token))
    collector.post(url("import_commit", organisation, token=upload.token))
    assert set(Customer.objects.values_list("external_ref", "country")) == {
        ("K1", "FR"),
        ("K2", "BE"),
    }


def test_a_very_long_file_is_sent_to_the_command_line(collector, organisation, monkeypatch):
    monkeypatch.setattr(uploads, "INLINE_ROWS", 3)
    upload = upload_of(send(collector, organisation, "clients.csv", fixture("ref-customers.csv")))
    shown = page(collector, url("import_pending", organisation, token=upload.token))
    assert "relance import customers" in shown
    assert url("import_check", organisation, token=upload.token) not in shown
    response = collector.post(url("import_check", organisation, token=upload.token), follow=True)
    assert "relance import customers" in response.content.decode()
    assert not Customer.objects.exists()


def test_uploads_belong_to_their_organisation_and_user(
    signed_in, collector, organisation, other_organisation
):
    upload = upload_of(send(collector, organisation, "clients.csv", fixture("ref-customers.csv")))
    stranger = signed_in(other_organisation, "admin")
    foreign = url("import_pending", other_organisation, token=upload.token)
    assert stranger.get(foreign).status_code == 404
    assert (
        stranger.post(url("import_commit", other_organisation, token=upload.token)).status_code
        == 404
    )
    colleague = signed_in(organisation, "admin", email="colleague@atelier.example")
    mine = url("import_pending", organisation, token=upload.token)
    assert colleague.get(mine).status_code == 404
    assert colleague.post(url("import_check", organisation, token=upload.token)).status_code == 404
    upload.refresh_from_db()
    assert upload.checked is None


def test_batches_of_another_organisation_are_not_found(collector, organisation, other_organisation):
    run_import(other_organisation, "customers", fixture("ref-customers.csv"))
    batch = ImportBatch.objects.get(organisation=other_organisation)
    assert collector.get(url("import_batch", organisation, batch=batch.uuid)).status_code == 404
    assert (
        collector.get(url("import_batch_file", organisation, batch=batch.uuid)).status_code == 404
    )
    assert "ref-customers" not in page(collector, url("imports", organisation))


def test_a_viewer_reads_the_imports_but_cannot_upload(viewer, organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"), name="clients.csv")
    listing = page(viewer, url("imports", organisation))
    assert "clients.csv" in listing and url("import_upload", organisation) not in listing
    response = send(viewer, organisation, "clients.csv", fixture("ref-customers.csv"))
    assert response.status_code == 403
    assert not PendingUpload.objects.exists()


def test_abandoning_an_upload_deletes_its_file(
    collector, organisation, django_capture_on_commit_callbacks
):
    upload = upload_of(send(collector, organisation, "clients.csv", fixture("ref-customers.csv")))
    name = upload.file.name
    assert upload.file.storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = collector.post(url("import_abandon", organisation, token=upload.token))
    assert response.url == url("imports", organisation)
    assert not PendingUpload.objects.exists()
    assert not upload.file.storage.exists(name)
    assert not Customer.objects.exists()


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_the_shared_portfolio_imports_through_the_pages(collector, organisation):
    portfolio = FIXTURES / "portfolio-50"
    for kind, name in (("customers", "customers.csv"), ("invoices", "invoices.csv")):
        data = (portfolio / name).read_bytes()
        upload = upload_of(send(collector, organisation, name, data, kind))
        collector.post(url("import_check", organisation, token=upload.token))
        response = collector.post(url("import_commit", organisation, token=upload.token))
        assert response.status_code == 302 and "/imports/" in response.url
    invoices = (portfolio / "invoices.csv").read_bytes().decode().strip().count("\n")
    assert Invoice.objects.filter(organisation=organisation).count() == invoices
    batch = ImportBatch.objects.get(organisation=organisation, kind="invoices")
    detail = page(collector, url("import_batch", organisation, batch=batch.uuid))
    assert "Factures créées" in detail and "Paiements enregistrés" in detail


@pytest.mark.parametrize("name", ["Facture_F20180027.pdf", "factures.csv"])
def test_a_real_pdf_invoice_is_refused(collector, organisation, name):
    data = (FIXTURES / "einvoice" / "Facture_F20180027.pdf").read_bytes()
    response = send(collector, organisation, name, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Type de fichier non pris en charge" in content or "PDF" in content
    assert not PendingUpload.objects.exists()


def test_a_million_columns_are_refused_at_upload(collector, organisation):
    from benchmarks.hostile_files import csv_columns

    started = time.perf_counter()
    response = send(collector, organisation, "clients.csv", csv_columns(1_000_000))
    assert time.perf_counter() - started < 5
    shown = response.content.decode()
    assert response.status_code == 200
    wanted = "La ligne d&#x27;en-tête compte environ 1\u202f000\u202f000 colonnes : 200 au plus"
    assert wanted in shown
    assert len(shown) < 100_000 and "c999999" not in shown
    assert not PendingUpload.objects.exists()


def test_an_upload_in_an_unusual_encoding_is_refused_then_read_as_chosen(collector, organisation):
    from benchmarks.hostile_files import csv_undefined_cp1252

    data = csv_undefined_cp1252(line=4)
    response = send(collector, organisation, "clients-dos.csv", data)
    assert "Ligne 4 : l&#x27;octet 0x81 n&#x27;existe pas en Windows-1252" in (
        response.content.decode()
    )
    assert not PendingUpload.objects.exists()
    response = collector.post(
        url("import_upload", organisation),
        {"kind": "customers", "encoding": "cp850", "file": SimpleUploadedFile("c.csv", data)},
    )
    upload = upload_of(response)
    assert upload.encoding == "cp850"
    shown = page(collector, url("import_pending", organisation, token=upload.token))
    assert "Müller SARL" in shown and "--encoding cp850" in shown
    collector.post(url("import_check", organisation, token=upload.token))
    collector.post(url("import_commit", organisation, token=upload.token))
    assert Customer.objects.get(external_ref="M1").name == "Müller SARL"
