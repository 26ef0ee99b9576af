from django.urls import path

from relance.web.invoices import exports, views

urlpatterns = [
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/export.<str:fmt>", exports.invoices_export, name="invoices_export"),
    path("invoices/<uuid:invoice>/", views.invoice_page, name="invoice"),
    path("invoices/<uuid:invoice>/disputes/", views.dispute_post, name="invoice_dispute"),
    path(
        "invoices/<uuid:invoice>/disputes/<uuid:dispute>/close/",
        views.dispute_close_post,
        name="invoice_dispute_close",
    ),
    path("invoices/<uuid:invoice>/promises/", views.promise_post, name="invoice_promise"),
    path("invoices/<uuid:invoice>/plans/", views.plan_post, name="invoice_plan"),
    path("invoices/<uuid:invoice>/notes/", views.note_post, name="invoice_note"),
]
