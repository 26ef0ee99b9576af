"""How a staff page reaches an organisation: through the signed-in user's membership only.

Every page under ``/o/<slug>/`` is wrapped by :func:`org_view`. It resolves the membership of
the signed-in user in the organisation named by the URL (a 404 for anyone else, so that the
existence of another organisation is not even revealed), and refuses any write — every method
but GET and HEAD — to a viewer. Views then query only through ``workspace.organisation``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from relance.accounts.access import WRITE_ROLES
from relance.accounts.models import Membership, Organisation, Role, User

P = ParamSpec("P")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Workspace:
    """Who is working, for which organisation, and what they may do there."""

    user: User
    membership: Membership

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def can_write(self) -> bool:
        return self.membership.role in WRITE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.membership.role == Role.ADMIN


# A page, or a file streamed (an export).
OrgView = Callable[Concatenate[HttpRequest, Workspace, P], HttpResponseBase]


def workspace_for(request: HttpRequest, slug: str) -> Workspace:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(user=user, organisation__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404(_("Organisation inconnue."))
    return Workspace(user=user, membership=membership)


def org_view(
    view: OrgView[P] | None = None, *, admin_only: bool = False, own_account: bool = False
) -> Any:
    """Decorate a view taking ``(request, workspace, ...)``; the URL carries ``org`` (a slug).

    ``admin_only`` pages (settings, users) are refused to collectors and viewers even for
    reading, since they show secrets such as the sending configuration. ``own_account``
    pages change nothing but the signed-in person's own account (their name): a viewer may
    write there too.
    """

    def decorate(inner: OrgView[P]) -> Callable[..., HttpResponseBase]:
        @login_required
        @wraps(inner)
        def wrapper(
            request: HttpRequest, org: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            workspace = workspace_for(request, org)
            if admin_only and not workspace.is_admin:
                raise PermissionDenied(_("Cette page est réservée aux administrateurs."))
            if request.method not in SAFE_METHODS and not (workspace.can_write or own_account):
                raise PermissionDenied(_("Votre rôle permet de consulter, pas de modifier."))
            request.workspace = workspace  # type: ignore[attr-defined]
            request.session["organisation"] = workspace.organisation.slug
            return inner(request, workspace, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


# org_view(own_account=True), typed: pages that change only the signed-in person's account.
own_account_view: Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]] = (
    org_view(own_account=True)
)
