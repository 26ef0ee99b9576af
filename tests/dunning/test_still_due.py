"""The "still due?" question for a batch: settings read once, the ledger read at every call."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.audit import Actor
from relance.dunning.models import CustomerDunning
from relance.dunning.still_due import Covered, StillDueCheck, still_due_reasons
from relance.ledger.models import Instalment
from relance.ledger.services import customer_create, invoice_create, payment_record

DAY = date(2026, 3, 9)


@pytest.mark.django_db
def test_a_batch_check_sees_what_happens_after_it_was_made(organisation, other_organisation):
    actor = Actor.system("test")
    customer = customer_create(organisation=organisation, external_ref="K1", name="Client",
                               actor=actor)  # fmt: skip
    invoices = [
        invoice_create(
            organisation=organisation,
            customer=customer,
            number=f"F-{n}",
            issue_date=date(2026, 2, 1),
            due_date=date(2026, 3, 2),
            amount_incl_tax=Decimal("0.10") * n,
            actor=actor,
        )
        for n in (1, 2)
    ]
    first, second = (Instalment.objects.get(invoice=invoice).pk for invoice in invoices)
    check = StillDueCheck.for_day(organisation, today=DAY)
    both = Covered(customer_id=customer.pk, items={first: Decimal("0.10"),
                                                   second: Decimal("0.20")})  # fmt: skip
    assert check.reasons({"m": both}) == {}
    # Other organisations' instalments are unknown to this one's check.
    assert StillDueCheck.for_day(other_organisation, today=DAY).reasons({"m": both}) == {
        "m": "settled"
    }
    payment_record(organisation=organisation, customer=customer, reference="P1", date=DAY,
                   amount=Decimal("0.10"), invoice=invoices[1], actor=actor)  # fmt: skip
    assert check.reasons({"m": both}) == {"m": "changed"}  # 0.20 stated, 0.10 owed now
    payment_record(organisation=organisation, customer=customer, reference="P2", date=DAY,
                   amount=Decimal("0.30"), actor=actor)  # fmt: skip
    assert check.reasons({"m": both}) == {"m": "settled"}
    CustomerDunning.objects.update_or_create(customer=customer, defaults={"paused": True})
    assert still_due_reasons(organisation, {"m": Covered(customer_id=customer.pk)},
                             today=DAY) == {"m": "paused"}  # fmt: skip
