"""``relance check`` says where e-mails go when they would not reach anybody."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from relance.channels.email.transports import CONSOLE, email_destination


@checks.register()
def email_goes_somewhere(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.EMAIL_BACKEND != CONSOLE:
        return []
    return [
        checks.Warning(
            email_destination(),
            hint="EMAIL_URL=smtp://utilisateur:motdepasse@serveur:587?tls=1 pour envoyer "
            "(voir docs/configuration.md).",
            id="relance.W001",
        )
    ]
