"""The content check reads plainly written markup itself: it must find exactly what
HTMLParser finds (text, links, images), on generated markup and on every shipped template."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.channels.message_templates import inline_css, render_message, sample_context
from relance.channels.templating import LANGUAGES, PARTS_BY_STEP, StepInfo
from relance.channels.templating.content import _feed_plain, _HtmlFacts


def by_parser(html: str) -> tuple[str, list[tuple[str, str]], int]:
    parsed = _HtmlFacts()
    parsed.feed(html)
    parsed.close()
    return "".join(parsed.text), parsed.links, parsed.images


def read_plainly(html: str) -> tuple[str, list[tuple[str, str]], int] | None:
    parsed = _HtmlFacts()
    if not _feed_plain(parsed, html):
        return None
    return "".join(parsed.text), parsed.links, parsed.images


TAGS = ("a", "A", "p", "div", "br", "img", "td", "tr", "table", "head", "b", "h1", "Meta")
VALUES = ("https://pay.example/x?a=1&amp;b=2", "mailto:compta@client.example", "", "a>b",
          "it's", 'say "hi"', "&eacute;t&#233;", "x y")  # fmt: skip
ATTRIBUTE = st.builds(
    lambda name, value, quote, spaces: (
        f"{spaces}{name}" if value is None
        else f"{spaces}{name}{spaces.strip(' ') or ''}={quote}{value}{quote}"
    ),
    st.sampled_from(("href", "HREF", "src", "style", "data-x", "alt", "x:y")),
    st.none() | st.sampled_from(VALUES),
    st.sampled_from(('"', "'", "")),
    st.sampled_from((" ", "  ", "\n", "\t ")),
)  # fmt: skip
TAG = st.builds(
    lambda closing, name, attributes, slash: (
        f"</{name}>" if closing else f"<{name}{''.join(attributes)}{slash}>"
    ),
    st.booleans(), st.sampled_from(TAGS), st.lists(ATTRIBUTE, max_size=3),
    st.sampled_from(("", "/", " /")),
)  # fmt: skip
TEXT = st.sampled_from((
    "Bonjour", " ", "\n", "172,91&nbsp;€", "a &amp; b", "AT&T", "&#233;", "1 < 2", ">",
    "www.pay.example", "<!-- note -->", "<!-- a-b -->", "<!-->", "<!---->", "<!-- x --!>",
    "<!DOCTYPE html>", "<script>x<b></script>", "<style>p{}</style>", "&", "<?x?>",
))  # fmt: skip


@settings(max_examples=400)
@given(st.lists(TAG | TEXT, max_size=30).map("".join))
def test_plain_markup_reads_as_the_parser_reads_it(html: str) -> None:
    plainly = read_plainly(html)
    if plainly is not None:  # otherwise the parser itself reads it
        assert plainly == by_parser(html)


def test_every_shipped_template_is_read_plainly_and_the_same() -> None:
    for language in LANGUAGES:
        for key, parts in PARTS_BY_STEP.items():
            if "html" not in parts:
                continue
            for penalties in ("none", "claimed"):
                context = sample_context(language, step=StepInfo(key=key, tone="neutral",
                                                                 penalties=penalties))  # fmt: skip
                html = inline_css(
                    render_message(context, organisation_id=0, overrides={}).html or ""
                )
                assert read_plainly(html) == by_parser(html), (key, language)
