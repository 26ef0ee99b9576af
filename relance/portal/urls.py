from django.urls import path

from relance.portal import actions, views

app_name = "portal"
urlpatterns = [
    path("<str:token>/", views.statement, name="statement"),
    path("<str:token>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("<str:token>/qr.png", views.qr_total, name="qr_total"),
    path("<str:token>/qr/<uuid:invoice>.png", views.qr_invoice, name="qr_invoice"),
    path("<str:token>/invoices/<uuid:invoice>.pdf", views.invoice_pdf, name="invoice_pdf"),
    # What the debtor does (relance.portal.actions).
    path("<str:token>/invoices/<uuid:invoice>/dispute/", actions.dispute, name="dispute"),
    path("<str:token>/promise/", actions.promise, name="promise"),
    path("<str:token>/plan/", actions.plan, name="plan"),
    path("<str:token>/contact/", actions.contact, name="contact"),
    path("<str:token>/done/<uuid:request_id>/", actions.done, name="done"),
    # Paying online (relance.payments).
    path("<str:token>/payment/", views.pay_online, name="pay_online"),
    path("<str:token>/payment/return/", views.payment_return, name="payment_return"),
]
