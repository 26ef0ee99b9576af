"""Invoice PDFs imported in bulk: real ZIP archives built here, the Factur-X samples, and
hostile archives that must be refused whole with nothing written."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from relance.accounts.models import AuditEvent
from relance.imports import invoice_pdfs as service
from relance.imports.invoice_pdfs import invoice_pdfs_import_zip
from relance.imports.models import BatchStatus, ImportBatch
from relance.ledger.models import Invoice
from relance.ledger.services import customer_create, invoice_create
from tests.imports.helpers import FIXTURES

FACTURX = (FIXTURES / "einvoice" / "Facture_F20180027.pdf").read_bytes()
EN16931 = (FIXTURES / "einvoice" / "invoice_EN16931.pdf").read_bytes()


def pdf(text: str) -> bytes:
    """A small PDF; ``text`` makes each one different."""
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def archive(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as made:
        for name, data in files.items():
            made.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def ledger(organisation, actor):
    customer = customer_create(organisation=organisation, external_ref="C1",
                               name="Le Client SA", actor=actor)  # fmt: skip
    made = {}
    for number, amount, due in (
        ("F-2024-0012", "120.00", date(2024, 2, 1)),
        ("F-2024-0013", "80.00", date(2024, 2, 1)),
        ("2024", "10.00", date(2024, 2, 1)),
        ("F20180027", "100.00", date(2019, 1, 30)),
        ("AB-7", "5.00", date(2024, 2, 1)),
        ("ab7", "6.00", date(2024, 2, 1)),
    ):
        made[number] = invoice_create(
            organisation=organisation, customer=customer, number=number,
            issue_date=date(2018, 12, 31), due_date=due, amount_incl_tax=Decimal(amount),
            actor=actor,
        )  # fmt: skip
    return made


def run(organisation, actor, data: bytes, **options):
    return invoice_pdfs_import_zip(organisation=organisation, handle=io.BytesIO(data),
                                   filename="pdfs.zip", actor=actor, **options)  # fmt: skip


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "invoices"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_names_are_matched_whatever_their_case_spaces_and_separators(
    organisation, actor, ledger, settings
):
    first, second = pdf("douze"), pdf("treize")
    report = run(organisation, actor, archive({
        "mars/Facture f 2024 0012.pdf": first,
        "F2024_0013-copie.PDF": second,
        "releve-banque.pdf": pdf("autre"),
        "notes.txt": b"hello",
    }))  # fmt: skip
    assert report.status == BatchStatus.COMMITTED
    assert (report.files, report.attached, report.replaced) == (4, 2, 0)
    problems = {note.name: note.reason for note in report.problems}
    assert problems == {
        "releve-banque.pdf": "aucun numéro de facture connu dans le nom du fichier",
        "notes.txt": "ignoré : ce n'est pas un PDF",
    }
    twelve = Invoice.objects.get(pk=ledger["F-2024-0012"].pk)
    with twelve.pdf.open("rb") as handle:
        assert handle.read() == first
    assert Invoice.objects.get(pk=ledger["F-2024-0013"].pk).pdf.read() == second
    # "2024" sits inside a longer run of digits in both names: never taken for invoice 2024.
    assert not Invoice.objects.get(pk=ledger["2024"].pk).pdf
    batch = ImportBatch.objects.get(uuid=report.batch_uuid)
    assert (batch.kind, batch.rows, batch.created) == ("invoice_pdfs", 4, 2)
    assert {note["file"] for note in batch.rejected} == {"releve-banque.pdf", "notes.txt"}
    assert AuditEvent.objects.filter(action="import_commit", entity_id=str(batch.uuid)).exists()


def test_ambiguous_names_and_two_files_for_one_invoice_attach_nothing(
    organisation, actor, ledger, settings
):
    report = run(organisation, actor, archive({
        "AB 7.pdf": pdf("ab"),  # AB-7 and ab7 normalise alike
        "F-2024-0012 et F-2024-0013.pdf": pdf("deux"),
        "F-2024-0012.pdf": pdf("un"),
        "copie F2024-0012.pdf": pdf("un bis"),
    }))  # fmt: skip
    problems = {note.name: note.reason for note in report.problems}
    assert problems["AB 7.pdf"].startswith("ambigu : ") and "AB-7, ab7" in problems["AB 7.pdf"]
    assert "F-2024-0012, F-2024-0013" in problems["F-2024-0012 et F-2024-0013.pdf"]
    assert "plusieurs fichiers différents pour la facture F-2024-0012" in problems[
        "F-2024-0012.pdf"
    ]  # fmt: skip
    assert "copie F2024-0012.pdf" in problems
    assert report.attached == 0 and report.status == BatchStatus.UNCHANGED
    assert stored_files(settings) == []


def test_facturx_is_matched_on_its_embedded_number_and_disagreements_are_warned(
    organisation, actor, ledger
):
    report = run(organisation, actor, archive({"scan-0001.pdf": FACTURX}))
    assert report.attached == 1 and not report.problems
    invoice = Invoice.objects.get(pk=ledger["F20180027"].pk)
    assert invoice.pdf.read() == FACTURX
    # The PDF says 110.00 incl. tax (10.00 prepaid); the ledger's 100.00 stays as it is.
    (warning,) = report.warnings
    assert warning.name == "scan-0001.pdf"
    assert "montant TTC 110.00 dans le PDF, 100.00 au grand livre" in warning.reason
    assert invoice.amount_incl_tax == Decimal("100.00")


def test_facturx_with_another_due_date_and_an_unknown_number(organisation, actor, ledger):
    Invoice.objects.filter(pk=ledger["F20180027"].pk).update(amount_incl_tax=Decimal("110.00"))
    ledger["F20180027"].instalments.update(due_date=date(2019, 2, 28), amount=Decimal("110.00"))
    report = run(organisation, actor, archive({"a.pdf": FACTURX, "b.pdf": EN16931}))
    (warning,) = report.warnings
    assert "échéance 30/01/2019 dans le PDF, 28/02/2019 au grand livre" in warning.reason
    assert "montant" not in warning.reason
    (problem,) = report.problems
    assert problem.name == "b.pdf"
    assert problem.reason.startswith("aucune facture F20260023 (n° lu dans le PDF Factur-X)")


def test_the_same_archive_again_changes_nothing_and_a_new_pdf_replaces(
    organisation, actor, ledger, settings
):
    data = archive({"F-2024-0012.pdf": pdf("v1")})
    assert run(organisation, actor, data).attached == 1
    again = run(organisation, actor, data)
    assert (again.status, again.unchanged, again.attached) == (BatchStatus.UNCHANGED, 1, 0)
    assert ImportBatch.objects.count() == 1
    old = Invoice.objects.get(pk=ledger["F-2024-0012"].pk).pdf.name
    newer = run(organisation, actor, archive({"F-2024-0012.pdf": pdf("v2")}))
    assert newer.replaced == 1
    invoice = Invoice.objects.get(pk=ledger["F-2024-0012"].pk)
    assert invoice.pdf.read() == pdf("v2")
    # The replaced PDF stays: a message sent with it names it as its attachment.
    assert (Path(settings.MEDIA_ROOT) / old).exists()


def test_a_dry_run_counts_and_writes_nothing(organisation, actor, ledger, settings):
    report = run(organisation, actor, archive({"F-2024-0012.pdf": pdf("x")}), dry_run=True)
    assert (report.status, report.attached) == (BatchStatus.DRY_RUN, 1)
    assert stored_files(settings) == [] and not ImportBatch.objects.exists()


def _flag_encrypted(data: bytes) -> bytes:
    """Set the "encrypted" bit in the local and central headers (zipfile cannot encrypt)."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        flags = struct.unpack_from("<H", raw, at + offset)[0]
        struct.pack_into("<H", raw, at + offset, flags | 0x1)
    return bytes(raw)


