from django.contrib import admin

from relance.ledger.models import (
    Allocation,
    Contact,
    CreditNote,
    Customer,
    Instalment,
    Invoice,
    Payment,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    exclude = ("organisation",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("external_ref", "name", "kind", "country", "language", "organisation")
    list_filter = ("organisation", "kind", "country", "language")
    search_fields = ("external_ref", "name", "vat_number", "siren")
    list_select_related = ("organisation",)
    inlines = (ContactInline,)
    raw_id_fields = ("collector", "import_batch")


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    fields = ("sequence", "due_date", "amount")


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "issue_date", "amount_incl_tax", "currency")
    list_filter = ("organisation", "currency")
    search_fields = ("number", "customer__name", "customer__external_ref")
    list_select_related = ("customer",)
    raw_id_fields = ("customer", "import_batch")
    inlines = (InstalmentInline,)
    show_full_result_count = False


@admin.register(CreditNote)
class CreditNoteAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "issue_date", "amount", "currency")
    search_fields = ("number", "customer__name")
    raw_id_fields = ("customer", "invoice", "import_batch")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("reference", "customer", "date", "amount", "currency", "method")
    search_fields = ("reference", "customer__name")
    raw_id_fields = ("customer", "import_batch")
    show_full_result_count = False


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ("instalment", "payment", "credit_note", "amount", "date")
    raw_id_fields = ("instalment", "payment", "credit_note")
    show_full_result_count = False
