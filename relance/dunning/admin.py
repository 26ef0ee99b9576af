from django.contrib import admin

from relance.dunning.models import (
    CustomerDunning,
    Dispute,
    DunningSettings,
    PaymentPlan,
    PaymentPlanInstalment,
    Promise,
    Reminder,
    ReminderItem,
    Scenario,
    ScenarioStep,
    Segment,
)


@admin.register(DunningSettings)
class DunningSettingsAdmin(admin.ModelAdmin):
    list_display = ("organisation", "min_gap_days", "min_amount", "promise_grace_days")


class ScenarioStepInline(admin.TabularInline):
    model = ScenarioStep
    extra = 0
    ordering = ("position",)


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "organisation")
    list_filter = ("organisation",)
    inlines = (ScenarioStepInline,)


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("position", "key", "name", "scenario", "organisation")
    list_filter = ("organisation",)
    ordering = ("organisation", "position")


@admin.register(CustomerDunning)
class CustomerDunningAdmin(admin.ModelAdmin):
    list_display = ("customer", "segment", "segment_is_manual", "scenario", "paused",
                    "last_contact_on")  # fmt: skip
    list_filter = ("segment", "paused")
    raw_id_fields = ("customer",)
    search_fields = ("customer__name", "customer__external_ref")


class ReminderItemInline(admin.TabularInline):
    model = ReminderItem
    extra = 0
    raw_id_fields = ("instalment",)
    readonly_fields = ("instalment", "step", "outstanding")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("run_date", "customer", "step", "channel", "mode", "amount_due", "currency",
                    "status")  # fmt: skip
    list_filter = ("status", "channel", "step", "run_date")
    raw_id_fields = ("customer",)
    inlines = (ReminderItemInline,)
    show_full_result_count = False


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("invoice", "opened_on", "closed_on", "reason")
    raw_id_fields = ("invoice",)


@admin.register(Promise)
class PromiseAdmin(admin.ModelAdmin):
    list_display = ("customer", "promised_on", "amount", "recorded_on", "broken_on")
    raw_id_fields = ("customer", "invoices")


class PaymentPlanInstalmentInline(admin.TabularInline):
    model = PaymentPlanInstalment
    extra = 0


@admin.register(PaymentPlan)
class PaymentPlanAdmin(admin.ModelAdmin):
    list_display = ("customer", "agreed_on", "status", "ended_on")
    raw_id_fields = ("customer", "invoices")
    inlines = (PaymentPlanInstalmentInline,)
