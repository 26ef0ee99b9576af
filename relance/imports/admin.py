from django.contrib import admin

from relance.imports.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "organisation",
        "kind",
        "filename",
        "status",
        "created",
        "updated",
        "unchanged",
    )
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
