"""The shipped templates render outside the sandbox's limits, to the same bytes; an
organisation's own templates always render inside them."""

from __future__ import annotations

import pytest

from relance.channels.message_templates import render_message
from relance.channels.models import MessageTemplate
from relance.channels.templating import (
    LANGUAGES,
    PARTS_BY_STEP,
    TemplateRejected,
    default_source,
    render_default,
)
from relance.channels.templating.sandbox import render
from relance.channels.templating.trusted import render_trusted
from tests.channels.test_templating_context import make_context
from tests.channels.test_templating_defaults import CUSTOMERS, PRESET_STEPS

STEPS = sorted({*PRESET_STEPS, *((key, "neutral", "none") for key in PARTS_BY_STEP)})


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("key", "tone", "penalties"), STEPS)
def test_every_shipped_template_renders_the_same_without_the_sandbox(
    language: str, key: str, tone: str, penalties: str
) -> None:
    for country, kind in CUSTOMERS:
        for count in (1, 3):
            portal = "" if count == 1 else "https://pay.example/c/1"
            context = make_context(language=language, country=country, kind=kind,
                                   step=(key, tone, penalties), count=count,
                                   portal_url=portal)  # fmt: skip
            for part in PARTS_BY_STEP[key]:
                source = default_source(key, language, part)
                html = part == "html"
                assert render_trusted(source, context, html=html) == render(
                    source, context, html=html
                ), (key, language, part, country, kind, count)


@pytest.mark.django_db
def test_an_organisations_own_template_always_renders_in_the_sandbox(organisation) -> None:
    # Stored before a rule was tightened, say: what was checked when it was saved is not
    # taken on trust.
    own = "{{ customer.name }} {{ customer.__class__ }}"
    MessageTemplate.objects.create(organisation=organisation, key="reminder_1", language="fr",
                                   subject="Relance", text=own)  # fmt: skip
    context = make_context(step=("reminder_1", "courteous", "none"))
    with pytest.raises(TemplateRejected, match="__class__"):
        render_message(context, organisation_id=organisation.pk)
    assert "<class " in render_trusted(own, context, html=False)  # what the sandbox prevents
    english = make_context(language="en", step=("reminder_1", "courteous", "none"))
    assert render_message(english, organisation_id=organisation.pk) == render_default(english)
