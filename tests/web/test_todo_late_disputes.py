"""A dispute past its settle-by date on the to-do: on its owner's list with a why a person
reads, and the way to resolve it on the customer's disputes tab."""

from __future__ import annotations

from datetime import timedelta

import pytest

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.accounts.models import User
from relance.dunning.disputes import disputes_open
from relance.dunning.models import Reminder
from tests.dunning.todo_helpers import customer, make_todo
from tests.web.test_todo import page_text, url
from tests.web.test_todo_by_customer import text_of


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


def _late(organisation, ref, *, owner, days=3, category="quality", reason="Pièces abîmées"):
    found = customer(organisation, ref)
    (dispute,) = disputes_open(
        customer=found, invoices=[found.invoices.order_by("number")[0]], category=category,
        reason=reason, owner=owner, day=local_day(organisation) - timedelta(days=20),
        due_on=local_day(organisation) - timedelta(days=days), actor=Actor.system("test"),
    )  # fmt: skip
    return dispute


def test_the_owner_reads_why_and_finds_the_way_to_resolve_it(collector, organisation, todo):
    me = User.objects.get(email="collector@atelier.example")
    dispute = _late(organisation, "K-C", owner=me)
    response = collector.get(url("todo", organisation) + f"?collector={me.pk}")
    text = text_of(response)
    assert "Menuiserie Roux" in text and "Garage Martin" not in text
    assert ("Litige en retard de 3 jours sur la facture F-C1 : Problème de qualité"
            " — Pièces abîmées") in text  # fmt: skip
    roux = customer(organisation, "K-C")
    tab = f"{url('customer', organisation, customer=roux.uuid)}?tab=disputes"
    resolve = f"{tab}#dispute-{dispute.uuid}"
    assert f'href="{resolve}"' in page_text(response)
    # The customer's tab has the form that resolves it, under that anchor.
    form = page_text(collector.get(tab))
    assert f'id="dispute-{dispute.uuid}"' in form and "Résoudre le litige sur F-C1" in form
    # The disputed invoice's e-mail has left the to-do; the dispute is what is left to do.
    mine = text_of(collector.get(url("todo-customer", organisation, customer=roux.uuid)))
    assert "Litige en retard de 3 jours" in mine and "Résoudre" in mine
    assert "Plus rien à faire pour ce client aujourd'hui." not in mine
    assert not Reminder.objects.filter(pk=todo.small_email.pk, status="todo").exists()


def test_a_dispute_of_another_owner_or_not_late_is_not_on_my_todo(collector, organisation, todo):
    me = User.objects.get(email="collector@atelier.example")
    _late(organisation, "K-C", owner=todo.collector)
    _late(organisation, "K-D", owner=me, days=0)  # due today: not late yet
    mine = text_of(collector.get(url("todo", organisation) + f"?collector={me.pk}"))
    assert "Litige en retard" not in mine and "Rien à faire avec ces filtres." in mine
    everyone = text_of(collector.get(url("todo", organisation)))
    assert everyone.count("Litige en retard de 3 jours") == 1


def test_an_unowned_late_dispute_says_one_day_and_its_reason_without_a_category(
    collector, organisation, todo
):
    _late(organisation, "K-B", owner=None, days=1, category="", reason="Livraison incomplète")
    for view in ("", "?collector=none"):
        text = text_of(collector.get(url("todo", organisation) + view))
        assert "Litige en retard de 1 jour sur la facture F-B1 : Livraison incomplète" in text
