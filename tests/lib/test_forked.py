"""Pure work shared with forked processes: same results in the same order; a child that
queries the database or fails leaves its items to the parent, which computes them."""

from __future__ import annotations

import os

import pytest

from relance.accounts.models import Organisation
from relance.lib.forked import WORTH_FORKING, map_forked

ITEMS = list(range(WORTH_FORKING * 2))


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_the_items_are_shared_and_come_back_in_order():
    results = map_forked(_square_and_pid, ITEMS, processes=2)
    assert [square for square, _ in results] == [n * n for n in ITEMS]
    first, second = (
        {pid for _, pid in results[:WORTH_FORKING]},
        {pid for _, pid in results[WORTH_FORKING:]},
    )
    assert first == {os.getpid()} and len(second) == 1 and second != first


def test_few_items_stay_in_this_process():
    results = map_forked(_square_and_pid, ITEMS[:10], processes=2)
    assert {pid for _, pid in results} == {os.getpid()}


@pytest.mark.django_db
def test_a_child_that_queries_the_database_leaves_its_items_to_the_parent(organisation):
    def named(n: int) -> tuple[str, int]:
        return Organisation.objects.get().slug, os.getpid()

    results = map_forked(named, ITEMS, processes=2)
    assert results == [(organisation.slug, os.getpid())] * len(ITEMS)


def test_a_child_that_dies_leaves_its_items_to_the_parent():
    parent = os.getpid()

    def fragile(n: int) -> int:
        if os.getpid() != parent:
            os._exit(3)
        return n + 1

    assert map_forked(fragile, ITEMS, processes=2) == [n + 1 for n in ITEMS]
