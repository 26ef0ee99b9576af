from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "relance.channels"
    label = "channels"
    verbose_name = "Canaux d'envoi"

    def ready(self) -> None:
        from relance.channels import checks  # noqa: F401  (registers the checks)