def _lie_about_size(data: bytes, size: int) -> bytes:
    """Declare a smaller unpacked size than the entry really has (a classic bomb trick)."""
    raw = bytearray(data)
    struct.pack_into("<I", raw, raw.find(b"PK\x03\x04") + 22, size)
    struct.pack_into("<I", raw, raw.find(b"PK\x01\x02") + 24, size)
    return bytes(raw)


HOSTILE = ["empty", "not-zip", "dotdot", "absolute", "drive", "encrypted", "bomb", "lying", "many"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Le fichier est vide (0 octet)"),
        (b"PK\x03\x04 not really", "Ce fichier n'est pas une archive ZIP lisible"),
        (archive({"../../etc/F-2024-0012.pdf": pdf("x")}), "sort de l'archive"),
        (archive({"/abs/F-2024-0012.pdf": pdf("x")}), "sort de l'archive"),
        (archive({"C:/F-2024-0012.pdf": pdf("x")}), "sort de l'archive"),
        (_flag_encrypted(archive({"F-2024-0012.pdf": pdf("x")})), "est chiffré"),
        (archive({"F-2024-0012.pdf": b"%PDF-" + b"\0" * 3 * 2**20}), "dépasse 2 Mo"),
        (
            _lie_about_size(archive({"F-2024-0012.pdf": b"%PDF-" + b"\0" * 2**20}), 100),
            "illisible",
        ),
        (archive({f"F-2024-0012-{n}.pdf": pdf("x") for n in range(6)}), "6 fichiers, 5 au plus"),
    ],
    ids=HOSTILE,
)
def test_hostile_archives_are_refused_whole(organisation, actor, ledger, settings, data, expected):
    settings.RELANCE_IMPORT_PDF_MAX_MB = 2
    settings.RELANCE_IMPORT_PDF_MAX_FILES = 5
    report = run(organisation, actor, data)
    assert expected in report.refused
    assert (report.status, report.attached) == (BatchStatus.REJECTED, 0)
    assert stored_files(settings) == [] and not ImportBatch.objects.exists()
    assert not Invoice.objects.exclude(pdf="").exists()


