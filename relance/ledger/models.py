"""Customers, invoices and their instalments, credit notes, payments and allocations.

What a customer owes is never stored: it is each instalment's amount less what was allocated
to it (see ``selectors``). Amounts are in the currency of their document and never summed
across currencies.

A foreign key that leads a composite index or unique constraint of its model has
``db_index=False``: a second index on the same column would only slow down large imports.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation


def money_field(
    verbose_name: str | None = None, *, default: Decimal | None = None
) -> models.DecimalField[Decimal, Decimal]:
    """An amount in the currency of its document, to the cent."""
    if default is None:
        return models.DecimalField(verbose_name, max_digits=14, decimal_places=2)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, default=default)


class CustomerKind(models.TextChoices):
    B2B = "B2B", _("Entreprise")
    B2C = "B2C", _("Particulier")
    PUBLIC = "PUBLIC", _("Organisme public")


class Language(models.TextChoices):
    """The languages a debtor may read, each named in its own words (never translated):
    the one list of their names, for staff and debtor pages alike."""

    FR = "fr", "Français"
    NL = "nl", "Nederlands"
    EN = "en", "English"
    DE = "de", "Deutsch"


class Customer(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    external_ref = models.CharField("référence client", max_length=64)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField(max_length=6, choices=CustomerKind.choices, default=CustomerKind.B2B)
    country = models.CharField("pays", max_length=2, default="FR")
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.FR)
    siren = models.CharField(max_length=9, blank=True)
    siret = models.CharField(max_length=14, blank=True)
    vat_number = models.CharField("n° de TVA", max_length=20, blank=True)
    enterprise_number = models.CharField("n° d'entreprise (BE)", max_length=10, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    address_line1 = models.CharField("adresse", max_length=200, blank=True)
    address_line2 = models.CharField("complément d'adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=20, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    payment_terms = models.CharField("conditions de paiement", max_length=40, blank=True)
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_customers",
    )
    customer_since = models.DateField("client depuis", null=True, blank=True)
    notes = models.TextField(blank=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "external_ref"], name="customer_ref_unique"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["organisation", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_ref})"


class ContactRole(models.TextChoices):
    BILLING = "billing", _("Facturation")
    ACCOUNTING = "accounting", _("Comptabilité")
    OPERATIONS = "operations", _("Opérationnel")


class Contact(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("nom", max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=ContactRole.choices, default=ContactRole.BILLING)
    email = models.EmailField(blank=True)
    phone = models.CharField("téléphone (E.164)", max_length=16, blank=True)
    is_primary = models.BooleanField("principal", default=False)
    in_copy = models.BooleanField("en copie", default=False)
    # A hard bounce came back from this address (its DSN status, e.g. "5.1.1"): flagged until
    # a message to it is shown delivered (an opening or a reply) or the address changes.
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_status = models.CharField(max_length=20, blank=True, default="", db_default="")

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True),
                name="contact_one_primary_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email or self.phone


class Invoice(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="invoices", db_index=False
    )
    number = models.CharField("n° de facture", max_length=64)
    issue_date = models.DateField("date d'émission")
    currency = models.CharField(max_length=3, default="EUR")
    amount_incl_tax = money_field("montant TTC")
    payment_terms = models.CharField(max_length=40, blank=True)
    # The reference printed on the invoice by the software that issued it (RF, Belgian +++,
    # or free text; see ``relance.core.payment_reference.invoice_reference``): a transfer
    # that carries it pays this invoice.
    payment_reference = models.CharField("référence de paiement", max_length=64, blank=True)
    # The customer's own references the invoice answers to, as the issuing software wrote
    # them: shown on the invoice page and usable in reminder templates (``items``).
    order_reference = models.CharField(
        "référence de commande", max_length=64, blank=True, default="", db_default=""
    )
    quote_reference = models.CharField(
        "référence du devis", max_length=64, blank=True, default="", db_default=""
    )
    contract_reference = models.CharField(
        "référence du contrat", max_length=64, blank=True, default="", db_default=""
    )
    pdf = models.FileField(upload_to="invoices/", blank=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="invoice_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_incl_tax__gt=0), name="invoice_amount_positive"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["customer", "issue_date"]),
            # Looked up by the search box; most invoices carry none.
            models.Index(
                fields=["organisation", "payment_reference"], name="invoice_payment_reference",
                condition=~models.Q(payment_reference=""),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.number


class Instalment(models.Model):
    """One due date of an invoice: the unit whose reminders are tracked."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="instalments", db_index=False
    )
    # Copied from the invoice so that "what is due for this customer" needs no join.
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="instalments", db_index=False
    )
    sequence = models.PositiveSmallIntegerField(default=1)
    due_date = models.DateField("échéance")
    amount = money_field("montant")

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["invoice", "sequence"], name="instalment_seq_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="instalment_positive"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "due_date"]),
            models.Index(fields=["customer", "due_date"]),
            # The invoice list sorted by amount, without sorting a million rows. Partial, so
            # that only a query asking for "amount IS NOT NULL" uses it: SQLite, without
            # statistics, would otherwise prefer it to the customer index for every
            # "organisation = ? AND customer = ?" (the newest index wins ties).
            models.Index(
                fields=["organisation", "amount"],
                condition=models.Q(amount__isnull=False),
                name="instalment_amount_idx",
            ),
        ]
        ordering: ClassVar[list[str]] = ["invoice_id", "sequence"]

    def __str__(self) -> str:
        return f"{self.invoice_id}#{self.sequence} {self.due_date}"


