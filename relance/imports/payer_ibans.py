"""The payer IBANs relance learned for a customer, as a person reviews them: a sure match
or a reconciliation teaches who pays for whom (``bank.payer_ibans_learn``); a wrong one
(a shared account, a mistaken reconciliation) would keep matching the next transfers to
this customer, so a person can make relance forget it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from relance.accounts.audit import Actor, audit_record
from relance.imports.models import PayerIban
from relance.ledger.models import Customer


class UnknownPayerIban(ValueError):
    """The IBAN is not (or no longer) one learned for this customer."""


def learned_payer_ibans(customer: Customer) -> QuerySet[PayerIban]:
    """Those learned for the customer, the latest first (the IBAN of the customer file is
    ``Customer.iban``, kept up to date by the customer imports)."""
    return PayerIban.objects.filter(
        organisation_id=customer.organisation_id, customer=customer
    ).order_by("-learned_at", "-id")


@transaction.atomic
def payer_iban_forget(*, customer: Customer, iban: str, actor: Actor) -> None:
    """Forget a learned payer IBAN: its next transfers are matched without it (a person
    reconciling one to this customer teaches it again)."""
    found = learned_payer_ibans(customer).filter(iban=iban).select_for_update().first()
    if found is None:
        raise UnknownPayerIban(iban)
    found.delete()
    audit_record(
        organisation=customer.organisation, actor=actor, action="payer_iban_forget",
        entity_type="customer", entity_id=str(customer.uuid),
        before={"iban": iban, "learned_at": found.learned_at.isoformat()},
    )  # fmt: skip
