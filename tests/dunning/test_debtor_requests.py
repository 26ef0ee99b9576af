"""Debtors' requests from the portal as the planner and the "still due?" check see them, and
the collector's answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.services import user_create
from relance.dunning.debtor_requests import (
    ACCEPT,
    REFUSE,
    Refused,
    debtor_plan_request,
    debtor_request_resolve,
    followers,
)
from relance.dunning.models import (
    DebtorRequestStatus,
    InstalmentDunning,
    PaymentPlan,
    Reminder,
)
from relance.dunning.services import DunningError
from relance.dunning.still_due import Covered, still_due_reasons
from relance.ledger.models import Instalment, PortalLink
from relance.ledger.portal_links import portal_link_issue
from relance.ledger.services import contact_add, customer_create, invoice_create
from tests.days import run_and_send

D = Decimal


def garage_invoice(organisation, actor):
    """A customer with a billing address and one invoice of 900.00 due 2 March 2026."""
    customer = customer_create(organisation=organisation, external_ref="K1", name="Garage",
                               actor=actor)  # fmt: skip
    contact_add(customer=customer, email="compta@garage.example", is_primary=True, actor=actor)
    return invoice_create(organisation=organisation, customer=customer, number="F-1",
                          issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                          amount_incl_tax=D("900.00"), actor=actor)  # fmt: skip


def portal_link_of(invoice, actor) -> PortalLink:
    portal_link_issue(customer=invoice.customer, actor=actor)
    return PortalLink.objects.get(customer=invoice.customer)


@pytest.fixture
def invoice(organisation, actor):
    return garage_invoice(organisation, actor)


@pytest.fixture
def link(invoice, actor) -> PortalLink:
    return portal_link_of(invoice, actor)


def steps():
    return list(Reminder.objects.order_by("run_date").values_list("run_date", "step"))


def test_a_pending_plan_request_holds_reminders_and_a_refusal_resumes_them(
    organisation, invoice, link, actor
):
    run_and_send(organisation, date(2026, 3, 9), actor)  # reminder_1
    asked = debtor_plan_request(link=link, invoices=[invoice.uuid], count=3,
                                first_on=date(2026, 3, 31), day=date(2026, 3, 10))  # fmt: skip
    for day in (date(2026, 3, 17), date(2026, 3, 23), date(2026, 4, 1)):
        plan = run_and_send(organisation, day, actor).plan
        assert plan.messages == [] and plan.skipped[0].reason == "payment_plan"
    instalment = Instalment.objects.get(invoice=invoice)
    covered = {"task": Covered(invoice.customer_id, {instalment.pk: None})}
    assert still_due_reasons(organisation, covered, today=date(2026, 4, 1)) == {
        "task": "payment_plan"
    }
    debtor_request_resolve(request=asked, outcome=REFUSE, note="Trop long", day=date(2026, 4, 20),
                           actor=actor)  # fmt: skip
    assert InstalmentDunning.objects.get().resumed_on == date(2026, 4, 20)
    assert still_due_reasons(organisation, covered, today=date(2026, 4, 20)) == {}
    run_and_send(organisation, date(2026, 4, 20), actor)
    assert steps() == [(date(2026, 3, 9), "reminder_1"), (date(2026, 4, 20), "reminder_2")]
    asked.refresh_from_db()
    assert asked.status == DebtorRequestStatus.REFUSED and asked.resolution_note == "Trop long"


def test_accepting_a_plan_request_agrees_the_plan_on_what_is_owed_then(
    organisation, invoice, link, actor
):
    asked = debtor_plan_request(link=link, invoices=[invoice.uuid], count=3,
                                first_on=date(2026, 3, 20), day=date(2026, 3, 10))  # fmt: skip
    debtor_request_resolve(request=asked, outcome=ACCEPT, note="", day=date(2026, 3, 25),
                           actor=actor)  # fmt: skip
    plan = PaymentPlan.objects.get()
    schedule = list(plan.instalments.values_list("due_date", "amount"))
    # The first date had passed when the collector answered: the plan starts that day.
    assert schedule == [(date(2026, 3, 25), D("300.00")), (date(2026, 4, 25), D("300.00")),
                        (date(2026, 5, 25), D("300.00"))]  # fmt: skip
    asked.refresh_from_db()
    assert asked.status == DebtorRequestStatus.ACCEPTED and asked.plan == plan
    with pytest.raises(DunningError, match="déjà été traitée"):
        debtor_request_resolve(request=asked, outcome=REFUSE, note="", day=date(2026, 3, 26),
                               actor=actor)  # fmt: skip
    assert plan.invoices.get() == invoice
    with pytest.raises(Refused) as refused:  # the plan now covers it
        debtor_plan_request(link=link, invoices=[invoice.uuid], count=2,
                            first_on=date(2026, 3, 30), day=date(2026, 3, 26))  # fmt: skip
    assert refused.value.code == "plan_exists"


def test_the_customers_collector_hears_of_it_else_the_admins(organisation, invoice, actor):
    admin = user_create(email="admin@atelier.example", organisation=organisation, role="admin",
                        actor=actor)  # fmt: skip
    collector = user_create(email="camille@atelier.example", organisation=organisation,
                            role="collector", actor=actor)  # fmt: skip
    assert followers(organisation, None) == [admin]
    assert followers(organisation, collector) == [collector]
    collector.is_active = False
    assert followers(organisation, collector) == [admin]