class CreditNote(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField("n° d'avoir", max_length=64)
    issue_date = models.DateField()
    currency = models.CharField(max_length=3, default="EUR")
    amount = money_field("montant TTC")
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="credit_notes"
    )
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="credit_note_number_unique"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="credit_note_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="payments", db_index=False
    )
    # The payer's or the bank's reference; unique per organisation so re-imports match.
    reference = models.CharField(max_length=100)
    date = models.DateField("date de paiement")
    currency = models.CharField(max_length=3, default="EUR")
    amount = money_field("montant")
    method = models.CharField(max_length=30, blank=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Undone by the bank (a reversal, a direct-debit return): kept for the record, it pays
    # nothing any more (its allocations are removed; see ``services.payments_reverse``).
    reversed_on = models.DateField("annulé le", null=True, blank=True)
    # A default in the database too: payments are also written by bulk inserts that name
    # only the columns they fill.
    reversal_reason = models.CharField(
        "motif d'annulation", max_length=100, blank=True, default="", db_default=""
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="payment_reference_unique"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["customer", "date"])]

    def __str__(self) -> str:
        return self.reference


class Allocation(models.Model):
    """Part of a payment or credit note applied to one instalment (lettrage).

    Whoever makes or removes payment allocations then calls
    ``relance.dunning.reminder_facts.reminder_facts_refresh`` for the instalments touched
    (the ledger's services cannot: the reminders sit above the ledger), so that the analysis
    reads what the reminded items were paid without joining the allocations.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    instalment = models.ForeignKey(
        Instalment, on_delete=models.CASCADE, related_name="allocations", db_index=False
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.CASCADE, related_name="allocations"
    )
    # Indexed only where set (see Meta): most allocations come from payments.
    credit_note = models.ForeignKey(
        CreditNote,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="allocations",
        db_index=False,
    )
    amount = money_field()
    date = models.DateField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(
                    models.Q(payment__isnull=False, credit_note__isnull=True)
                    | models.Q(payment__isnull=True, credit_note__isnull=False)
                ),
                name="allocation_one_source",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_positive"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["instalment", "date"]),
            models.Index(
                fields=["credit_note"],
                condition=models.Q(credit_note__isnull=False),
                name="allocation_credit_note_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} -> {self.instalment_id}"


class CustomerBalance(models.Model):
    """What a customer owes in one currency, aged, as of a day: a summary kept for lists.

    The ledger (instalments less allocations) stays the truth; this table is rebuilt from it by
    ``relance.ledger.balances.customer_balances_refresh`` after every write that changes what
    is owed and each morning (ageing moves with the calendar), so that lists of 100,000
    customers can be sorted and filtered by amount without summing a million instalments.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="balances", db_index=False
    )
    currency = models.CharField(max_length=3)
    as_of = models.DateField()
    outstanding = money_field("encours")
    overdue = money_field("échu")
    not_due = money_field("non échu")
    days_1_30 = money_field("1 à 30 jours")
    days_31_60 = money_field("31 à 60 jours")
    days_61_90 = money_field("61 à 90 jours")
    days_over_90 = money_field("plus de 90 jours")
    open_items = models.PositiveIntegerField()
    oldest_due_date = models.DateField(null=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["customer", "currency"], name="balance_unique"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "-outstanding"]),
            models.Index(fields=["organisation", "-overdue"]),
            # The customer list: one currency at a time, read in amount order; the customer
            # in the index lets a filter on customers be checked without reading the row.
            models.Index(fields=["organisation", "currency", "-overdue", "customer"]),
            models.Index(fields=["organisation", "currency", "-outstanding", "customer"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.outstanding} {self.currency}"


class Note(models.Model):
    """A staff note on a customer, or on one of its invoices; part of the customer's history."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="staff_notes", db_index=False
    )
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.CASCADE, related_name="staff_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    text = models.TextField("note")
    created_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["customer", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"Note {self.customer_id} {self.created_at:%Y-%m-%d}"


class PortalLink(models.Model):
    """A customer's link to the debtor portal. Only the hashes of its token and of its short
    code are kept: both are derived from ``uuid`` and the secret key
    (``relance.ledger.portal_links``), so a copy of the database alone opens no account."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="portal_links")
    token_hash = models.CharField(max_length=64, unique=True)
    # Null for a link issued before short codes: it gets one the next time it is reused.
    short_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"PortalLink {self.customer_id} {self.expires_at:%Y-%m-%d}"


class PortalHit(models.Model):
    """One request to the portal from a network address: the rate limit counts these."""

    ip = models.GenericIPAddressField()
    at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.ip} {self.at:%Y-%m-%d %H:%M}"


class PortalCode(models.Model):
    """A one-time code e-mailed to a customer's billing address before a sensitive portal
    action. Only its salted hash is kept; it expires, and a few wrong tries end it."""

    link = models.ForeignKey(PortalLink, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"PortalCode {self.link_id} {self.created_at:%Y-%m-%d %H:%M}"
