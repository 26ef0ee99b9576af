from django.urls import path

from relance.web.payments import exports, reconcile, views

urlpatterns = [
    path("invoices/<uuid:invoice>/payment/", views.invoice_payment, name="invoice_payment"),
    path("customers/<uuid:customer>/payment/", views.customer_payment, name="customer_payment"),
    path("payments/<uuid:payment>/", views.payment_page, name="payment"),
    path("bank/", reconcile.entries, name="bank_entries"),
    path("bank/export.<str:fmt>", exports.bank_entries_export, name="bank_entries_export"),
    path("bank/upload/", reconcile.upload, name="bank_upload"),
    path("bank/<uuid:entry>/accept/", reconcile.accept, name="bank_entry_accept"),
    path("bank/<uuid:entry>/invoices/", reconcile.choose, name="bank_entry_choose"),
    path("bank/<uuid:entry>/ignore/", reconcile.ignore, name="bank_entry_ignore"),
    path("bank/<uuid:entry>/checked/", reconcile.checked, name="bank_entry_checked"),
]
