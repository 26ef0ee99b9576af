"""Removing a file from a to-do e-mail in a real browser: the dialog asks first; cancelled,
nothing changes; confirmed, the file goes and the text being typed stays, unsent."""

from __future__ import annotations

import pytest

from relance.accounts.audit import Actor
from relance.dunning.models import ReminderAttachment, ReminderDraft
from relance.dunning.todo import attachment_add
from tests.browser.conftest import axe_violations, sign_in
from tests.dunning.todo_helpers import make_todo

PASSWORD = "un mot de passe solide"
PDF = b"%PDF-1.4\n% releve signe\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
pytestmark = pytest.mark.django_db(transaction=True)


def test_removing_an_attachment_asks_and_keeps_what_is_typed(page, organisation):
    todo = make_todo(organisation)
    todo.collector.set_password(PASSWORD)
    todo.collector.save()
    attachment_add(reminder=todo.email, name="relevé signé.pdf", data=PDF,
                   actor=Actor.system("test"))  # fmt: skip
    sign_in(page, todo.collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/todo/{todo.email.uuid}/")
    body = page.locator("#draft-form textarea[name=body]")
    body.fill("Bonjour, voici notre relevé à jour.")
    files = page.locator("#attachments")
    preview = page.locator("#preview")
    remove = files.get_by_role("button", name="Retirer relevé signé.pdf")
    asked: list[str] = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    # Cancelled: the file stays, the page and the text do not move.
    page.once("dialog", dismiss)
    remove.click()
    page.wait_for_timeout(500)
    assert asked == ["Retirer « relevé signé.pdf » du message ?"]
    assert ReminderAttachment.objects.filter(reminder=todo.email).count() == 1
    assert "relevé signé.pdf" in files.inner_text()

    # Confirmed: the file goes, the preview follows, the text typed is still there, unsent.
    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    files.get_by_text("« relevé signé.pdf » retirée.").wait_for()
    page.wait_for_function(
        "!document.getElementById('preview').innerText.includes('relevé signé.pdf')"
    )
    assert ReminderAttachment.objects.filter(reminder=todo.email).count() == 0
    assert body.input_value() == "Bonjour, voici notre relevé à jour."
    assert not ReminderDraft.objects.filter(reminder=todo.email).exists()
    shown = preview.locator("iframe.preview-frame").get_attribute("srcdoc") or ""
    assert "Bonjour, voici notre relevé à jour." in shown  # the preview of what is typed
    assert page.url.endswith(f"/todo/{todo.email.uuid}/")  # no navigation
    assert axe_violations(page) == []
