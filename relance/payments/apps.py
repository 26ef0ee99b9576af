from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "relance.payments"
    label = "payments"
    verbose_name = "Paiement en ligne"
