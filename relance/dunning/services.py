"""Disputes and promises to pay: they pause reminders, and their end resumes them gently.

When a pause ends (a dispute closed, a promise broken), the items it covered get a
``resumed_on`` date: the planner then takes up the scenario with the next step, spaced from
that day, instead of every step that fell due meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext, ngettext

from relance.accounts.audit import Actor, audit_record, audit_record_many
from relance.accounts.models import Membership, Organisation, User
from relance.core.penalties.text import money_text
from relance.core.promises import earliest_holding_promise
from relance.dunning.models import (
    CustomerDunning,
    Dispute,
    DisputeCategory,
    DisputeOutcome,
    DunningSettings,
    InstalmentDunning,
    PaymentPlan,
    PaymentPlanInstalment,
    PaymentPlanStatus,
    Promise,
    Scenario,
)
from relance.ledger.models import Customer, Instalment, Invoice
from relance.ledger.selectors import open_instalments


class DunningError(ValueError):
    pass


def invoices_resume(invoice_ids: Iterable[int], day: date) -> None:
    """The items of these invoices are taken up again from ``day``, gently (see above)."""
    instalment_ids = list(
        Instalment.objects.filter(invoice_id__in=list(invoice_ids)).values_list("id", flat=True)
    )
    InstalmentDunning.objects.bulk_create(
        [InstalmentDunning(instalment_id=pk, resumed_on=day) for pk in instalment_ids],
        update_conflicts=True,
        unique_fields=["instalment"],
        update_fields=["resumed_on"],
        batch_size=2000,
    )


@transaction.atomic
def dispute_open(
    *,
    invoice: Invoice,
    reason: str,
    day: date,
    actor: Actor,
    category: str = "",
    owner: User | None = None,
    due_on: date | None = None,
) -> Dispute:
    """The customer contests ``invoice``: it is not reminded until the dispute is closed.
    ``category`` is one of ``DisputeCategory`` (the portal's list); ``owner`` sorts it out
    by ``due_on``."""
    if not reason.strip() and not category:
        raise DunningError(gettext("Donnez le motif du litige."))
    if category and category not in DisputeCategory.values:
        raise DunningError(gettext("Catégorie de litige inconnue."))
    if due_on is not None and due_on < day:
        raise DunningError(gettext("L'échéance du litige est déjà passée."))
    if (
        owner is not None
        and not Membership.objects.filter(
            organisation_id=invoice.organisation_id, user=owner
        ).exists()
    ):
        raise DunningError(gettext("Le responsable du litige n'est pas membre de l'organisation."))
    if Dispute.objects.filter(invoice=invoice, closed_on=None).exists():
        raise DunningError(
            gettext("La facture « %(number)s » est déjà en litige.") % {"number": invoice.number}
        )
    dispute = Dispute.objects.create(
        organisation_id=invoice.organisation_id, invoice=invoice, reason=reason.strip(),
        category=category, owner=owner, due_on=due_on, opened_on=day,
    )  # fmt: skip
    audit_record(
        organisation=invoice.organisation, actor=actor, action="dispute_open",
        entity_type="invoice", entity_id=str(invoice.uuid),
        after={"reason": dispute.reason, "opened_on": day.isoformat(), "category": category,
               "owner": owner.email if owner is not None else None,
               "due_on": due_on.isoformat() if due_on is not None else None},
    )  # fmt: skip
    return dispute


@transaction.atomic
def dispute_close(
    *,
    dispute: Dispute,
    day: date,
    actor: Actor,
    outcome: str = DisputeOutcome.OTHER,
    note: str = "",
) -> Dispute:
    """End a dispute with its ``outcome`` (``DisputeOutcome``) and a note: the invoice is
    reminded again from ``day``, gently, while something is still owed on it."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.closed_on is not None:
        raise DunningError(gettext("Ce litige est déjà clos."))
    if day < dispute.opened_on:
        raise DunningError(gettext("Un litige ne peut pas être clos avant d'avoir été ouvert."))
    if outcome not in DisputeOutcome.values:
        raise DunningError(gettext("Issue du litige inconnue."))
    dispute.closed_on, dispute.outcome = day, outcome
    dispute.resolution_note, dispute.closed_by = note.strip(), actor.user
    dispute.save(update_fields=["closed_on", "outcome", "resolution_note", "closed_by"])
    invoices_resume([dispute.invoice_id], day)
    audit_record(
        organisation=dispute.invoice.organisation, actor=actor, action="dispute_close",
        entity_type="invoice", entity_id=str(dispute.invoice.uuid),
        before={"closed_on": None},
        after={"closed_on": day.isoformat(), "outcome": outcome, "note": dispute.resolution_note},
    )  # fmt: skip
    return dispute


@transaction.atomic
def promise_record(
    *,
    customer: Customer,
    invoices: Sequence[Invoice],
    promised_on: date,
    amount: Decimal,
    day: date,
    actor: Actor,
) -> Promise:
    """The customer promises to pay ``amount`` by ``promised_on`` for these invoices."""
    if not invoices:
        raise DunningError(gettext("Une promesse porte sur au moins une facture."))
    if any(invoice.customer_id != customer.pk for invoice in invoices):
        raise DunningError(gettext("Ces factures ne sont pas toutes à ce client."))
    if promised_on < day:
        raise DunningError(gettext("La date promise est déjà passée."))
    if amount <= 0:
        raise DunningError(gettext("Le montant promis doit être positif."))
    owed = sum(
        open_instalments(customer.organisation)
        .filter(invoice__in=invoices)
        .values_list("outstanding", flat=True),  # type: ignore[misc]
        Decimal("0.00"),
    )
    if amount > owed:
        currency = invoices[0].currency
        raise DunningError(
            ngettext(
                "Le montant promis (%(promised)s) dépasse ce qui reste dû sur cette facture "
                "(%(owed)s).",
                "Le montant promis (%(promised)s) dépasse ce qui reste dû sur ces factures "
                "(%(owed)s).",
                len(invoices),
            )
            % {
                "promised": money_text(amount, currency),
                "owed": money_text(Decimal(owed), currency),
            }
        )
    promise = Promise.objects.create(
        organisation_id=customer.organisation_id, customer=customer, promised_on=promised_on,
        amount=amount, recorded_on=day,
    )  # fmt: skip
    promise.invoices.set(invoices)
    audit_record(
        organisation=customer.organisation, actor=actor, action="promise_record",
        entity_type="customer", entity_id=str(customer.uuid),
        after={"promised_on": promised_on.isoformat(), "amount": str(amount),
               "invoices": [invoice.number for invoice in invoices]},
    )  # fmt: skip
    return promise


def promises_check_broken(*, organisation: Organisation, day: date, actor: Actor) -> int:
    """Mark as broken the promises whose date and grace passed with their invoices unpaid."""
    settings, _ = DunningSettings.objects.get_or_create(organisation=organisation)
    limit = earliest_holding_promise(today=day, grace_days=settings.promise_grace_days)
    due = list(
        Promise.objects.filter(organisation=organisation, broken_on=None, promised_on__lt=limit)
    )
    if not due:
        return 0
    unpaid_invoices = set(
        open_instalments(organisation)
        .filter(invoice__promises__in=due)
        .values_list("invoice_id", flat=True)
    )
    broken = [
        promise
        for promise in due
        if unpaid_invoices & set(promise.invoices.values_list("id", flat=True))
    ]
    for promise in broken:
        promise.broken_on = day
    Promise.objects.bulk_update(broken, ["broken_on"])
    invoices_resume(
        Invoice.objects.filter(Q(promises__in=broken)).values_list("id", flat=True).distinct(),
        day,
    )
    audit_record_many(
        organisation=organisation, actor=actor, action="promise_broken", entity_type="customer",
        changes=((str(p.customer.uuid), None, {"promised_on": p.promised_on.isoformat()})
                 for p in broken),
    )  # fmt: skip
    return len(broken)


@transaction.atomic
def payment_plan_create(
    *,
    customer: Customer,
    invoices: Sequence[Invoice],
    schedule: Sequence[tuple[date, Decimal]],
    day: date,
    actor: Actor,
) -> PaymentPlan:
    """Agree a schedule for some invoices: they are no longer reminded while it is kept."""
    if not invoices or not schedule:
        raise DunningError(
            gettext("Un échéancier porte sur des factures et a au moins une échéance.")
        )
    if any(invoice.customer_id != customer.pk for invoice in invoices):
        raise DunningError(gettext("Ces factures ne sont pas toutes à ce client."))
    if any(amount <= 0 for _, amount in schedule) or min(due for due, _ in schedule) < day:
        raise DunningError(gettext("Les échéances sont positives et à venir."))
    currencies = {invoice.currency for invoice in invoices}
    if len(currencies) != 1:
        raise DunningError(gettext("Un échéancier ne mélange pas les devises."))
    owed = sum(
        open_instalments(customer.organisation)
        .filter(invoice__in=invoices)
        .values_list("outstanding", flat=True),  # type: ignore[misc]
        Decimal("0.00"),
    )
    total = sum((amount for _, amount in schedule), Decimal("0.00"))
    if total != owed:
        raise DunningError(
            gettext("Les échéances (%(total)s) doivent faire le restant dû (%(owed)s).")
            % {"total": total, "owed": owed}
        )
    if PaymentPlan.objects.filter(invoices__in=invoices, status=PaymentPlanStatus.ACTIVE).exists():
        raise DunningError(gettext("Une de ces factures est déjà dans un échéancier en cours."))
    plan = PaymentPlan.objects.create(organisation_id=customer.organisation_id,
                                      customer=customer, agreed_on=day)  # fmt: skip
    plan.invoices.set(invoices)
    PaymentPlanInstalment.objects.bulk_create(
        PaymentPlanInstalment(plan=plan, sequence=n, due_date=due, amount=amount)
        for n, (due, amount) in enumerate(sorted(schedule), 1)
    )
    audit_record(
        organisation=customer.organisation, actor=actor, action="payment_plan_create",
        entity_type="customer", entity_id=str(customer.uuid),
        after={"invoices": [i.number for i in invoices],
               "schedule": [[due.isoformat(), str(amount)] for due, amount in sorted(schedule)]},
    )  # fmt: skip
    return plan


def payment_plans_check(*, organisation: Organisation, day: date, actor: Actor) -> int:
    """End the plans that were paid off, and those whose due instalments were not paid
    (after the promise grace period): their invoices are reminded again from ``day``.

    Returns the number of plans that defaulted."""
    settings, _ = DunningSettings.objects.get_or_create(organisation=organisation)
    limit = earliest_holding_promise(today=day, grace_days=settings.promise_grace_days)
    plans = list(
        PaymentPlan.objects.filter(
            organisation=organisation, status=PaymentPlanStatus.ACTIVE
        ).prefetch_related("instalments", "invoices")
    )
    if not plans:
        return 0
    open_by_invoice: dict[int, Decimal] = {}
    rows = (
        open_instalments(organisation)
        .filter(invoice__payment_plans__in=plans)
        .values_list("invoice_id", "outstanding")  # type: ignore[misc]
    )
    for invoice_id, outstanding in rows:
        open_by_invoice[invoice_id] = open_by_invoice.get(invoice_id, Decimal(0)) + outstanding
    defaulted, completed = [], []
    for plan in plans:
        left = sum((open_by_invoice.get(i.pk, Decimal(0)) for i in plan.invoices.all()),
                   Decimal("0.00"))  # fmt: skip
        if left <= 0:
            completed.append(plan)
            continue
        # What should be left once every instalment due by now was paid.
        still_scheduled = sum(
            (i.amount for i in plan.instalments.all() if i.due_date >= limit), Decimal("0.00")
        )
        if left > still_scheduled:
            defaulted.append(plan)
    for plan in completed:
        plan.status, plan.ended_on = PaymentPlanStatus.COMPLETED, day
    for plan in defaulted:
        plan.status, plan.ended_on = PaymentPlanStatus.DEFAULTED, day
    PaymentPlan.objects.bulk_update([*completed, *defaulted], ["status", "ended_on"])
    invoices_resume([i.pk for plan in defaulted for i in plan.invoices.all()], day)
    audit_record_many(
        organisation=organisation, actor=actor, action="payment_plan_defaulted",
        entity_type="customer",
        changes=((str(p.customer.uuid), {"status": "active"}, {"status": "defaulted"})
                 for p in defaulted),
    )  # fmt: skip
    return len(defaulted)


# --------------------------------------------------------------- a customer's own settings


def _customer_dunning(customer: Customer) -> CustomerDunning:
    dunning, _ = CustomerDunning.objects.select_for_update().get_or_create(customer=customer)
    return dunning


@transaction.atomic
def customer_pause(
    *, customer: Customer, reason: str, actor: Actor, until: date | None = None,
    day: date | None = None,
) -> CustomerDunning:  # fmt: skip
    """Stop reminding the customer until someone resumes or, given ``until`` (the last day
    of the pause), until the morning after it; the reason goes to the audit trail. ``day``
    (today) refuses an end already past."""
    if not reason.strip():
        raise DunningError(gettext("Donnez la raison de la suspension."))
    if until is not None and day is not None and until < day:
        raise DunningError(gettext("La date de fin de la suspension est déjà passée."))
    dunning = _customer_dunning(customer)
    if dunning.paused:
        raise DunningError(gettext("Les relances de ce client sont déjà suspendues."))
    dunning.paused, dunning.paused_until = True, until
    dunning.save(update_fields=["paused", "paused_until"])
    audit_record(
        organisation=customer.organisation, actor=actor, action="customer_pause",
        entity_type="customer", entity_id=str(customer.uuid),
        before={"paused": False},
        after={"paused": True, "reason": reason.strip(),
               "until": until.isoformat() if until is not None else None},
    )  # fmt: skip
    return dunning


def _resume(dunning: CustomerDunning, customer: Customer, day: date) -> None:
    dunning.paused, dunning.paused_until = False, None
    dunning.save(update_fields=["paused", "paused_until"])
    invoices_resume(
        open_instalments(customer.organisation)
        .filter(customer=customer)
        .values_list("invoice_id", flat=True)
        .distinct(),
        day,
    )


@transaction.atomic
def customer_resume(*, customer: Customer, day: date, actor: Actor) -> CustomerDunning:
    """Remind the customer again, from the next step spaced from ``day`` (not every step
    that fell due during the pause)."""
    dunning = _customer_dunning(customer)
    if not dunning.paused:
        raise DunningError(gettext("Les relances de ce client ne sont pas suspendues."))
    _resume(dunning, customer, day)
    audit_record(
        organisation=customer.organisation, actor=actor, action="customer_resume",
        entity_type="customer", entity_id=str(customer.uuid),
        before={"paused": True}, after={"paused": False, "resumed_on": day.isoformat()},
    )  # fmt: skip
    return dunning


def pauses_end(*, organisation: Organisation, day: date, actor: Actor) -> int:
    """The morning run takes up the customers whose pause ended before ``day`` (their end
    date passed), as a person resuming them would, in a few set-based writes; returns how
    many."""
    ended = list(
        CustomerDunning.objects.select_for_update()
        .filter(customer__organisation=organisation, paused=True, paused_until__lt=day)
        .values_list("customer_id", "customer__uuid", "paused_until")
    )
    if not ended:
        return 0
    ids = [customer_id for customer_id, _, _ in ended]
    CustomerDunning.objects.filter(customer_id__in=ids).update(paused=False, paused_until=None)
    invoices_resume(
        open_instalments(organisation).filter(customer_id__in=ids)
        .values_list("invoice_id", flat=True).distinct(),
        day,
    )  # fmt: skip
    audit_record_many(
        organisation=organisation, actor=actor, action="customer_resume", entity_type="customer",
        changes=((str(uuid), {"paused": True, "until": str(until)},
                  {"paused": False, "resumed_on": day.isoformat(), "automatic": True})
                 for _, uuid, until in ended),
    )  # fmt: skip
    return len(ended)


@transaction.atomic
def customer_scenario_set(
    *, customer: Customer, scenario: Scenario | None, actor: Actor
) -> CustomerDunning:
    """Chase the customer with its own scenario, or (None) with its segment's again."""
    if scenario is not None and scenario.organisation_id != customer.organisation_id:
        raise DunningError(gettext("Ce scénario n'appartient pas à cette organisation."))
    dunning = _customer_dunning(customer)
    before = dunning.scenario.key if dunning.scenario is not None else None
    after = scenario.key if scenario is not None else None
    if before != after:
        dunning.scenario = scenario
        dunning.save(update_fields=["scenario"])
        audit_record(
            organisation=customer.organisation, actor=actor, action="customer_scenario",
            entity_type="customer", entity_id=str(customer.uuid),
            before={"scenario": before}, after={"scenario": after},
        )  # fmt: skip
    return dunning


# Bounds that keep the rules meaningful; beyond them a typing slip is more likely than intent.
MAX_GAP_DAYS = 90
MAX_GRACE_DAYS = 60
MAX_FRESHNESS_DAYS = 60
MAX_PORTAL_PROMISE_DAYS = 365
MAX_PORTAL_INSTALMENTS = 60


@transaction.atomic
def dunning_settings_update(
    *,
    organisation: Organisation,
    actor: Actor,
    min_gap_days: int,
    min_amount: Decimal,
    promise_grace_days: int,
    window_start: time,
    window_end: time,
    track_opens: bool,
    bank_freshness_days: int = 3,
    portal_promise_max_days: int = 30,
    portal_plans_allowed: bool = True,
    portal_plan_max_instalments: int = 6,
    portal_plan_min_instalment: Decimal = Decimal("50.00"),
    portal_code_required: bool = False,
) -> DunningSettings:
    """Change the organisation's business rules of reminding; records what changed."""
    if not 0 <= min_gap_days <= MAX_GAP_DAYS:
        raise DunningError(
            gettext("L'écart minimum doit être entre 0 et %(max)s jours.") % {"max": MAX_GAP_DAYS}
        )
    if not 0 <= promise_grace_days <= MAX_GRACE_DAYS:
        raise DunningError(
            gettext("Le délai de grâce doit être entre 0 et %(max)s jours.")
            % {"max": MAX_GRACE_DAYS}
        )
    if min_amount < 0:
        raise DunningError(gettext("Le montant minimum ne peut pas être négatif."))
    if window_end <= window_start:
        raise DunningError(gettext("La fin de la fenêtre d'envoi doit être après son début."))
    if not 1 <= bank_freshness_days <= MAX_FRESHNESS_DAYS:
        raise DunningError(
            gettext("La fraîcheur des relevés doit être entre 1 et %(max)s jours ouvrés.")
            % {"max": MAX_FRESHNESS_DAYS}
        )
    if not 1 <= portal_promise_max_days <= MAX_PORTAL_PROMISE_DAYS:
        raise DunningError(
            gettext("L'horizon des promesses du portail doit être entre 1 et %(max)s jours.")
            % {"max": MAX_PORTAL_PROMISE_DAYS}
        )
    if not 2 <= portal_plan_max_instalments <= MAX_PORTAL_INSTALMENTS:
        raise DunningError(
            gettext("Les échéanciers du portail ont de 2 à %(max)s échéances au plus.")
            % {"max": MAX_PORTAL_INSTALMENTS}
        )
    if portal_plan_min_instalment < 0:
        raise DunningError(gettext("Le montant minimum d'une échéance ne peut pas être négatif."))
    rules, _ = DunningSettings.objects.select_for_update().get_or_create(organisation=organisation)
    new = {
        "min_gap_days": min_gap_days, "min_amount": min_amount.quantize(Decimal("0.01")),
        "promise_grace_days": promise_grace_days, "window_start": window_start,
        "window_end": window_end, "track_opens": track_opens,
        "bank_freshness_days": bank_freshness_days,
        "portal_promise_max_days": portal_promise_max_days,
        "portal_plans_allowed": portal_plans_allowed,
        "portal_plan_max_instalments": portal_plan_max_instalments,
        "portal_plan_min_instalment": portal_plan_min_instalment.quantize(Decimal("0.01")),
        "portal_code_required": portal_code_required,
    }  # fmt: skip
    changed = [name for name, value in new.items() if getattr(rules, name) != value]
    if not changed:
        return rules

    def shown(value: object) -> object:
        return value if isinstance(value, bool | int) else str(value)

    before = {name: shown(getattr(rules, name)) for name in changed}
    for name in changed:
        setattr(rules, name, new[name])
    rules.save(update_fields=changed)
    audit_record(
        organisation=organisation, actor=actor, action="dunning_settings_update",
        entity_type="dunning_settings", entity_id=str(organisation.uuid),
        before=before, after={name: shown(new[name]) for name in changed},
    )  # fmt: skip
    return rules
