from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "relance.web"
    label = "web"
    verbose_name = "Back-office"
