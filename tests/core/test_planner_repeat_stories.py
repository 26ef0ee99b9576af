"""Repeating steps told as customers' months. Invoices fall due on Monday 2 March 2026 unless
a story says otherwise; weekends move a step to Monday (and French public holidays where the
story uses the real calendar). Every date below is worked out by hand in its comment."""

from __future__ import annotations

from datetime import date

from relance.core.calendar import for_customer
from relance.core.planner import Rules
from relance.core.scenario import Scenario, Step
from tests.core.planner_story import Story
from tests.core.test_planner_stories import customer, item, steps


def scenario(*steps: Step) -> Scenario:
    return Scenario(key="repeats", name="Répétitions", steps=steps)


def email(key: str, offset: int, **options: object) -> Step:
    return Step(key=key, offset_days=offset, channel="email", mode="auto", template=key,
                **options)  # type: ignore[arg-type]  # fmt: skip


def test_every_7_days_3_times_then_the_next_step_at_its_own_date():
    weekly = scenario(
        email("reminder_1", 5, repeat_every=7, repeat_times=3),
        Step(key="call_1", offset_days=40, channel="call", mode="manual"),
    )
    story = Story(customer(item(), scenario=weekly))
    log = story.run_days(date(2026, 3, 1), date(2026, 4, 30))
    assert steps(log) == [
        ("2026-03-09", "reminder_1"),  # J+5 is Saturday 7: Monday 9
        ("2026-03-16", "reminder_1"),  # 9 + 7
        ("2026-03-23", "reminder_1"),  # 16 + 7
        ("2026-03-30", "reminder_1"),  # 23 + 7, the third and last repeat
        ("2026-04-13", "call_1"),  # J+40 is Saturday 11 April: Monday 13
    ]
    assert story.repeats == [0, 1, 2, 3, 0]


def test_until_paid_stops_at_the_payment():
    chase = scenario(email("reminder_1", 5, repeat_every=10))
    story = Story(customer(item(), scenario=chase))
    log = story.run_days(
        date(2026, 3, 1), date(2026, 5, 31), events={date(2026, 4, 5): lambda: story.pay("F-1")}
    )
    assert steps(log) == [
        ("2026-03-09", "reminder_1"),
        ("2026-03-19", "reminder_1"),  # 9 + 10, a Thursday
        ("2026-03-30", "reminder_1"),  # 19 + 10 is Sunday 29: Monday 30
        # 30 + 10 would be Thursday 9 April: paid on the 5th, nothing more
    ]
    assert story.repeats == [0, 1, 2]
    assert all(plan.messages == [] for plan in story.plans if plan.day >= date(2026, 4, 5))


def test_a_repeat_falling_on_a_holiday_moves_to_the_next_business_day():
    weekly = scenario(email("reminder_1", 5, repeat_every=7, repeat_times=3))
    due = date(2026, 3, 23)  # a Monday; J+5 is Saturday 28: Monday 30 March
    story = Story(customer(item(due=due), scenario=weekly), calendar_for=for_customer)
    log = story.run_days(date(2026, 3, 24), date(2026, 5, 10))
    assert steps(log) == [
        ("2026-03-30", "reminder_1"),
        ("2026-04-07", "reminder_1"),  # 30 + 7 is Easter Monday 6 April: Tuesday 7
        ("2026-04-14", "reminder_1"),  # counted from the 7th, when it was done
        ("2026-04-21", "reminder_1"),
    ]


def test_the_minimum_gap_holds_a_repeat_more_frequent_than_it():
    often = scenario(email("reminder_1", 5, repeat_every=3, repeat_times=2))
    story = Story(customer(item(), scenario=often), rules=Rules(min_gap_days=7))
    log = story.run_days(date(2026, 3, 1), date(2026, 4, 30))
    assert steps(log) == [
        ("2026-03-09", "reminder_1"),
        ("2026-03-16", "reminder_1"),  # due on the 12th (9 + 3), held to 9 + 7
        ("2026-03-23", "reminder_1"),  # due on the 19th, held to 16 + 7; the second and last
    ]
    twelfth = next(plan for plan in story.plans if plan.day == date(2026, 3, 12))
    assert [skip.reason for skip in twelfth.skipped] == ["min_gap"]


def test_a_missed_week_catches_up_one_repeat_not_a_burst():
    weekly = scenario(email("reminder_1", 5, repeat_every=7))
    story = Story(customer(item(), scenario=weekly))
    story.run_days(date(2026, 3, 1), date(2026, 3, 10))  # reminder_1 on Monday 9 March
    # down from 11 to 31 March: repeats fell due on the 16th, 23rd and 30th
    story.run_days(date(2026, 4, 1), date(2026, 4, 10))
    assert steps(story.log) == [
        ("2026-03-09", "reminder_1"),
        ("2026-04-01", "reminder_1"),  # one repeat on the day the run is back
        ("2026-04-08", "reminder_1"),  # then every 7 days from it
    ]
    assert story.repeats == [0, 1, 2]


def test_a_later_step_falling_due_ends_the_repeats():
    chase = scenario(
        email("reminder_1", 5, repeat_every=7),
        email("reminder_2", 20),
    )
    story = Story(customer(item(), scenario=chase))
    log = story.run_days(date(2026, 3, 1), date(2026, 4, 30))
    assert steps(log) == [
        ("2026-03-09", "reminder_1"),
        ("2026-03-16", "reminder_1"),
        # Monday 23: both the repeat (16 + 7) and reminder_2 (J+20, Sunday 22) are due: the
        # later step goes, and reminder_2 does not repeat
        ("2026-03-23", "reminder_2"),
    ]


def test_a_pre_due_repeat_stops_at_the_due_date():
    early = scenario(email("preventive", -10, repeat_every=4), email("reminder_1", 10))
    story = Story(customer(item(), scenario=early), rules=Rules(min_gap_days=3))
    log = story.run_days(date(2026, 2, 15), date(2026, 3, 13))
    assert steps(log) == [
        ("2026-02-20", "preventive"),  # J-10, a Friday
        ("2026-02-24", "preventive"),  # 20 + 4
        # 24 + 4 is Saturday 28: Monday 2 March, the due date: no "falls due soon" then
        ("2026-03-12", "reminder_1"),  # J+10
    ]


def test_the_scenario_calendar_shows_each_repeat_at_its_date():
    from decimal import Decimal

    from relance.core.scenario_review import calendar_preview

    weekly = scenario(email("reminder_1", 5, repeat_every=7, repeat_times=3))
    entries = calendar_preview(
        weekly, issue_date=date(2026, 3, 1), due_date=date(2026, 3, 23),
        calendar=for_customer("FR"), rules=Rules(), country="FR", amount=Decimal("500.00"),
    )  # fmt: skip
    assert [(e.repeat, e.nominal, e.day) for e in entries] == [
        (0, date(2026, 3, 28), date(2026, 3, 30)),  # J+5 is a Saturday
        (1, date(2026, 4, 6), date(2026, 4, 7)),  # Easter Monday
        (2, date(2026, 4, 14), date(2026, 4, 14)),
        (3, date(2026, 4, 21), date(2026, 4, 21)),
    ]
    assert "jour férié" in entries[1].moved_because[0]
