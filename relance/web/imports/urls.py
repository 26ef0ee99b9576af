from django.urls import path

from relance.web.imports import exports, views

urlpatterns = [
    path("imports/", views.index, name="imports"),
    path("imports/upload/", views.upload, name="import_upload"),
    path("imports/pdfs/", views.pdfs_upload, name="import_pdfs"),
    path("imports/pending/<uuid:token>/", views.pending, name="import_pending"),
    path("imports/pending/<uuid:token>/mapping/", views.mapping_save, name="import_mapping"),
    path(
        "imports/pending/<uuid:token>/mapping/preview/",
        views.mapping_preview,
        name="import_mapping_preview",
    ),
    path("imports/pending/<uuid:token>/check/", views.check, name="import_check"),
    path(
        "imports/pending/<uuid:token>/errors.<str:fmt>",
        exports.errors_export,
        name="import_errors_export",
    ),
    path("imports/pending/<uuid:token>/commit/", views.commit, name="import_commit"),
    path("imports/pending/<uuid:token>/abandon/", views.abandon, name="import_abandon"),
    path("imports/<uuid:batch>/", views.batch_detail, name="import_batch"),
    path("imports/<uuid:batch>/file/", views.batch_file, name="import_batch_file"),
]
