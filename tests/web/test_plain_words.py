"""No code name on a staff page: the demo's pages, in French and in English, show steps,
scenarios, segments, channels and statuses by their labels, never by their keys.

The demo is built through the real importer and daily cycle; a signed-in admin switches the
language in the header, then every page of the navigation and the pages they link to (one of
each kind, plus a task of every channel) are rendered and their visible text is read: tag
attributes, form values, URLs and ``<code>`` samples are not text a person reads as words.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relance.accounts.models import User
from relance.channels.models import OutboxStatus
from relance.dunning.models import (
    CustomerDunning,
    PaymentPlanStatus,
    Reminder,
    ReminderStatus,
    Scenario,
    ScenarioStep,
    Segment,
)
from relance.web.demo import DEMO_ADMIN, demo_build

# Text that is not read as words: scripts, styles, code samples, what a form field holds.
SKIPPED = {"script", "style", "code", "pre", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class VisibleText(HTMLParser):
    """The text nodes of a page a person reads, and the organisation's links on it."""

    prefix: str = ""
    texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    _skipping: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith(self.prefix):
            self.links.append(href.split("#")[0])
        if tag in SKIPPED:
            self._skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def read(page: str, prefix: str) -> VisibleText:
    parsed = VisibleText(prefix=prefix)
    parsed.feed(page)
    return parsed


@dataclass(frozen=True)
class Keys:
    """The code names of the demo's data. Keys that are also ordinary words (``standard``,
    ``sent``, ``legal``) are found when a text is the key alone, or quoted, parenthesised or
    arrowed as a code name is; the others (``reminder_1``, ``bad_payer``, ``vip``) anywhere."""

    words: frozenset[str]

    def found_in(self, text: str) -> list[str]:
        found = []
        for key in self.words:
            plain = re.escape(key)
            if (
                text == key
                or re.search(rf"«\s*{plain}\s*»|\({plain}\)|\b{plain}\s*→|→\s*{plain}\b", text)
                or (_not_a_word(key) and re.search(rf"(?<![\w-]){plain}(?![\w-])", text))
            ):
                found.append(key)
        return found


def _not_a_word(key: str) -> bool:
    return "_" in key or any(c.isdigit() for c in key) or key in {"vip", "todo"}


def demo_keys(organisation_id: int) -> Keys:
    words: set[str] = set()
    words |= set(
        Scenario.objects.filter(organisation_id=organisation_id).values_list("key", flat=True)
    )
    words |= set(
        ScenarioStep.objects.filter(scenario__organisation_id=organisation_id).values_list(
            "key", flat=True
        )
    )
    words |= set(
        Segment.objects.filter(organisation_id=organisation_id).values_list("key", flat=True)
    )
    words |= set(
        CustomerDunning.objects.filter(customer__organisation_id=organisation_id)
        .exclude(segment="")
        .values_list("segment", flat=True)
    )
    words |= set(ReminderStatus.values) | set(OutboxStatus.values) | set(PaymentPlanStatus.values)
    return Keys(frozenset(words))


def pure_sentences() -> frozenset[str]:
    """The French words of every sentence pure code writes (``gettext_noop`` templates in
    ``relance.core`` and the import parsers), cut at their placeholders: long enough pieces
    to be read as French, never as a name."""
    root = Path(settings.BASE_DIR) / "relance"
    pieces: set[str] = set()
    for folder in (root / "core", root / "imports" / "parsers"):
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") == "gettext_noop"
                    and isinstance(node.args[0], ast.Constant)
                ):
                    template = str(node.args[0].value).replace("%%", "%")
                    pieces |= {p.strip() for p in re.split(r"%\(\w+\)s", template)}
    return frozenset(piece for piece in pieces if len(piece) >= 20)


def shape(url: str) -> str:
    """Pages of one kind: ``/o/demo/customers/<uuid>/`` whatever the customer."""
    path = UUID.sub("#", url.split("?")[0])
    path = re.sub(r"/templates/[\w-]+/(\w+)/", "/templates/#/#/", path)
    return re.sub(r"/steps/[\w-]+/", "/steps/#/", re.sub(r"/\d+/", "/#/", path))


