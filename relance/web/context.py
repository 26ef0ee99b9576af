"""Template context shared by every staff page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from relance.accounts.access import organisations_of
from relance.accounts.models import User
from relance.dunning.labels import labels_of
from relance.web.access import Workspace
from relance.web.nav import nav_links


def workspace(request: HttpRequest) -> dict[str, Any]:
    current: Workspace | None = getattr(request, "workspace", None)
    if current is None:
        return {}
    user = request.user
    assert isinstance(user, User)
    return {
        "ws": current,
        "organisation": current.organisation,
        "organisations": organisations_of(user),
        # Scenario and segment names for the label filters: read when a page uses them.
        "labels": SimpleLazyObject(lambda: labels_of(current.organisation)),
        "nav": nav_links(
            slug=current.organisation.slug, path=request.path, is_admin=current.is_admin
        ),
    }
