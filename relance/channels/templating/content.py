"""A content check before a reminder leaves: spam signals, aggressive wording, mismatches.

``check_content`` returns a score and its reasons. At ``HOLD_THRESHOLD`` points or more an
automatic send is held back for a person to look at (the reasons say what to fix). The
check scores *phrasing*, not legal substance: a formal notice says "mise en demeure" and
mentions court action, and that costs nothing; "vous serez poursuivi !!!" does.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.utils.translation import gettext

from relance.channels.templating.context import LANGUAGES

HOLD_THRESHOLD = 5
# Each part (subject, text, HTML) is read only up to this size, in UTF-8 bytes (about a
# second of reading): the shipped templates list every open invoice (a 2 MB HTML part is some
# 9,000 invoices), while what a user's template prints stops far below, at the message cap.
MAX_CHECKED_BYTES = 2_000_000
MAX_LINKS = 3
MAX_IMAGES = 2
MAX_ATTACHMENTS_BYTES = 5 * 1024 * 1024
RISKY_EXTENSIONS = (".exe", ".js", ".bat", ".cmd", ".scr", ".vbs", ".jar", ".msi", ".com")

# Aggressive or threatening phrasing (regular expressions, case-insensitive). Legal terms
# alone (mise en demeure, procédure judiciaire, formal notice, court proceedings) are fine.
AGGRESSIVE: dict[str, tuple[str, ...]] = {
    "fr": (
        r"dernier avertissement\s*!", r"huissier\s+(?:imm[ée]diatement|d[èe]s demain)",
        r"vous serez poursuivie?s?", r"nous allons vous poursuivre", r"saisie imm[ée]diate",
        r"nous saisirons", r"mauvais payeur", r"escroc", r"honte", r"inadmissible",
        r"votre employeur sera", r"pr[ée]venir votre (?:employeur|famille|entourage)",
        r"vous n'avez plus le choix", r"derni[èe]re chance",
    ),
    "en": (
        r"final warning\s*!", r"we will sue you", r"you will be sued", r"last chance",
        r"deadbeat", r"shame on you", r"we know where you", r"your employer will be",
        r"bailiffs? (?:immediately|tomorrow)", r"you have no choice",
    ),
    "nl": (
        r"laatste waarschuwing\s*!", r"wij (?:slepen|dagen) u (?:voor de rechter|onmiddellijk)",
        r"deurwaarder onmiddellijk", r"wanbetaler", r"laatste kans",
    ),
    "de": (
        r"letzte warnung\s*!", r"wir verklagen sie", r"gerichtsvollzieher sofort",
        r"s[äa]umiger zahler", r"letzte chance", r"schuldnerliste",
    ),
}  # fmt: skip

SPAM: dict[str, tuple[str, ...]] = {
    "fr": (
        r"gratuit(?:e|s|es|ement)?", r"urgent\s*!+", r"100\s*%\s*garanti", r"cliquez ici",
        r"offre exclusive",
        r"f[ée]licitations", r"gagnant", r"argent facile", r"sans engagement", r"promo",
    ),
    "en": (
        r"free", r"act now", r"winner", r"click here", r"\$\$\$", r"100\s*%\s*guaranteed",
        r"risk[- ]free", r"limited time", r"congratulations", r"cash bonus", r"urgent\s*!+",
    ),
    "nl": (r"gratis", r"klik hier", r"winnaar", r"gefeliciteerd"),
    "de": (r"kostenlos", r"gratis", r"klicken sie hier", r"gewinner", r"herzlichen glückwunsch"),
}  # fmt: skip

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_LEGAL_FORMS = frozenset(
    [
        "SA",
        "SAS",
        "SASU",
        "SARL",
        "EURL",
        "SCI",
        "SNC",
        "SRL",
        "SPRL",
        "NV",
        "BV",
        "BVBA",
        "VZW",
        "ASBL",
        "GMBH",
        "AG",
        "KG",
        "OHG",
        "LTD",
        "PLC",
        "LLP",
        "INC",
        "TVA",
        "BTW",
        "IBAN",
        "BIC",
        "RF",
    ]
)
# Every expression below runs in linear time on any text, however hostile (a template can
# print 200,000 characters of anything): no two quantifiers compete for the same characters.
# An amount has at most six thousands separators (a trillion of trillions): unbounded, each
# digit of a long "1,000,000,…" chain would start a scan to its end, in quadratic time.
_AMOUNT = re.compile(r"\d{1,3}(?:[ .,\u00a0\u202f]\d{3}){0,6}[.,]\d{2}(?!\d)")
# Identifiers are the runs of these characters holding a digit. A run starts where the one
# character before is not of the run; its digitless head is taken possessively, so a run
# without a digit is given up at its end, without going back over it (linear time).
_RUN_WITH_DIGIT = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z+/_-]*+[0-9][A-Za-z0-9+/_-]*")
_SPACES = re.compile(r"\s+")
_URL = re.compile(r"https?://[^\s<>\"')]+", re.IGNORECASE)
_DOMAIN = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?=[/:\s]|$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    message_fr: str
    points: int


@dataclass(frozen=True, slots=True)
class ContentReport:
    score: int
    reasons: list[Reason] = field(default_factory=list)

    @property
    def hold(self) -> bool:
        """True when an automatic send must wait for a person."""
        return self.score >= HOLD_THRESHOLD

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


# The tags after which (or before which) the text gets a space, as a browser breaks the line.
_SPACED_START = frozenset(("br", "p", "div", "tr", "td", "th", "li", "table"))
_SPACED_END = frozenset(("p", "div", "tr", "td", "th", "li"))


class _HtmlFacts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, visible text)
        self.images = 0
        self._link: tuple[str, list[str]] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("style", "script", "head"):
            self._skip += 1
        elif tag == "a" and values.get("href"):
            self._link = (values["href"], [])
        elif tag == "img":
            self.images += 1
        if tag in _SPACED_START:
            self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._link is not None:
            href, parts = self._link
            self.links.append((href, "".join(parts)))
            self._link = None
        if tag in _SPACED_END:
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._link is not None:
            self._link[1].append(data)


# Markup written plainly (what the templates and the CSS inliner produce): tags with simple
# names and quoted attribute values, the doctype, simple comments. Read with two regular
# expressions, it gives the parser's very calls at a fraction of its cost; anything else
# (scripts, styles, a stray "<", unquoted values) goes through HTMLParser itself.
_SPACE = "[ \t\n\r\f]"
_NAME = "[a-zA-Z_:][-a-zA-Z0-9_:.]*"
_PLAIN_TAG = re.compile(
    rf"<([a-zA-Z][a-zA-Z0-9]*)((?:{_SPACE}+{_NAME}(?:{_SPACE}*={_SPACE}*(?:\"[^\"]*\"|'[^']*'))?)*)"
    rf"{_SPACE}*(/?)>|</([a-zA-Z][a-zA-Z0-9]*){_SPACE}*>|<!DOCTYPE[^<>]*>"
    r"|<!--(?![>-])(?:(?!--)[\s\S])*-->",  # a comment holding no "--"
    re.IGNORECASE,
)
_PLAIN_ATTR = re.compile(rf"({_NAME})(?:{_SPACE}*={_SPACE}*(?:\"([^\"]*)\"|'([^']*)'))?")


def _feed_plain(parsed: _HtmlFacts, html: str) -> bool:
    """Give ``parsed`` what HTMLParser's calls to its handlers would give it for ``html``;
    False (and ``parsed`` to be thrown away) as soon as the markup is not written plainly.

    The handlers' work is done here, inline (every message runs through this, some sixty
    tags each): the same text, links and images, as a test checks against HTMLParser."""
    text, position = parsed.text, 0
    while True:
        start = html.find("<", position)
        data = html[position:] if start < 0 else html[position:start]
        if data:
            if "&" in data:
                data = html_lib.unescape(data)
            if not parsed._skip:
                text.append(data)
                if parsed._link is not None:
                    parsed._link[1].append(data)
        if start < 0:
            return True
        match = _PLAIN_TAG.match(html, start)
        if match is None:
            return False
        position = match.end()
        name, attributes, closed, end = match.groups()
        if name:
            tag = name.lower()
            if tag in HTMLParser.CDATA_CONTENT_ELEMENTS:
                return False
            _start_tag(parsed, tag, attributes)
            if closed:
                _end_tag(parsed, tag)
        elif end:
            _end_tag(parsed, end.lower())


def _start_tag(parsed: _HtmlFacts, tag: str, attributes: str) -> None:
    """``_HtmlFacts.handle_starttag``, reading only a link's attributes."""
    if tag == "head":
        parsed._skip += 1
    elif tag == "a":
        href = dict(_attributes(attributes)).get("href")
        if href:
            parsed._link = (href, [])
    elif tag == "img":
        parsed.images += 1
    if tag in _SPACED_START:
        parsed.text.append(" ")


