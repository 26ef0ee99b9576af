"""The side navigation: one entry per area, shown only once its pages exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    admin_only: bool = False


NAV: tuple[NavEntry, ...] = (
    NavEntry("dashboard", _("Tableau de bord")),
    NavEntry("todo", _("À faire")),
    NavEntry("customers", _("Clients")),
    NavEntry("invoices", _("Factures")),
    NavEntry("sent", _("Relances envoyées")),
    NavEntry("analytics", _("Analyse")),
    NavEntry("scenarios", _("Scénarios")),
    NavEntry("segments", _("Segments")),
    NavEntry("templates", _("Modèles")),
    NavEntry("imports", _("Imports")),
    NavEntry("bank_entries", _("Rapprochement")),
    NavEntry("settings", _("Paramètres"), admin_only=True),
)


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str | Promise
    current: bool


def nav_links(*, slug: str, path: str, is_admin: bool) -> list[NavLink]:
    links: list[NavLink] = []
    for entry in NAV:
        if entry.admin_only and not is_admin:
            continue
        try:
            url = reverse(entry.url_name, kwargs={"org": slug})
        except NoReverseMatch:
            continue
        current = path == url if entry.url_name == "dashboard" else path.startswith(url)
        links.append(NavLink(url=url, label=entry.label, current=current))
    return links
