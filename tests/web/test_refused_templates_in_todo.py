"""A task whose organisation template is refused for its customer (here: it prints more than
the installation's cap, lowered after the template was saved) opens with the shipped wording
and says why; a letter is never printed in other words than the organisation chose."""

from __future__ import annotations

import pytest

from relance.accounts.audit import Actor
from relance.channels.manual import Draft, SendRefused, preview_sms, todo_print_letters
from relance.channels.message_templates import message_template_save
from relance.channels.models import PostalDispatch
from relance.channels.templating import PARTS_BY_STEP, default_source
from relance.dunning.models import Reminder
from tests.dunning.todo_helpers import make_todo
from tests.web.test_todo import page_text, url

HUGE = "{{ 'x' * 100000 }}"
REFUSED = "Le modèle de l&#x27;organisation est refusé pour ce client"


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


def own(organisation, key: str) -> None:
    """The shipped template of a step with a long run added, saved under the default cap."""
    sources = {part: default_source(key, "fr", part) for part in PARTS_BY_STEP[key]}
    sources["text"] += HUGE
    message_template_save(organisation=organisation, key=key, language="fr", sources=sources,
                          actor=Actor.system("test"))  # fmt: skip


def test_an_sms_task_opens_with_the_shipped_text_and_the_reason(todo, organisation, settings):
    own(organisation, "sms")
    settings.RELANCE_MESSAGE_MAX_BYTES = 50_000
    Reminder.objects.filter(pk=todo.small_email.pk).update(
        channel="sms", step="sms", template="sms"
    )
    todo.small_email.refresh_from_db()
    preview = preview_sms(todo.small_email, Draft(), today=todo.small_email.run_date)
    assert "x" * 1000 not in preview.text and "300" in preview.text
    assert preview.notices and "dépasserait 50 Ko" in preview.notices[0]


def test_a_call_task_opens_with_the_shipped_script_and_the_reason(
    todo, organisation, collector, settings
):
    own(organisation, "call_1")
    settings.RELANCE_MESSAGE_MAX_BYTES = 50_000
    page = collector.get(url("todo-detail", organisation, todo.call))
    assert page.status_code == 200
    text = page_text(page)
    assert REFUSED in text and "x" * 1000 not in text and "F-B1" in text


def test_a_legal_task_opens_with_the_shipped_note_and_the_reason(
    todo, organisation, collector, settings
):
    own(organisation, "legal")
    settings.RELANCE_MESSAGE_MAX_BYTES = 50_000
    Reminder.objects.filter(pk=todo.call.pk).update(channel="legal", step="legal", template="legal")
    page = collector.get(url("todo-detail", organisation, todo.call))
    assert page.status_code == 200
    assert REFUSED in page_text(page) and "x" * 1000 not in page_text(page)


def test_a_formal_notice_is_not_printed_in_other_words(todo, organisation, settings):
    own(organisation, "formal_notice")
    settings.RELANCE_MESSAGE_MAX_BYTES = 50_000
    with pytest.raises(SendRefused, match="Pharmacie Petit : modèle de l'organisation refusé"):
        todo_print_letters(reminders=[todo.formal], today=todo.formal.run_date,
                           actor=Actor.system("test"))  # fmt: skip
    assert not PostalDispatch.objects.exists()
