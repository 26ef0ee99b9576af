from django.contrib import admin

from relance.channels.models import (
    DeliveryEvent,
    OutboundMessage,
    PostalDispatch,
    SendingDomain,
    SmsOptOut,
)


class DeliveryEventInline(admin.TabularInline):
    model = DeliveryEvent
    extra = 0
    readonly_fields = ("kind", "at", "detail")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "customer", "channel", "subject", "status", "attempts",
                    "sent_at")  # fmt: skip
    list_filter = ("status", "channel")
    search_fields = ("subject", "message_id", "customer__name")
    raw_id_fields = ("customer", "reminder")
    inlines = (DeliveryEventInline,)
    show_full_result_count = False
    # What left is evidence: it is read, never edited.
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]


@admin.register(SendingDomain)
class SendingDomainAdmin(admin.ModelAdmin):
    list_display = ("domain", "dkim_selector", "organisation", "created_at")
    exclude = ("dkim_private_key",)  # sealed; never shown


@admin.register(PostalDispatch)
class PostalDispatchAdmin(admin.ModelAdmin):
    list_display = ("reminder", "printed_on", "registered_number", "posted_on",
                    "acknowledged_on")  # fmt: skip
    raw_id_fields = ("reminder",)


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    list_display = ("phone", "organisation", "source", "created_at")