@pytest.fixture
def demo(db):
    login = demo_build(today=timezone.localdate(), customers=40)
    return login.organisation


def required_pages(slug: str, organisation_id: int) -> Iterator[str]:
    """Detail pages that must be seen whatever the crawl finds: a task of every channel, every
    scenario, a segment, a customer of every segment (their page explains the segments they
    are not in) and one whose segment changed."""
    tasks = Reminder.objects.filter(organisation_id=organisation_id, status=ReminderStatus.TODO)
    for channel in tasks.values_list("channel", flat=True).distinct():
        task = tasks.filter(channel=channel).first()
        assert task is not None
        yield reverse("todo-detail", kwargs={"org": slug, "reminder": task.uuid})
    for scenario in Scenario.objects.filter(organisation_id=organisation_id):
        yield reverse("scenario_detail", kwargs={"org": slug, "scenario": scenario.uuid})
    dunning = CustomerDunning.objects.filter(customer__organisation_id=organisation_id)
    for key in dunning.values_list("segment", flat=True).distinct():
        customer = dunning.filter(segment=key).values_list("customer__uuid", flat=True).first()
        yield reverse("customer", kwargs={"org": slug, "customer": customer})
    segment = Segment.objects.filter(organisation_id=organisation_id).first()
    assert segment is not None
    yield reverse("segment_edit", kwargs={"org": slug, "segment": segment.uuid})


def crawl(client: Client, start: list[str], prefix: str, budget: int = 120) -> dict[str, str]:
    """Pages reached from ``start``, one per kind (its first link found), as url -> HTML."""
    pages: dict[str, str] = {}
    seen_shapes: set[str] = set()
    queue = list(start)
    while queue and len(pages) < budget:
        url = queue.pop(0)
        kind = shape(url)
        if kind in seen_shapes and url not in start:
            continue
        seen_shapes.add(kind)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = response.content.decode()
        pages[url] = page
        queue += [link for link in read(page, prefix).links if link not in pages]
    return pages


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_code_name_shows_on_the_demo_pages(demo, language):
    slug = demo.slug
    prefix = f"/o/{slug}/"
    client = Client()
    client.force_login(User.objects.get(email=DEMO_ADMIN))
    dashboard = reverse("dashboard", kwargs={"org": slug})
    assert (
        client.post(reverse("language_set"), {"language": language, "next": dashboard}).status_code
        == 302
    )

    nav = read(client.get(dashboard).content.decode(), prefix).links
    wanted = list(required_pages(slug, demo.id))
    pages = crawl(client, list(dict.fromkeys(nav + wanted)), prefix)
    kinds = {shape(url) for url in pages}
    for kind in ("customers/#/", "invoices/#/", "todo/#/", "scenarios/#/", "segments/#/"):
        assert any(k.endswith(kind) for k in kinds), (kind, sorted(kinds))
    assert len(pages) > 20

    keys = demo_keys(demo.id)
    assert {"reminder_1", "bad_payer", "standard", "sent"} <= keys.words
    leaks = {
        (url, text[:120], key)
        for url, page in pages.items()
        for text in read(page, prefix).texts
        for key in keys.found_in(text)
    }
    assert not leaks, "\n".join(f"{url}: {key!r} in {text!r}" for url, text, key in sorted(leaks))
    html_lang = 'lang="en"' if language == "en" else 'lang="fr"'
    assert all(html_lang in page for page in pages.values())
    if language == "en":  # segment explanations, penalty notes: in English too
        french = pure_sentences()
        assert len(french) > 100
        left = {
            (url, piece)
            for url, page in pages.items()
            for text in read(page, prefix).texts
            for piece in french
            if piece in text
        }
        assert not left, "\n".join(f"{url}: {piece!r}" for url, piece in sorted(left))
