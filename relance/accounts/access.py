"""The one way to reach an organisation's data on someone's behalf.

Views, the API and commands resolve the organisation through these functions, then query
only through it, so a user of one organisation can never reach another's rows.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relance.accounts.models import Membership, Organisation, Role, User


class AccessDenied(PermissionError):
    pass


class OrganisationNotFound(LookupError):
    pass


WRITE_ROLES = frozenset({Role.ADMIN, Role.COLLECTOR})


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).order_by("legal_name")


def membership_for(user: User, organisation_uuid: str) -> Membership:
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__uuid=organisation_uuid)
        .first()
    )
    if membership is None:
        raise AccessDenied(_("Vous n'avez pas accès à cette organisation."))
    return membership


def require_write(membership: Membership) -> None:
    if membership.role not in WRITE_ROLES:
        raise AccessDenied(_("Votre rôle permet de consulter, pas de modifier."))


def organisation_by_slug(slug: str | None) -> Organisation:
    """For the command line: the named organisation, or the only one when none is named."""
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "aucune"
            raise OrganisationNotFound(
                _("Organisation « %(slug)s » introuvable (organisations existantes : %(known)s).")
                % {"slug": slug, "known": known}
            )
        return organisation
    organisations = list(Organisation.objects.all()[:2])
    if not organisations:
        raise OrganisationNotFound(
            _(
                "Aucune organisation : créez-en une avec `relance org create SLUG --name NOM "
                "--country FR`."
            )
        )
    if len(organisations) > 1:
        raise OrganisationNotFound(_("Plusieurs organisations existent : précisez --org SLUG."))
    return organisations[0]
