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
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from relance.accounts.models import Organisation, User
from relance.cli import cli_language, main
from relance.core.penalties import compute_penalties
from relance.core.rates import load_rate_tables
from relance.core.segmentation import Condition
from relance.dunning.segment_edit import SegmentDraft, SegmentEditError, segment_create
from relance.dunning.segments import segments_ensure_defaults, segments_recompute
from relance.imports.models import PendingUpload
from relance.imports.parsers.overview import SPECS
from relance.web.imports.labels import FIELD_LABELS
from relance.web.invoices.penalties import staff_lines
from tests.web.ledger_data import customer, today

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


# --- what pure code and services say reaches staff in their language ---------------------------


def test_a_segment_explanation_follows_the_readers_language(admin_in, organisation, actor):
    shop = customer(organisation, actor, "K9", "Quincaillerie Roux")
    segments_recompute(organisation=organisation, as_of=today(organisation), actor=actor)
    address = reverse("customer", kwargs={"org": organisation.slug, "customer": shop.uuid})
    english = admin_in("en").get(address).content.decode()
    assert "no payment history yet: no invoice paid nor left unpaid more than 15" in english
    assert "historique de paiement" not in english
    french = admin_in("fr").get(address).content.decode()
    assert "pas encore d&#x27;historique de paiement" in french


def test_penalty_notes_follow_the_readers_language():
    result = compute_penalties(
        regime="FR-B2B", amount=Decimal("1000.00"), due_date=date(2024, 1, 31),
        until=date(2024, 5, 1), payments=[(date(2024, 3, 1), Decimal("1000.00"))],
        tables=load_rate_tables(),
    )  # fmt: skip
    with translation.override("en"):
        english = "\n".join(staff_lines(result))
    with translation.override("fr"):
        french = "\n".join(staff_lines(result))
    assert "Default statutory rate: ECB rate in force on 1 January or 1 July + 10 points" in english
    assert "Balance settled on 1 March 2024: interest stops there." in english
    assert "Taux légal par défaut" not in english and "Solde réglé" not in english
    assert "Solde réglé le 01/03/2024 : les intérêts s'arrêtent là." in french


def test_a_rule_the_core_refuses_is_explained_in_the_readers_language(organisation, actor):
    segments_ensure_defaults(organisation)
    draft = SegmentDraft(name="Gros comptes", match="some", scenario=None, priority=1,
                         conditions=(Condition("invoices", ">", Decimal("10")),))  # fmt: skip
    for language, wanted in (
        ("en", "“some”: expected any (one of them) or all (all of them)"),
        ("fr", "« some » : attendu any (l'une) ou all (toutes)"),
    ):
        with translation.override(language), pytest.raises(SegmentEditError) as refused:
            segment_create(organisation=organisation, key="big", draft=draft, actor=actor)
        assert refused.value.message == wanted


def test_an_import_file_error_is_listed_in_the_readers_language(admin_in, organisation):
    client = admin_in("en")
    data = b"id;name;country;customer_since\nC1;Roux;Atlantide;31/02/2026\n"
    upload = client.post(
        reverse("import_upload", kwargs={"org": organisation.slug}),
        {"kind": "customers", "file": SimpleUploadedFile("clients.csv", data)},
    )
    assert upload.status_code == 302, upload.content.decode()[:1000]
    token = PendingUpload.objects.get().token
    check = reverse("import_check", kwargs={"org": organisation.slug, "token": token})
    shown = client.post(check, follow=True).content.decode()
    assert "unknown country “Atlantide” (expected a 2-letter ISO code, e.g. FR, BE)" in shown
    assert "invalid date “31/02/2026” (expected DD/MM/YYYY or YYYY-MM-DD)" in shown
    assert "pays inconnu" not in shown and "date invalide" not in shown


@pytest.fixture
def bad_scenarios(tmp_path: Path) -> Path:
    path = tmp_path / "scenarios.yaml"
    path.write_text(
        "scenarios:\n  - key: soft\n    steps:\n"
        "      - {key: first, offset: soon, channel: email, mode: auto}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("arguments", "environment", "wanted"),
    [
        (["--language", "en"], {}, "Scenarios refused, nothing changed: scenario “soft”, "
         "step 1: “offset” must be a whole number of days"),
        ([], {"LANGUAGE": "en_GB:en"}, "Scenarios refused, nothing changed"),
        ([], {}, "Scénarios refusés, rien n'a changé : scénario « soft », étape 1 : « offset » "
         "doit être un nombre de jours entier"),
    ],
)  # fmt: skip
def test_the_command_line_speaks_the_language_asked_for(
    organisation, bad_scenarios, capsys, monkeypatch, arguments, environment, wanted
):
    monkeypatch.delenv("LANGUAGE", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    try:
        code = main([*arguments, "scenarios", "import", str(bad_scenarios),
                     "--org", organisation.slug])  # fmt: skip
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert code == 1
    assert wanted in capsys.readouterr().err


def test_the_language_option_is_read_before_the_command():
    assert cli_language(["--language", "en", "import", "x"], {}) == ("en", ["import", "x"])
    assert cli_language(["--language=en", "help"], {}) == ("en", ["help"])
    assert cli_language(["help"], {"LANGUAGE": "en_US.UTF-8:fr"}) == ("en", ["help"])
    assert cli_language(["preview", "--language", "nl"], {}) == (
        "",
        ["preview", "--language", "nl"],
    )


# --- no raw French reason left in a raise -----------------------------------------------------

RELANCE = Path(settings.BASE_DIR) / "relance"
FRENCH_WORDS = re.compile(r"[éèàêçùôûîâœ«»]|\b(le|la|les|des|une?|est|pas|sans|avec|pour|dans)\b")
# Errors no person reads: programming mistakes that a test or a developer sees, in code that
# only ever receives checked values. (file, start of the message)
NEVER_SHOWN = {
    ("channels/templating/guards.py", "un modèle utilisateur se rend seulement par render()"),
    ("core/formatting.py", "langue « "),
    ("core/formatting.py", "style de date : « short » ou « long »"),
    ("core/penalties/regimes.py", "montant invalide : "),
    ("core/penalties/wording.py", "langue « "),
    ("imports/parsers/headers.py", ": « "),
}


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return None


def raw_french_reasons(root: Path) -> list[tuple[str, int, str]]:
    """``raise SomeError("... French ...")`` or an f-string: a reason no catalogue can
    translate (messages go through gettext, or ``relance.core.text`` in pure code)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            text = _literal(node.exc.args[0]) if node.exc.args else None
            if text is None or not FRENCH_WORDS.search(text):
                continue
            where = path.relative_to(root).as_posix()
            if not any(where == file and text.startswith(start) for file, start in NEVER_SHOWN):
                found.append((where, node.lineno, text[:80]))
    return found


def test_no_raw_french_reason_is_raised():
    assert not raw_french_reasons(RELANCE)


def test_the_scan_finds_a_raw_french_reason(tmp_path):
    (tmp_path / "service.py").write_text(
        'def check(n):\n    raise ValueError(f"montant négatif « {n} »")\n', encoding="utf-8"
    )
    (tmp_path / "fine.py").write_text(
        "from django.utils.translation import gettext as _\n"
        'def check(n):\n    raise ValueError(_("montant négatif « %(n)s »") % {"n": n})\n',
        encoding="utf-8",
    )
    assert raw_french_reasons(tmp_path) == [("service.py", 2, "montant négatif «  »")]
