"""The HTML part of an e-mail template written from its plain text, for people who write
text and never HTML.

Paragraphs (separated by a blank line) become ``<p>``, line breaks ``<br>``, web addresses and
the portal link clickable links; a shared piece pasted from the shipped templates (framed by
``{# part:statement #}`` … ``{# /part +#}``, see ``default_templates``) becomes its HTML
version, the account statement a table. Template tags are kept as written: the result is a
template, rendered in the sandbox like any other (which escapes what the variables print).
"""

from __future__ import annotations

import html
import re

from relance.channels.templating.default_templates import part_html

_PART = re.compile(r"\{# part:(\w+) #\}.*?\{# /part \+?#\}", re.S)
_TAG = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")
_LINKED = {"portal_url", "portal_short_url"}
_MAILED = {"organisation.email", "collector.email"}
_ONLY_BLOCK_TAGS = re.compile(r"^(\s*\{%.*?%\}\s*)+$", re.S)


def _variable(tag: str) -> str:
    """A ``{{ name }}`` tag as a link when it prints an address."""
    name = tag[2:-2].strip()
    if name in _LINKED:
        return f'<a href="{tag}">{tag}</a>'
    if name in _MAILED:
        return f'<a href="mailto:{tag}">{tag}</a>'
    return tag


def _words(text: str) -> str:
    """Literal text: escaped, its web addresses linked."""
    found, position = [], 0
    for match in _URL.finditer(text):
        found.append(html.escape(text[position : match.start()], quote=False))
        url = html.escape(match.group(0))
        found.append(f'<a href="{url}">{url}</a>')
        position = match.end()
    found.append(html.escape(text[position:], quote=False))
    return "".join(found)


def _inline(text: str) -> str:
    pieces = []
    for piece in _TAG.split(text):
        if piece.startswith("{{"):
            pieces.append(_variable(piece))
        elif piece.startswith(("{%", "{#")):
            pieces.append(piece)
        else:
            pieces.append(_words(piece))
    return "".join(pieces)


def _paragraphs(text: str) -> list[str]:
    blocks = []
    for block in re.split(r"\n[ \t]*\n", text):
        if not block.strip():
            continue
        if _ONLY_BLOCK_TAGS.match(block):  # {% if … %} alone: no empty paragraph around it
            blocks.append(block.strip())
            continue
        lines = block.strip("\n").split("\n")
        # {% if %} / {% endif %} on a line of their own at either end: outside the paragraph.
        before = _tag_lines(lines)
        after = _tag_lines(lines[::-1])[::-1]
        inner = lines[len(before) : len(lines) - len(after)]
        paragraph = ["<p>" + "<br>\n".join(_inline(line) for line in inner) + "</p>"]
        blocks.append("\n".join([*before, *paragraph, *after]))
    return blocks


def _tag_lines(lines: list[str]) -> list[str]:
    found = []
    for line in lines[:-1]:  # a paragraph keeps at least one line
        if not _ONLY_BLOCK_TAGS.match(line):
            break
        found.append(line.strip())
    return found


def html_from_text(text: str, language: str, *, layout: bool = True) -> str:
    """The HTML template for this plain-text template in ``language``; ``layout``: inside the
    shipped e-mail layout (width, font)."""
    blocks: list[str] = []
    position = 0
    for match in _PART.finditer(text):
        blocks += _paragraphs(text[position : match.start()])
        piece = part_html(match.group(1), language)
        blocks += [piece.strip()] if piece else _paragraphs(match.group(0))
        position = match.end()
    blocks += _paragraphs(text[position:])
    body = "\n".join(blocks)
    if not layout:
        return body + "\n"
    start = part_html("layout_start", language) or ""
    end = part_html("layout_end", language) or ""
    return f"{start}{body}\n{end}"
