from django.apps import AppConfig


class CycleConfig(AppConfig):
    """The morning cycle: it orchestrates ledger, dunning, channels and reports, and sits above
    them so that none of them imports another in a circle."""

    name = "relance.cycle"
    label = "cycle"
    verbose_name = "Cycle quotidien"
