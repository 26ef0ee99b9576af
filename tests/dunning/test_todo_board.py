"""The to-do by customer, read set-based: the order of the customers, the filters, the next
customer, and the rows' facts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from relance.dunning.models import Reminder
from relance.dunning.todo_board import customer_todos, next_customer, todo_customers
from tests.dunning.todo_helpers import RUN_DAY, customer, make_todo

LATER = RUN_DAY + timedelta(days=30)


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


def ids(rows) -> list[int]:
    return [row["customer_id"] for row in rows]


def test_customers_come_largest_overdue_first_once_each(organisation, todo):
    Reminder.objects.filter(pk=todo.small_email.pk).update(customer=todo.call.customer)
    order = ids(todo_customers(organisation, today=LATER))
    refs = ["K-B", "K-A", "K-D"]
    assert order == [customer(organisation, ref).pk for ref in refs]
    rows = customer_todos(organisation, order, today=LATER)
    assert [len(row.tasks) for row in rows] == [2, 1, 1]
    garage = rows[0]
    assert [task.amount_due for task in garage.tasks] == sorted(
        (task.amount_due for task in garage.tasks), reverse=True
    )
    assert garage.overdue == garage.customer.balances.get().overdue
    assert garage.days_late == (LATER - garage.customer.balances.get().oldest_due_date).days


def test_filters_by_kind_and_collector(organisation, todo):
    calls = ids(todo_customers(organisation, today=LATER, kind="call"))
    assert calls == [todo.call.customer_id]
    nobody = ids(todo_customers(organisation, today=LATER, collector="none"))
    assert len(nobody) == 4
    assert ids(todo_customers(organisation, today=LATER, collector=str(todo.collector.pk))) == []
    assert ids(todo_customers(organisation, today=RUN_DAY - timedelta(days=1))) == []


def test_the_next_customer(organisation, todo):
    order = todo_customers(organisation, today=LATER)
    first, second, _, last = ids(order)
    assert next_customer(order, first) == second
    assert next_customer(order, last) is None
    assert next_customer(order, -1) == first  # no longer listed: the top of the list
