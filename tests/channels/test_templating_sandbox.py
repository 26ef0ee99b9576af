"""The sandbox: hostile templates fail cleanly with a French ``TemplateRejected``."""

from __future__ import annotations

import time

import pytest

from relance.channels.templating import TemplateRejected, check_template, render
from relance.channels.templating.guards import MAX_OUTPUT_BYTES, MAX_SOURCE_BYTES
from tests.channels.test_templating_context import make_context

HOSTILE = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ items.__class__ }}",
    "{{ customer.__dict__ }}",
    "{{ customer.__class__.__init__.__globals__ }}",
    "{{ customer['__class__'] }}",
    "{{ items|map(attribute='__class__')|list }}",
    "{{ items|attr('__class__') }}",
    "{{ range(10**9)|list }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "{% for i in range(1000) %}{% for j in range(1000) %}x{% endfor %}{% endfor %}",
    "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "{{ 'x' * 10**8 }}",
    "{{ 10 ** (10 ** 10) }}",
    "{{ 7 ** 5000 }}",
    "{{ ['x'] * 1000 }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__dict__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ lipsum(n=10**6) }}",
    "{% include 'base.html' %}",
    "{% import 'macros.html' as m %}",
    "{% from 'macros.html' import m %}",
    "{% extends 'base.html' %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(30) }}",
    "{{ '{0.__class__}'.format(customer) }}",
    "{{ '{0}'.format_map(customer) }}",
    "{{ '%s' % customer }}",
    "{{ '%999999999s' % 1 }}",
    "{{ '%s'|format(customer) }}",
    "{{ 'x'|center(10**9) }}",
    "{{ 'x'.ljust(10**9) }}",
    "{{ ('x' * 100000)|replace('x', 'xxxxxxxxxx') }}",
    "{{ ('x\\n' * 50000)|indent(100) }}",
    "{{ range(1000)|batch(10**9, 'x')|list }}",
    "{{ range(1000)|join('x' * 199999) }}",
    "{{ customer.name|safe }}",
    "{{ customer|pprint }}",
    "{{ customer|tojson }}",
    "{% set ns = namespace(a='x') %}{% for i in range(60) %}{% set ns.a = ns.a ~ ns.a %}"
    "{% endfor %}{{ ns.a|length }}",
    "{% set ns = namespace(a=['0123456789']) %}{% for i in range(60) %}"
    "{% set ns.a = [ns.a, ns.a] %}{% endfor %}{{ ns.a }}",
    "{% set ns = namespace(a=['0123456789'], b=['0123456789']) %}{% for i in range(60) %}"
    "{% set ns.a = [ns.a, ns.a] %}{% set ns.b = [ns.b, ns.b] %}{% endfor %}{{ ns.a == ns.b }}",
    "{% macro m() %}{% for i in range(1000) %}{{ 'x' * 199999 }}{% endfor %}{% endmacro %}"
    "{{ m()|length }}",
    "{% for item in items recursive %}{{ loop(items) }}{% endfor %}",
    "{{ items.count(1) }}",
    "{{ today.replace(year=1) }}",
    "{{ total_due.__class__ }}",
]


@pytest.mark.parametrize("source", HOSTILE)
@pytest.mark.parametrize("html", [False, True])
def test_hostile_templates_are_rejected_quickly(source, html):
    started = time.monotonic()
    with pytest.raises(TemplateRejected) as caught:
        render(source, make_context(), html=html)
    assert time.monotonic() - started < 5
    message = caught.value.message or ""
    assert message and "Traceback" not in message


def test_the_messages_are_french_and_name_the_problem():
    context = make_context()

    def reason(source: str) -> str:
        with pytest.raises(TemplateRejected) as caught:
            render(source, context, html=False)
        return str(caught.value)

    assert "variable inconnue « montant »" in reason("Bonjour\n{{ montant }}")
    assert reason("Bonjour\n{{ montant }}").startswith("ligne 2 :")
    assert "« customer » n'a pas d'attribut « nom »" in reason("{{ customer.nom }}")
    assert "accès interdit à l'attribut « __class__ »" in reason("{{ items.__class__ }}")
    assert reason("a\nb\n{% if %}").startswith("ligne 3 : erreur de syntaxe")
    assert "range() est limité à 1000" in reason("{{ range(10**9)|list }}")
    assert "include" in reason("{% include 'x' %}")
    assert "récursion" in reason("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}")
    assert "trop de tours de boucle" in reason(
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"
    )
    assert "200 Ko" in reason("{{ 'x' * 10**8 }}")
    assert "formatage" in reason("{{ '%s' % 1 }}")


def test_source_and_output_limits():
    context = make_context()
    with pytest.raises(TemplateRejected, match="modèle trop long"):
        render("x" * (MAX_SOURCE_BYTES + 1), context, html=False)
    loop = "{% for i in range(1000) %}" + "x" * 300 + "{% endfor %}"
    with pytest.raises(TemplateRejected, match="dépasse 200 Ko"):
        render(loop, context, html=False)
    just_under = "{{ 'é' * " + str(MAX_OUTPUT_BYTES // 2 - 10) + " }}"
    assert len(render(just_under, context, html=False)) == MAX_OUTPUT_BYTES // 2 - 10


def test_ordinary_templates_work():
    context = make_context()
    source = (
        "{% set ns = namespace(total=0) %}"
        "{% for item in items if item.days_late > 0 %}{{ loop.index }}. {{ item.number|upper }} "
        "{{ item.outstanding|money }}{% set ns.total = ns.total + item.outstanding %}\n{% endfor %}"
        "{{ ns.total|money }} {{ (items|first).due_date.year }} {{ customer.name ~ ' !' }} "
        "{{ items|map(attribute='number')|join(', ') }} {{ organisation.iban|iban }} "
        "{{ 'oui' if portal_url else 'non' }} {{ items|length > 2 }} "
        "{{ customer.name.startswith('Menuiserie') }} {{ dict(a=1).get('a') }}"
    )
    out = render(source, context, html=False)
    assert "1. F2025-101 1\u202f234,56\u00a0€" in out
    assert "F2025-101, F2025-102, F2025-103, F2026-007" in out
    assert "True True 1" in out


def test_html_output_is_escaped_and_text_output_is_not():
    context = make_context()
    source = "{{ '<b>' }}{{ organisation.address|nl2br }}"
    assert render(source, context, html=True) == "&lt;b&gt;12 rue des Lilas<br>\n75011 Paris"
    assert render(source, context, html=False) == "<b>12 rue des Lilas\n75011 Paris"


def test_check_template_reports_static_problems_without_rendering():
    check_template("{{ customer.name }}", html=True)
    with pytest.raises(TemplateRejected, match="variable inconnue « client »"):
        check_template("{{ client.name }}", html=True)


def test_the_budget_is_per_render():
    # Two renders of a loop of 60 000 turns each: the second must not inherit the first's count.
    source = "{% for i in range(600) %}{% for j in range(100) %}{% endfor %}{% endfor %}ok"
    context = make_context()
    assert render(source, context, html=False) == "ok"
    assert render(source, context, html=False) == "ok"
