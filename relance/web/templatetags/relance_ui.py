"""Template helpers for money, statuses and query strings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from relance.core.search_text import highlight
from relance.lib.text import translated
from relance.web.paging import query_without_page

register = template.Library()

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


@register.filter
def money(value: Any, currency: str = "EUR") -> str:
    """``1234.5`` → ``1 234,50 €`` (or ``€1,234.50`` in English): two decimals, grouped."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    text = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency or "EUR", currency)
    return f"{text}\u00a0{symbol}"


@register.filter(name="translated")
def translated_filter(message: Any) -> str:
    """A sentence from pure code or stored as ``Text`` JSON, in the reader's language."""
    return translated(message)


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], page_number: int) -> str:
    request: HttpRequest = context["request"]
    return f"?{query_without_page(request)}page={page_number}"


@register.simple_tag(takes_context=True)
def export_url(context: dict[str, Any], name: str, fmt: str, **kwargs: Any) -> str:
    """The export of the list shown, in ``fmt``, with the page's filters (not its page)."""
    request: HttpRequest = context["request"]
    given = {key: value for key, value in kwargs.items() if value}  # an include's blanks
    path = reverse(name, kwargs={"org": context["organisation"].slug, "fmt": fmt, **given})
    query = query_without_page(request).rstrip("&")
    return f"{path}?{query}" if query else path


@register.simple_tag
def highlighted(text: Any, query: Any) -> str:
    """``text`` with the searched words in ``<mark>`` (accents and case aside); the text
    itself is escaped."""
    pieces = highlight(str(text or ""), tuple(getattr(query, "words", ())))
    html = "".join(
        f"<mark>{escape(piece)}</mark>" if marked else str(escape(piece))
        for piece, marked in pieces
    )
    return mark_safe(html)  # every piece is escaped above