def test_non_pdf_content_and_empty_files_are_reported_by_name(organisation, actor, ledger):
    report = run(organisation, actor, archive({
        "F-2024-0012.pdf": b"MZ\x90\x00 an executable", "F-2024-0013.pdf": b"",
    }))  # fmt: skip
    assert {note.name: note.reason for note in report.problems} == {
        "F-2024-0012.pdf": "le contenu n'est pas un PDF (il ne commence pas par « %PDF- »)",
        "F-2024-0013.pdf": "fichier vide (0 octet)",
    }
    assert not Invoice.objects.exclude(pdf="").exists()


def test_a_failed_transaction_leaves_no_file_behind(
    organisation, actor, ledger, settings, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(service, "audit_record", broken)
    with pytest.raises(RuntimeError):
        run(organisation, actor, archive({"F-2024-0012.pdf": pdf("a"), "F2024-0013.pdf": pdf("b")}))
    assert stored_files(settings) == []
    assert not Invoice.objects.exclude(pdf="").exists() and not ImportBatch.objects.exists()


def test_matching_reads_the_ledger_once_whatever_the_number_of_files(
    organisation, actor, ledger, django_assert_max_num_queries
):
    files = {f"F-2024-{n:04d}.pdf": pdf(str(n)) for n in range(200)}
    with django_assert_max_num_queries(12):
        report = run(organisation, actor, archive(files), dry_run=True)
    assert report.attached == 2 and len(report.problems) == 198


def test_the_command_imports_a_folder_and_reports_in_json(organisation, actor, ledger, tmp_path):
    folder = tmp_path / "pdfs"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "F-2024-0012.pdf").write_bytes(pdf("x"))
    (folder / "inconnu.pdf").write_bytes(pdf("y"))
    out = StringIO()
    call_command("import_data", "invoice-pdfs", str(folder), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert (result["status"], result["files"], result["attached"]) == ("committed", 2, 1)
    reason = "aucun numéro de facture connu dans le nom du fichier"
    assert result["problems"] == [{"file": "inconnu.pdf", "reason": reason}]
    assert Invoice.objects.get(pk=ledger["F-2024-0012"].pk).pdf.read() == pdf("x")


def test_the_command_refuses_a_bad_zip_with_a_clear_message(organisation, tmp_path):
    bad = tmp_path / "pdfs.zip"
    bad.write_bytes(b"not a zip")
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import_data", "invoice-pdfs", str(bad), stdout=out)
    assert exited.value.code == 1
    assert "n'est pas une archive ZIP lisible" in out.getvalue()
    assert "Rien n'a été importé." in out.getvalue()
