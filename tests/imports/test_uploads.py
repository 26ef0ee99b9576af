"""Files uploaded through the back-office: kept between steps, checked and imported through
the same service as the command line, forgotten after a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from relance.accounts.audit import Actor
from relance.accounts.services import user_create
from relance.imports.models import PendingUpload, PendingUploadError
from relance.imports.parsers.overview import file_overview
from relance.imports.uploads import (
    UploadRefused,
    mapping_override,
    pending_upload_check,
    pending_upload_commit,
    pending_upload_create,
    pending_upload_map,
    pending_uploads_purge,
    upload_columns,
)
from relance.ledger.models import Invoice
from tests.imports.helpers import fixture, run_import


@pytest.fixture
def user(organisation, actor):
    return user_create(
        email="anne@atelier.example",
        organisation=organisation,
        role="collector",
        password="un mot de passe solide",
        actor=actor,
    )


def create(organisation, user, kind: str, data: bytes, name: str = "file.csv") -> PendingUpload:
    return pending_upload_create(
        organisation=organisation, user=user, kind=kind, filename=name, data=data
    )


def test_the_overview_reads_the_head_and_counts_up_to_a_limit():
    data = ("id;name\n" + "".join(f"C{n};Client {n}\n" for n in range(30))).encode()
    overview = file_overview(data, filename="c.csv", sample=3, count_limit=100)
    assert overview.headers == ["id", "name"]
    assert overview.sample == [
        (2, ["C0", "Client 0"]),
        (3, ["C1", "Client 1"]),
        (4, ["C2", "Client 2"]),
    ]
    assert (overview.rows, overview.rows_exact) == (30, True)
    beyond = file_overview(data, filename="c.csv", sample=0, count_limit=10)
    assert beyond.rows == 30 and not beyond.rows_exact  # the lines of the file, roughly


def test_columns_without_a_known_header_can_be_mapped(organisation, user):
    data = "Identifiant;Libellé\nX1;Garage Martin\n".encode()
    upload = create(organisation, user, "customers", data)
    columns = upload_columns(upload)
    assert columns.assigned == {} and columns.missing == [("external_ref",), ("name",)]
    override = mapping_override(upload, {"external_ref": "Identifiant", "name": "Libellé"})
    pending_upload_map(upload=upload, mapping=override)
    columns = upload_columns(upload)
    assert columns.assigned == {"external_ref": 0, "name": 1} and not columns.missing
    report = pending_upload_check(upload=upload, actor=Actor(user=user))
    assert report.ok and report.created == 1


def test_only_what_differs_from_the_detection_is_kept_as_the_correction(organisation, user):
    upload = create(organisation, user, "customers", fixture("ref-customers.csv"))
    chosen = {"external_ref": "id", "name": "name", "emails": "", "notes": "kind"}
    assert mapping_override(upload, chosen) == {"emails": "", "notes": "kind"}


def test_the_import_checks_again_and_keeps_a_file_the_ledger_now_rejects(organisation, user):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    line = "number,customer_id,issue_date,due_date,amount_incl_tax\n"
    upload = create(
        organisation, user, "invoices", (line + "F-1,C000001,2026-01-10,2026-02-09,10\n").encode()
    )
    assert pending_upload_check(upload=upload, actor=Actor(user=user)).ok
    # meanwhile the same invoice number arrives for another customer
    run_import(organisation, "invoices", (line + "F-1,C000002,2026-01-10,2026-02-09,10\n").encode())
    report = pending_upload_commit(upload=upload, actor=Actor(user=user))
    assert not report.ok
    upload.refresh_from_db()
    assert (
        upload.checked["errors"] == 1 and PendingUploadError.objects.filter(upload=upload).exists()
    )
    assert Invoice.objects.get(number="F-1").customer.external_ref == "C000002"


def test_commit_needs_a_current_clean_check(organisation, user):
    upload = create(organisation, user, "customers", fixture("ref-customers.csv"))
    with pytest.raises(UploadRefused):
        pending_upload_commit(upload=upload, actor=Actor(user=user))


def test_uploads_left_for_a_day_are_purged_with_their_files(
    organisation, user, django_capture_on_commit_callbacks
):
    old = create(organisation, user, "customers", fixture("ref-customers.csv"))
    recent = create(organisation, user, "customers", fixture("ref-customers.csv"))
    PendingUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert pending_uploads_purge(now=timezone.now()) == 1
    assert list(PendingUpload.objects.all()) == [recent]
    assert not old.file.storage.exists(old.file.name)
    assert recent.file.storage.exists(recent.file.name)
