from django.urls import path

from relance.portal import views

app_name = "portal"
urlpatterns = [
    path("<str:token>/", views.statement, name="statement"),
    path("<str:token>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("<str:token>/qr.png", views.qr_total, name="qr_total"),
    path("<str:token>/qr/<uuid:invoice>.png", views.qr_invoice, name="qr_invoice"),
    path("<str:token>/invoices/<uuid:invoice>.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("<str:token>/payment/", views.pay_online, name="pay_online"),
    path("<str:token>/payment/return/", views.payment_return, name="payment_return"),
]
