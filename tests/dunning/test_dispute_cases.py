"""Disputes a collector opens on a customer's invoices, with a category, an owner, a date and
documents, and resolves with an outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from relance.accounts.models import AuditEvent
from relance.accounts.services import user_create
from relance.dunning.debtor_requests import Upload
from relance.dunning.disputes import disputes_open, open_disputes, overdue_disputes
from relance.dunning.models import Dispute, DisputeAttachment
from relance.dunning.run import day_plan
from relance.dunning.services import DunningError, dispute_close
from relance.ledger.services import customer_create, invoice_create
from tests.days import run_and_send

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DAY = date(2026, 3, 10)


@pytest.fixture
def garage(organisation, actor):
    customer = customer_create(organisation=organisation, external_ref="K1", name="Garage",
                               actor=actor)  # fmt: skip
    for number in ("F-1", "F-2", "F-3"):
        invoice_create(organisation=organisation, customer=customer, number=number,
                       issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                       amount_incl_tax=Decimal("300.00"), actor=actor)  # fmt: skip
    return customer


@pytest.fixture
def owner(organisation, actor):
    return user_create(email="lea@atelier.example", organisation=organisation, role="collector",
                       actor=actor)  # fmt: skip


def reminded(organisation, day):
    plan = day_plan(organisation, day=day)
    return sorted(item.invoice_number for m in plan.messages for item in m.items)


def test_open_on_several_invoices_with_a_document_then_resolve(organisation, garage, owner,
                                                               actor):  # fmt: skip
    run_and_send(organisation, date(2026, 3, 9), actor)
    f1, f2, _f3 = garage.invoices.order_by("number")
    disputes = disputes_open(
        customer=garage, invoices=[f2, f1], category="quality", reason="Pièces abîmées",
        owner=owner, due_on=date(2026, 3, 31), uploads=[Upload("bon de livraison.pdf", PDF)],
        day=DAY, actor=actor,
    )  # fmt: skip
    assert [d.invoice.number for d in disputes] == ["F-1", "F-2"]
    assert {(d.category, d.owner, d.due_on) for d in disputes} == {
        ("quality", owner, date(2026, 3, 31))
    }
    files = DisputeAttachment.objects.order_by("dispute_id")
    assert [(f.name, f.content_type) for f in files] == [("bon de livraison.pdf",
                                                          "application/pdf")] * 2  # fmt: skip
    assert files[0].file.name == files[1].file.name  # stored once
    with files[0].file.open("rb") as handle:
        assert handle.read() == PDF
    # Only F-3 is reminded now.
    assert reminded(organisation, date(2026, 3, 17)) == ["F-3"]
    assert list(open_disputes(garage)) == disputes
    assert list(overdue_disputes(organisation, today=date(2026, 4, 1))) == disputes

    dispute_close(dispute=disputes[0], day=date(2026, 3, 12), actor=actor, outcome="rejected",
                  note="Photos reçues : dommages à la livraison non prouvés")  # fmt: skip
    closed = Dispute.objects.get(pk=disputes[0].pk)
    assert (closed.outcome, closed.closed_on) == ("rejected", date(2026, 3, 12))
    assert reminded(organisation, date(2026, 3, 17)) == ["F-1", "F-3"]
    with pytest.raises(DunningError, match="déjà clos"):
        dispute_close(dispute=closed, day=date(2026, 3, 12), actor=actor, outcome="paid")
    after = AuditEvent.objects.filter(action="dispute_close").get().after
    assert after["outcome"] == "rejected" and "non prouvés" in after["note"]


@override_settings(RELANCE_PORTAL_ATTACHMENT_MAX_MB=1)
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (Upload("facture.pdf", b""), "vide"),
        (Upload("photo.png", b"MZ\x90\x00 not an image"), "ni un PDF"),
        (Upload("gros.pdf", PDF + b"0" * (1024 * 1024)), "dépasse 1 Mo"),
    ],
)
def test_a_bad_document_refuses_the_whole_dispute(organisation, garage, owner, actor, upload,
                                                  message):  # fmt: skip
    with pytest.raises(DunningError, match=message):
        disputes_open(customer=garage, invoices=list(garage.invoices.all()), category="amount",
                      reason="", owner=owner, due_on=None, uploads=[upload], day=DAY,
                      actor=actor)  # fmt: skip
    assert not Dispute.objects.exists() and not DisputeAttachment.objects.exists()


def test_bad_input_is_refused(organisation, other_organisation, garage, owner, actor):
    stranger = user_create(email="x@brasserie.example", organisation=other_organisation,
                           role="collector", actor=actor)  # fmt: skip
    other = customer_create(organisation=organisation, external_ref="K2", name="Autre",
                            actor=actor)  # fmt: skip
    theirs = invoice_create(organisation=organisation, customer=other, number="G-1",
                            issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                            amount_incl_tax=Decimal("10.00"), actor=actor)  # fmt: skip
    f1 = garage.invoices.get(number="F-1")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"invoices": []}, "au moins une facture"),
        ({"invoices": [theirs]}, "pas toutes à ce client"),
        ({"category": "made_up"}, "Catégorie"),
        ({"category": "", "reason": " "}, "motif"),
        ({"owner": stranger}, "pas membre"),
        ({"due_on": date(2026, 3, 1)}, "déjà passée"),
    ]
    for change, message in cases:
        fields = {"customer": garage, "invoices": [f1], "category": "amount", "reason": "x",
                  "owner": owner, "due_on": None, "day": DAY, "actor": actor, **change}  # fmt: skip
        with pytest.raises(DunningError, match=message):
            disputes_open(**fields)
    assert not Dispute.objects.exists()
    (dispute,) = disputes_open(customer=garage, invoices=[f1], category="amount", reason="",
                               owner=None, due_on=None, day=DAY, actor=actor)  # fmt: skip
    with pytest.raises(DunningError, match="Issue"):
        dispute_close(dispute=dispute, day=DAY, actor=actor, outcome="made_up")
    assert Dispute.objects.get().closed_on is None