def _end_tag(parsed: _HtmlFacts, tag: str) -> None:
    """``_HtmlFacts.handle_endtag``."""
    if tag == "head":
        parsed._skip = max(0, parsed._skip - 1)
    elif tag == "a" and parsed._link is not None:
        href, parts = parsed._link
        parsed.links.append((href, "".join(parts)))
        parsed._link = None
    if tag in _SPACED_END:
        parsed.text.append(" ")


def _attributes(written: str) -> list[tuple[str, str | None]]:
    return [(found.group(1).lower(), _attribute_value(found.group(2), found.group(3)))
            for found in _PLAIN_ATTR.finditer(written)]  # fmt: skip


def _attribute_value(double: str | None, single: str | None) -> str | None:
    """As HTMLParser gives it: None without a value, else unquoted and unescaped."""
    value = double if double is not None else single
    return html_lib.unescape(value) if value else value


def _html_facts(html: str) -> _HtmlFacts:
    parsed = _HtmlFacts()
    if not _feed_plain(parsed, html):
        parsed = _HtmlFacts()
        parsed.feed(html)
        # ``feed`` stops at a tag, comment or declaration left open. ``close`` would then read
        # the rest again from each following "<", in quadratic time ("<a <a <a …" of 20,000
        # characters costs seconds); as HTML itself says (and Python from 3.13.4), what is
        # open at the end runs to the end of the document and shows nothing.
        if not parsed.rawdata.startswith("<"):
            parsed.close()
    return parsed


