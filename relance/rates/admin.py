from django.contrib import admin
from django.http import HttpRequest

from relance.rates.models import AddedRate


@admin.register(AddedRate)
class AddedRateAdmin(admin.ModelAdmin):
    """Read-only: rates are added with ``relance rates add`` (checked and audited)."""

    list_display = ("table", "start", "end", "rate", "verified", "replace", "added_at",
                    "added_by", "added_by_label")  # fmt: skip
    list_filter = ("table", "verified")
    search_fields = ("source", "note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
