"""The templates relance ships, rendered without the limits put on the ones users write.

``sandbox.render`` weighs every value, counts every loop turn and checks the clock at every
filter, so that a template typed in the editor can neither escape nor exhaust the server.
The shipped defaults are part of the code: reviewed, and rendered in the tests for every step
and language under both environments, with the same result. They write most of a day's
messages, and without the guards they render in less than half the time.

Same Jinja settings and filters as the sandbox, so the text is the same to the byte.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import gettext as _
from jinja2 import Environment, StrictUndefined, Template, TemplateError

from relance.channels.templating.context import MessageContext
from relance.channels.templating.guards import OWN_FILTERS
from relance.channels.templating.sandbox import TemplateRejected


def _environment(*, html: bool) -> Environment:
    environment = Environment(
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    environment.filters.update(OWN_FILTERS)
    return environment


_ENVIRONMENTS = {False: _environment(html=False), True: _environment(html=True)}


@lru_cache(maxsize=256)
def _compile(source: str, html: bool) -> Template:
    return _ENVIRONMENTS[html].from_string(source)


def render_trusted(source: str, context: MessageContext, *, html: bool) -> str:
    """Render a shipped template; a failure (a bug of ours) is a ``TemplateRejected`` as in
    the sandbox, so that the message goes to the to-do instead of stopping the run."""
    try:
        return _compile(source, html).render(context.variables())
    except (TemplateError, ArithmeticError, TypeError, ValueError) as exc:
        raise TemplateRejected(
            _("erreur pendant le rendu : %(name)s : %(exc)s")
            % {"name": type(exc).__name__, "exc": exc}
        ) from None
