"""The back-office speaks English to a user who chose it, and the English catalogue is whole.

The catalogue is read with the standard library only (no polib, no GNU gettext in CI): every
entry of ``django.po`` is translated, and the compiled ``django.mo`` gives exactly the same
translations, so a .po edited without recompiling fails here.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from relance.accounts.models import Organisation, User
from relance.imports.parsers.overview import SPECS
from relance.web.imports.labels import FIELD_LABELS

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"

# url name -> (English heading, French heading): the page's <h1>.
PAGES = {
    "dashboard": ("Dashboard", "Tableau de bord"),
    "todo": ("To do", "À faire"),
    "customers": ("Customers", "Clients"),
    "invoices": ("Invoices", "Factures"),
    "sent": ("Sent reminders", "Relances envoyées"),
    "analytics": ("Analysis", "Analyse"),
    "scenarios": ("Reminder scenarios", "Scénarios de relance"),
    "segments": ("Segments", "Segments"),
    "templates": ("Message templates", "Modèles de messages"),
    "imports": ("Imports", "Imports"),
    "bank_entries": ("Reconciliation", "Rapprochement"),
    "settings": ("Settings", "Paramètres"),
}
NAV_EN = ["Dashboard", "To do", "Customers", "Invoices", "Sent reminders", "Analysis",
          "Scenarios", "Segments", "Templates", "Imports", "Reconciliation",
          "Settings"]  # fmt: skip
NAV_FR = ["Tableau de bord", "À faire", "Clients", "Factures", "Relances envoyées", "Analyse",
          "Scénarios", "Segments", "Modèles", "Imports", "Rapprochement", "Paramètres"]  # fmt: skip
# Words that only a French page would show in its navigation and headings.
FRENCH = re.compile(
    r"\b(le|la|les|des|du|de|et|à|aux|au|une?|pour|sur|faire|tableau|clients?|factures?|"
    r"relances?|envoyées|scénarios?|modèles?|paramètres|échéances?|aucune?)\b",
    re.IGNORECASE,
)


@dataclass
class Outline(HTMLParser):
    """The text of the side navigation, the <title> and the <h1> of a page."""

    nav: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    lang: str = ""
    _in: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag == "nav" and "sidenav" in (found.get("class") or ""):
            self._in.append("nav")
        elif tag in ("title", "h1"):
            self._in.append(tag)
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in and (tag == self._in[-1] or (tag == "nav" and self._in[-1] == "nav")):
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if not self._in or not data.strip():
            return
        if self._in[-1] == "nav":
            self.nav.append(data.strip())
        else:
            self.headings[-1] += data

    def heading_text(self) -> str:
        # The title ends with the product's name, which is a French word.
        return " | ".join(" ".join(h.replace("· relance", "").split()) for h in self.headings)


def outline(page: str) -> Outline:
    parsed = Outline()
    parsed.feed(page)
    return parsed


@pytest.fixture
def admin_in(signed_in: Callable[..., Client], organisation: Organisation):
    def sign_in(language: str) -> Client:
        client = signed_in(organisation, "admin")
        User.objects.filter(email=f"admin@{organisation.slug}.example").update(language=language)
        return client

    return sign_in


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_speak_english_to_an_english_user(admin_in, organisation, name):
    client = admin_in("en")
    response = client.get(reverse(name, kwargs={"org": organisation.slug}))
    assert response.status_code == 200
    page = response.content.decode()
    found = outline(page)
    english, _french = PAGES[name]
    assert found.lang == "en"
    assert found.nav == NAV_EN
    assert english in found.headings[-1]
    text = found.heading_text()
    assert not FRENCH.search(text), text
    assert not FRENCH.search(" ".join(found.nav))
    assert "Sign out" in page and "Se déconnecter" not in page


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_stay_french_by_default(admin_in, organisation, name):
    client = admin_in("fr")
    page = client.get(reverse(name, kwargs={"org": organisation.slug})).content.decode()
    found = outline(page)
    _english, french = PAGES[name]
    assert found.lang == "fr"
    assert found.nav == NAV_FR
    assert french in found.headings[-1]
    assert "Se déconnecter" in page


def test_switching_the_language_changes_the_next_page(admin_in, organisation):
    client = admin_in("fr")
    url = reverse("customers", kwargs={"org": organisation.slug})
    response = client.post(reverse("language_set"), {"language": "en", "next": url})
    assert response.status_code == 302 and response.url == url
    assert outline(client.get(url).content.decode()).nav == NAV_EN


def test_a_to_do_page_and_its_forms_in_english(admin_in, organisation, actor):
    from tests.dunning.todo_helpers import make_todo

    todo = make_todo(organisation, actor)
    client = admin_in("en")
    url = reverse("todo-detail", kwargs={"org": organisation.slug, "reminder": todo.call.uuid})
    page = client.get(url).content.decode()
    for text in ("Who to call", "Call outcome", "Promise to pay", "Payment promised by",
                 "Record the outcome", "Postpone", "Skip"):  # fmt: skip
        assert text in page, text
    for text in ("Qui appeler", "Résultat de l'appel", "Promesse de paiement", "Reporter"):
        assert text not in page, text


# --- the catalogue ----------------------------------------------------------------------------


@dataclass
class Entry:
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    strings: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


def read_po(path: Path) -> list[Entry]:
    """The active entries of a .po file, one per blank-line separated block (obsolete ``#~``
    lines are left out)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, target = Entry(), ""
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry.flags = [flag.strip() for flag in line[2:].split(",")]
                continue
            if line.startswith("#") or not line.strip():
                continue
            if not line.startswith('"'):
                target, _space, line = line.partition(" ")
            value = ast.literal_eval(line)
            if target == "msgctxt":
                entry.context = (entry.context or "") + value
            elif target == "msgid":
                entry.msgid += value
            elif target == "msgid_plural":
                entry.plural = (entry.plural or "") + value
            else:
                index = int(target[7:-1]) if target.startswith("msgstr[") else 0
                entry.strings[index] = entry.strings.get(index, "") + value
        if target:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = read_po(CATALOGUE / "django.po")
    assert entries[0].msgid == "" and "Language: en" in entries[0].strings[0]
    return entries[1:]


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    assert len(catalogue) > 500
    untranslated = [e.msgid for e in catalogue if not all(e.strings.values()) or not e.strings]
    assert not untranslated
    plurals = [e.msgid for e in catalogue if e.plural is not None and len(e.strings) != 2]
    assert not plurals
    assert not [e.msgid for e in catalogue if "fuzzy" in e.flags]


PLACEHOLDER = re.compile(r"%\((\w+)\)")


def test_translations_keep_the_placeholders(catalogue):
    for entry in catalogue:
        if "python-format" not in entry.flags:
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.plural or "")))
        for text in entry.strings.values():
            assert set(PLACEHOLDER.findall(text)) == wanted, entry.msgid


def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue:
        if entry.plural is not None:
            got = [compiled.ngettext(entry.msgid, entry.plural, n) for n in (1, 2)]
            if entry.context is not None:
                got = [compiled.npgettext(entry.context, entry.msgid, entry.plural, n)
                       for n in (1, 2)]  # fmt: skip
            wanted = [entry.strings[0], entry.strings[1]]
        elif entry.context is not None:
            got, wanted = [compiled.pgettext(entry.context, entry.msgid)], [entry.strings[0]]
        else:
            got, wanted = [compiled.gettext(entry.msgid)], [entry.strings[0]]
        if got != wanted:
            stale.append(entry.msgid)
    assert not stale, f"recompile the catalogue (compilemessages): {stale[:5]}"


def test_every_import_field_has_a_translatable_name():
    labels = {spec.label for file_spec in SPECS.values() for spec in file_spec.fields.values()}
    assert labels <= set(FIELD_LABELS)