def _caps_reason(subject: str) -> Reason | None:
    words = [w for w in _WORD.findall(subject) if len(w) >= 2 and w.upper() not in _LEGAL_FORMS]
    if not words:
        return None
    shouting = [w for w in words if w.isupper() and len(w) >= 3]
    letters = [c for c in subject if c.isalpha()]
    if len(letters) >= 8 and all(c.isupper() for c in letters):
        return Reason("subject_caps", "objet entièrement en majuscules", 3)
    if len(shouting) * 2 > len(words):
        return Reason("subject_caps", "objet : plus de la moitié des mots en majuscules", 2)
    return None


@lru_cache(maxsize=64)
def _screen(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a whole list: a text without any of them is rejected in a
    single pass (most messages are clean), before looking for which ones matched."""
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=16)
def _any_phrase(language: str) -> re.Pattern[str]:
    """Every aggressive and spam phrase of the language and of English in one expression: a
    clean message, the usual case, is read once instead of once per list."""
    languages = dict.fromkeys((language, "en"))
    return _screen(tuple(pattern for table in (AGGRESSIVE, SPAM) for lang in languages
                         for pattern in table.get(lang, ())))  # fmt: skip


@lru_cache(maxsize=16)
def _any_phrase_lowered(language: str) -> re.Pattern[str]:
    """``_any_phrase`` for a text already lowered: the same expression, case-sensitive."""
    return re.compile(_any_phrase(language).pattern)


def _has_phrase(text: str, language: str) -> bool:
    """Whether any phrase of the language (or English) is in the text.

    Python's case-insensitive search costs three times a plain one. On the text lowered first,
    a plain search gives the same answer as long as every character of the text that has a
    case is in Latin-1 (beyond it, a few letters match what ``lower`` does not give: "ſ" an
    "s", the Kelvin sign a "k", "İ" an "i"), which is the case of nearly every message."""
    if any(char.lower() != char or char.upper() != char for char in set(text) if char > "\xff"):
        return _any_phrase(language).search(text) is not None
    return _any_phrase_lowered(language).search(text.lower()) is not None


def _phrases(table: dict[str, tuple[str, ...]], text: str, language: str) -> list[str]:
    found: list[str] = []
    for lang in dict.fromkeys((language, "en")):
        patterns = table.get(lang, ())
        if not patterns or not _screen(tuple(patterns)).search(text):
            continue
        for pattern in patterns:
            match = re.search(rf"(?<!\w)(?:{pattern})(?!\w)", text, re.IGNORECASE)
            if match and match.group(0) not in found:
                found.append(match.group(0))
    return found


def _compact(text: str) -> str:
    return _SPACES.sub("", text.replace("\u00a0", " ").replace("\u202f", " "))


def _facts(text: str) -> list[str]:
    """Amounts and identifiers (invoice numbers, IBAN, references) of a plain text."""
    facts = [_compact(m.group(0)) for m in _AMOUNT.finditer(text)]
    without_urls = _URL.sub(" ", text)
    for run in _RUN_WITH_DIGIT.findall(without_urls):
        token = run.strip("+/-_")
        if len(token) >= 4 and sum(c.isdigit() for c in token) >= 2:
            facts.append(token)
    return list(dict.fromkeys(facts))


def _shown_domain(text: str) -> str | None:
    text = text.strip()
    if "@" in text and " " not in text:
        return text.rsplit("@", 1)[1].lower().strip(".")
    match = _DOMAIN.match(text)
    if not match:
        return None
    return (urlsplit(match.group(0)).hostname or match.group(0)).lower().removeprefix("www.")


def _href_domain(href: str) -> str | None:
    href = href.strip()
    if href.lower().startswith("mailto:"):
        address = href[7:].split("?", 1)[0]
        return address.rsplit("@", 1)[1].lower() if "@" in address else None
    host = urlsplit(href).hostname
    return host.lower().removeprefix("www.") if host else None


def _too_long(*parts: str, max_bytes: int) -> Reason | None:
    # Four bytes at most per character: most messages are measured without encoding them.
    size = max((len(part.encode("utf-8")) if 4 * len(part) > max_bytes else 0)
               for part in parts)  # fmt: skip
    if size <= max_bytes:
        return None
    return Reason(
        "too_long",
        f"message trop long pour être vérifié ({size // 1000} Ko, maximum {max_bytes // 1000} "
        "Ko) : raccourcissez le texte ou le modèle",
        HOLD_THRESHOLD,
    )


def check_content(
    subject: str,
    text: str,
    html: str | None,
    *,
    language: str,
    attachments: Sequence[tuple[str, int]] = (),
    max_bytes: int = MAX_CHECKED_BYTES,
) -> ContentReport:
    """Score a message; see the module docstring and ``docs/templates.md``."""
    if language not in LANGUAGES:
        raise ValueError(
            gettext("langue « %(language)s » non prise en charge") % {"language": language}
        )
    too_long = _too_long(subject, text, html or "", max_bytes=max_bytes)
    if too_long:
        return ContentReport(score=too_long.points, reasons=[too_long])
    reasons: list[Reason] = []
    parsed = _html_facts(html) if html else _HtmlFacts()
    html_text = html_lib.unescape("".join(parsed.text))
    visible = f"{subject}\n{text}\n{html_text}"

    caps = _caps_reason(subject)
    if caps:
        reasons.append(caps)
    if re.search(r"[!?]{2,}", subject):
        reasons.append(Reason("subject_punctuation", "objet : « ! » ou « ? » répétés", 2))
    if re.search(r"[!?]{2,}", f"{text}\n{html_text}"):
        reasons.append(Reason("body_punctuation", "texte : « ! » ou « ? » répétés", 2))
    if _has_phrase(visible, language):
        for phrase in _phrases(AGGRESSIVE, visible, language):
            reasons.append(Reason("aggressive", f"formulation agressive : « {phrase} »", 5))
        for phrase in _phrases(SPAM, visible, language):
            reasons.append(
                Reason("spam_word", f"mot déclencheur de filtre anti-spam : « {phrase} »", 2)
            )

    links = len({href for href, _ in parsed.links if not href.lower().startswith("mailto:")})
    links = max(links, len(set(_URL.findall(text))))
    if links > MAX_LINKS:
        reasons.append(Reason("too_many_links", f"trop de liens ({links}, maximum {MAX_LINKS})", 2))
    if parsed.images > MAX_IMAGES:
        reasons.append(
            Reason("too_many_images", f"trop d'images ({parsed.images}, maximum {MAX_IMAGES})", 2)
        )
    if html is not None and not text.strip():
        reasons.append(Reason("missing_text", "pas de version texte (seulement HTML)", 3))
    if html and text.strip():
        haystack = _compact(html_text + " " + " ".join(href for href, _ in parsed.links))
        missing = [fact for fact in _facts(text) if _compact(fact) not in haystack]
        if missing:
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            reasons.append(Reason("text_html_mismatch", f"absent de la version HTML : {shown}", 3))
    for href, label in parsed.links:
        shown_domain, real_domain = _shown_domain(label), _href_domain(href)
        if shown_domain and real_domain and shown_domain != real_domain:
            reasons.append(
                Reason(
                    "link_domain_mismatch",
                    f"le lien affiche « {shown_domain} » mais mène à « {real_domain} »",
                    5,
                )
            )
    total = sum(size for _, size in attachments)
    if total > MAX_ATTACHMENTS_BYTES:
        reasons.append(
            Reason(
                "heavy_attachments", f"pièces jointes trop lourdes ({total / 1048576:.1f} Mo)", 2
            )
        )
    for name, _ in attachments:
        if name.lower().endswith(RISKY_EXTENSIONS):
            reasons.append(Reason("risky_attachment", f"pièce jointe exécutable « {name} »", 5))
    return ContentReport(score=sum(reason.points for reason in reasons), reasons=reasons)
