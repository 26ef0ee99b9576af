"""A small ledger whose daily run leaves a to-do of every kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation, User
from relance.accounts.services import user_create
from relance.dunning.models import Reminder
from relance.ledger.models import Customer
from relance.ledger.services import contact_add, customer_create, invoice_create
from tests.days import run_and_send

D = Decimal
RUN_DAY = date(2026, 3, 9)
# A not-yet-due invoice: stays in "all open items", out of "overdue only".
FAR_DUE = date(2030, 12, 31)


@dataclass
class Todo:
    collector: User
    email: Reminder  # Boulangerie Lefèvre, 1 234,56 overdue + one invoice not due
    small_email: Reminder  # Menuiserie Roux, 300,00
    call: Reminder  # Garage Martin, 5 000,00
    formal: Reminder  # Pharmacie Petit, 800,00 (formal notice)

    def refresh(self) -> None:
        for reminder in (self.email, self.small_email, self.call, self.formal):
            reminder.refresh_from_db()


def _customer(organisation: Organisation, ref: str, name: str, email: str, actor: Actor):
    customer = customer_create(organisation=organisation, external_ref=ref, name=name,
                               actor=actor)  # fmt: skip
    contact_add(customer=customer, email=email, phone="+33612345678", is_primary=True,
                name="Service comptable", actor=actor)  # fmt: skip
    return customer


def _invoice(organisation, customer, number, amount, due=date(2026, 3, 2), actor=None):
    invoice_create(organisation=organisation, customer=customer, number=number,
                   issue_date=date(2026, 2, 1), due_date=due, amount_incl_tax=D(amount),
                   actor=actor)  # fmt: skip


def make_todo(organisation: Organisation, actor: Actor | None = None) -> Todo:
    """Run the day on 9 March 2026, then shape the reminders as the run leaves them for a
    person: manual e-mails, a call, a formal notice."""
    actor = actor or Actor.system("test")
    organisation.iban, organisation.bic = "FR7630006000011234567890189", "AGRIFRPP"
    organisation.sender_email = "relances@atelier.example"
    organisation.save()
    collector = user_create(email="camille@atelier.example", organisation=organisation,
                            role="collector", actor=actor)  # fmt: skip
    bakery = _customer(organisation, "K-A", "Boulangerie Lefèvre SARL", "compta@lefevre.example",
                       actor)  # fmt: skip
    contact_add(customer=bakery, email="patron@lefevre.example", in_copy=True, actor=actor)
    _invoice(organisation, bakery, "F-A1", "1234.56", actor=actor)
    _invoice(organisation, bakery, "F-A2", "100.00", due=FAR_DUE, actor=actor)
    carpenter = _customer(organisation, "K-C", "Menuiserie Roux", "compta@roux.example", actor)
    _invoice(organisation, carpenter, "F-C1", "300.00", actor=actor)
    garage = _customer(organisation, "K-B", "Garage Martin", "compta@garage.example", actor)
    _invoice(organisation, garage, "F-B1", "5000.00", actor=actor)
    pharmacy = _customer(organisation, "K-D", "Pharmacie Petit", "compta@petit.example", actor)
    pharmacy.address_line1, pharmacy.postal_code, pharmacy.city = (
        "3 place du Marché",
        "67000",
        "Strasbourg",
    )
    pharmacy.save()
    _invoice(organisation, pharmacy, "F-D1", "800.00", actor=actor)
    run_and_send(organisation, RUN_DAY, actor)
    reminders = {r.customer.external_ref: r for r in Reminder.objects.select_related("customer")
                 .filter(organisation=organisation)}  # fmt: skip
    manual = {"status": "todo", "mode": "manual"}
    Reminder.objects.filter(pk__in=[reminders["K-A"].pk, reminders["K-C"].pk]).update(
        notes=["Étape manuelle du scénario VIP."], **manual
    )
    Reminder.objects.filter(pk=reminders["K-B"].pk).update(
        channel="call", step="call_1", template="call_1", **manual
    )
    Reminder.objects.filter(pk=reminders["K-D"].pk).update(
        channel="formal_notice", step="formal_notice", template="formal_notice",
        penalties="claimed", tone="formal", **manual,
    )  # fmt: skip
    todo = Todo(collector=collector, email=reminders["K-A"], small_email=reminders["K-C"],
                call=reminders["K-B"], formal=reminders["K-D"])  # fmt: skip
    todo.refresh()
    return todo


def customer(organisation: Organisation, ref: str) -> Customer:
    return Customer.objects.get(organisation=organisation, external_ref=ref)
