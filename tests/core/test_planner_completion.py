"""A step counts once it is done: told as customers' months. Invoices fall due on Monday
2 March 2026; the standard scenario's manual steps (call J+20, last warning J+30, formal
notice J+40, legal hand-off J+54) wait on the to-do until a person does them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.core.planner import CustomerState, ItemState, Rules
from relance.core.scenario import PRESETS, Scenario, Step
from tests.core.planner_story import Story

DUE = date(2026, 3, 2)


def customer(*items: ItemState, scenario: Scenario = PRESETS["standard"]) -> CustomerState:
    return CustomerState(id=1, ref="C1", scenario=scenario, items=items)


def item(number: str = "F-1") -> ItemState:
    return ItemState(id=1, invoice_number=number, due_date=DUE, outstanding=Decimal("900.00"))


def steps(story: Story) -> list[tuple[str, str]]:
    return [(day.isoformat(), step) for day, _, step, _ in story.log]


def test_nothing_new_is_planned_while_a_step_waits_on_the_to_do():
    story = Story(customer(item()), manual_waits=True)
    story.run_days(date(2026, 3, 3), date(2026, 4, 30))
    # The call planned on 24 March was never logged: no last warning, no formal notice.
    assert steps(story) == [("2026-03-09", "reminder_1"), ("2026-03-17", "reminder_2"),
                            ("2026-03-24", "call_1")]  # fmt: skip
    assert {skip.reason for skip in story.plans[-1].skipped} == {"in_progress"}


def test_the_legal_hand_off_waits_for_the_posted_notice_and_its_deadline():
    story = Story(customer(item()), manual_waits=True)
    events = {
        date(2026, 3, 25): lambda: story.done("call_1", date(2026, 3, 24)),
        date(2026, 4, 2): lambda: story.done("last_warning", date(2026, 4, 1)),
        # The formal notice, planned on Monday 13 April, is posted a week late.
        date(2026, 4, 20): lambda: story.done("formal_notice", date(2026, 4, 20)),
    }
    story.run_days(date(2026, 3, 3), date(2026, 5, 31), events=events)
    assert steps(story)[-2:] == [("2026-04-13", "formal_notice"), ("2026-05-04", "legal")]
    # J+54 was Saturday 25 April; posted 7 days late, the spacing moves to Saturday 2 May, so
    # Monday 4 May: after the notice's 8 days (until 28 April) had run out.


def test_a_formal_notice_never_posted_never_leads_to_a_hand_off():
    story = Story(customer(item()), manual_waits=True)
    events = {
        date(2026, 3, 25): lambda: story.done("call_1", date(2026, 3, 24)),
        date(2026, 4, 2): lambda: story.done("last_warning", date(2026, 4, 1)),
    }
    story.run_days(date(2026, 3, 3), date(2026, 6, 30), events=events)
    assert steps(story)[-1] == ("2026-04-13", "formal_notice")


def test_the_hand_off_waits_for_the_notice_deadline_even_when_the_scenario_is_tighter():
    tight = Scenario(key="tight", name="Tight", steps=(
        Step(key="formal_notice", offset_days=10, channel="formal_notice", mode="manual"),
        Step(key="legal", offset_days=12, channel="legal", mode="manual"),
    ))  # fmt: skip
    story = Story(customer(item(), scenario=tight), manual_waits=True,
                  rules=Rules(min_gap_days=0))  # fmt: skip
    events = {date(2026, 3, 13): lambda: story.done("formal_notice", date(2026, 3, 12))}
    story.run_days(date(2026, 3, 3), date(2026, 4, 10), events=events)
    # Posted on Thursday 12 March: the debtor has until the 20th; the hand-off comes on the
    # 21st (a Saturday), so Monday 23.
    assert steps(story) == [("2026-03-12", "formal_notice"), ("2026-03-23", "legal")]


def test_a_skipped_step_moves_the_items_on_but_is_not_a_contact():
    with_letter = Scenario(key="letter", name="Letter", steps=(
        Step(key="reminder_1", offset_days=5, channel="email", mode="auto"),
        Step(key="letter_1", offset_days=16, channel="letter", mode="manual"),
        Step(key="reminder_2", offset_days=20, channel="email", mode="auto"),
    ))  # fmt: skip
    story = Story(customer(item(), scenario=with_letter), manual_waits=True)
    events = {date(2026, 3, 19): lambda: story.skip("letter_1", date(2026, 3, 18))}
    story.run_days(date(2026, 3, 3), date(2026, 3, 31), events=events)
    # The letter skipped on 18 March is not a contact: the last one is reminder_1 on the 9th,
    # so reminder_2 (J+20, Sunday 22 -> Monday 23) keeps its date, where a contact on the 18th
    # would have held it to the 25th; the skipped letter is not planned again.
    assert steps(story) == [("2026-03-09", "reminder_1"), ("2026-03-18", "letter_1"),
                            ("2026-03-23", "reminder_2")]  # fmt: skip
