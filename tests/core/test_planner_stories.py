"""The daily run told as customers' months. Dates: invoices fall due on Monday 2 March 2026.

Standard scenario: preventive J-3, reminder_1 J+5, reminder_2 J+15, call_1 J+20,
last_warning J+30, formal_notice J+40, legal J+54; weekends move a step to Monday.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.core.planner import CustomerState, ItemState, Rules
from relance.core.scenario import PRESETS
from tests.core.planner_story import Story

DUE = date(2026, 3, 2)
STANDARD = PRESETS["standard"]


def customer(*items: ItemState, **extra) -> CustomerState:
    return CustomerState(
        id=1, ref="C1", scenario=extra.pop("scenario", STANDARD), items=items, **extra
    )


def item(number: str = "F-1", due: date = DUE, amount: str = "1000.00", **extra) -> ItemState:
    return ItemState(
        id=abs(hash(number)) % 10**9,
        invoice_number=number,
        due_date=due,
        outstanding=Decimal(amount),
        **extra,
    )


def steps(log):
    return [(day.isoformat(), step) for day, _, step, _ in log]


def test_a_customer_who_never_pays_follows_the_whole_scenario():
    story = Story(customer(item()))
    log = story.run_days(date(2026, 2, 20), date(2026, 5, 15))
    assert steps(log) == [
        ("2026-02-27", "preventive"),  # Friday, J-3
        ("2026-03-09", "reminder_1"),  # J+5 is Saturday 7: Monday 9
        ("2026-03-17", "reminder_2"),
        # J+20 is Sunday 22, Monday 23 is only 6 days after reminder_2: the 7-day gap wins
        ("2026-03-24", "call_1"),
        ("2026-04-01", "last_warning"),
        ("2026-04-13", "formal_notice"),  # J+40 is Saturday 11
        ("2026-04-27", "legal"),  # J+54 is Saturday 25
    ]


def test_day_5_reminder_day_9_paid_nothing_more():
    story = Story(customer(item()))
    log = story.run_days(
        date(2026, 3, 3), date(2026, 5, 15), events={date(2026, 3, 12): lambda: story.pay("F-1")}
    )
    assert steps(log) == [("2026-03-09", "reminder_1")]
    assert story.plans[-1].messages == [] and story.plans[-1].skipped == []


def test_a_partial_payment_keeps_the_rest_in_the_scenario():
    story = Story(customer(item()))
    log = story.run_days(
        date(2026, 3, 3),
        date(2026, 3, 20),
        events={date(2026, 3, 10): lambda: story.pay("F-1", "600.00")},
    )
    assert steps(log) == [("2026-03-09", "reminder_1"), ("2026-03-17", "reminder_2")]
    message = story.plans[-4].messages[0]  # 17 March
    assert message.amount_due == Decimal("400.00")


def test_server_down_for_a_week_catches_up_with_the_latest_step_only():
    story = Story(customer(item()))
    story.run_days(date(2026, 3, 1), date(2026, 3, 14))  # reminder_1 on 9 March
    # down from 15 to 24 March: reminder_2 (17) and call_1 (23) both fell due meanwhile
    story.run_days(date(2026, 3, 25), date(2026, 3, 31))
    assert steps(story.log) == [("2026-03-09", "reminder_1"), ("2026-03-25", "call_1")]


def test_the_same_day_run_twice_sends_nothing_twice():
    story = Story(customer(item()))
    first = story.run(date(2026, 3, 9))
    second = story.run(date(2026, 3, 9))
    assert [m.step.key for m in first.messages] == ["reminder_1"]
    assert second.messages == [] and second.skipped == []


def test_backlog_at_go_live_starts_at_the_first_reminder_then_keeps_the_spacing():
    old = item("F-OLD", due=date(2025, 11, 3))  # 4 months overdue, never reminded
    story = Story(customer(old))
    log = story.run_days(date(2026, 3, 2), date(2026, 5, 31))
    assert steps(log) == [
        ("2026-03-02", "reminder_1"),  # not a formal notice out of the blue
        ("2026-03-12", "reminder_2"),  # +10 days, as between J+5 and J+15
        ("2026-03-19", "call_1"),  # +5 days would be 17 March: the 7-day gap holds it
        ("2026-03-27", "last_warning"),
        ("2026-04-06", "formal_notice"),
        ("2026-04-20", "legal"),
    ]


def test_one_message_per_customer_at_the_highest_step_listing_all_due_items():
    # F-1 fell due on 20 February and had its reminder_1 on the 25th; its reminder_2 is due
    # on 9 March (J+17), the day F-2's reminder_1 is due.
    older = item(
        "F-1", due=date(2026, 2, 20), last_step="reminder_1", last_step_on=date(2026, 2, 25)
    )
    story = Story(customer(older, item("F-2"), last_contact_on=date(2026, 2, 25)))
    plan = story.run(date(2026, 3, 9))
    assert len(plan.messages) == 1
    message = plan.messages[0]
    assert message.step.key == "reminder_2"
    assert [(a.invoice_number, a.step) for a in message.items] == [
        ("F-1", "reminder_2"),
        ("F-2", "reminder_1"),
    ]
    assert message.amount_due == Decimal("2000.00")


def test_minimum_gap_between_two_contacts():
    story = Story(customer(item("F-1", due=date(2026, 3, 4)), item("F-2", due=DUE)))
    # F-2's preventive goes on 27 Feb; F-1's preventive (1 March, a Sunday -> 2 March) must
    # wait for the 7-day gap: by then F-1 is due, so its first reminder comes at its date.
    log = story.run_days(date(2026, 2, 25), date(2026, 3, 12))
    assert steps(log) == [("2026-02-27", "preventive"), ("2026-03-09", "reminder_1")]
    assert [a.invoice_number for a in story.plans[12].messages[0].items] == ["F-2", "F-1"]


def test_disputed_promised_and_planned_items_are_left_alone_with_a_reason():
    story = Story(customer(
        item("F-D", disputed=True),
        item("F-P", promised_until=date(2026, 3, 20)),
        item("F-E", in_payment_plan=True),
    ))  # fmt: skip
    plan = story.run(date(2026, 3, 9))
    assert plan.messages == []
    assert {(s.reason, s.items) for s in plan.skipped} == {
        ("dispute", ("F-D",)),
        ("promise", ("F-P",)),
        ("payment_plan", ("F-E",)),
    }


def test_a_broken_promise_resumes_with_the_next_step_not_a_burst():
    story = Story(customer(item()))
    story.run_days(date(2026, 3, 1), date(2026, 3, 10))  # reminder_1 on 9 March
    story.change("F-1", promised_until=date(2026, 4, 15))
    story.run_days(date(2026, 3, 11), date(2026, 4, 18))  # silent: promise plus grace
    assert steps(story.log) == [("2026-03-09", "reminder_1")]
    story.change("F-1", promised_until=None, resumed_on=date(2026, 4, 19))
    story.run_days(date(2026, 4, 19), date(2026, 5, 10))
    assert steps(story.log)[1:] == [
        ("2026-04-20", "reminder_2"),  # the next step, on the next business day
        ("2026-04-27", "call_1"),  # then the scenario's spacing, at least the 7-day gap
        ("2026-05-05", "last_warning"),  # 10 days after call_1 was due (25 April)
    ]


def test_paused_customer_and_minimum_amount():
    paused = Story(customer(item(), paused=True))
    plan = paused.run(date(2026, 3, 9))
    assert plan.messages == [] and [s.reason for s in plan.skipped] == ["paused"]
    small = Story(customer(item(amount="4.99")), rules=Rules(min_amount=Decimal("5.00")))
    plan = small.run(date(2026, 3, 9))
    assert plan.messages == [] and [s.reason for s in plan.skipped] == ["below_minimum"]


def test_a_pause_with_an_end_date_holds_to_its_last_day_then_takes_up_gently():
    """Invoice due 2 March, reminder_1 done on the 9th; the customer is paused until Friday
    3 April. reminder_2 (J+15) and call_1 (J+20) fall due during the pause: nothing goes. On
    the next business day, Monday 6 April, the next step alone goes (reminder_2, not the
    call), and the following ones keep their spacing from that day."""
    reminded = item(last_step="reminder_1", last_step_on=date(2026, 3, 9))
    story = Story(customer(reminded, paused=True, paused_until=date(2026, 4, 3),
                           last_contact_on=date(2026, 3, 9)))  # fmt: skip
    log = story.run_days(date(2026, 3, 10), date(2026, 4, 14))
    assert {
        skip.reason for plan in story.plans if plan.day <= date(2026, 4, 3)
        for skip in plan.skipped
    } == {"paused"}  # fmt: skip
    assert steps(log) == [
        ("2026-04-06", "reminder_2"),  # Saturday 4 April is the first day after: Monday 6
        ("2026-04-13", "call_1"),  # J+20 shifted by the 20 days of the late start: 11, Sat.
    ]


def test_vip_has_no_pre_due_reminder_and_everything_is_manual():
    story = Story(customer(item(), scenario=PRESETS["vip"]))
    plan_days = story.run_days(date(2026, 2, 20), date(2026, 3, 13))
    assert steps(plan_days) == [("2026-03-12", "reminder_1")]
    assert story.plans[-2].messages[0].step.mode == "manual"


def test_belgian_consumer_gets_no_costs_before_a_free_reminder_and_14_days():
    be = dict(
        country="BE", kind="B2C", scenario=PRESETS["bad_payer"], last_contact_on=date(2026, 3, 5)
    )
    reminded = item(last_step="reminder_1", last_step_on=date(2026, 3, 5))
    story = Story(customer(reminded, **be))
    plan = story.run(date(2026, 3, 16))  # reminder_2 of bad_payer claims penalties
    assert plan.messages[0].penalties == "mentioned"
    assert "livre XIX" in plan.messages[0].notes[0]
    later = Story(customer(reminded, first_reminder_on=date(2026, 3, 5), **be))
    assert later.run(date(2026, 3, 19)).messages[0].penalties == "mentioned"  # day 14
    later = Story(customer(reminded, first_reminder_on=date(2026, 3, 5), **be))
    assert later.run(date(2026, 3, 20)).messages[0].penalties == "claimed"
    french = Story(customer(reminded, kind="B2C", scenario=PRESETS["bad_payer"]))
    assert french.run(date(2026, 3, 16)).messages[0].penalties == "claimed"


def test_plan_json_shape():
    story = Story(customer(item()))
    assert story.run(date(2026, 3, 9)).as_dict() == {
        "date": "2026-03-09",
        "messages": [{
            "customer": "C1", "step": "reminder_1", "channel": "email", "mode": "auto",
            "items": ["F-1"], "amount_due": "1000.00", "currency": "EUR",
        }],
        "skipped": [],
        "warnings": [],
    }  # fmt: skip


def test_a_promise_that_lapses_resumes_by_itself_after_the_grace_period():
    story = Story(customer(item()))
    story.run_days(date(2026, 3, 1), date(2026, 3, 10))  # reminder_1 on 9 March
    story.change("F-1", promised_until=date(2026, 4, 15))  # then never paid, never marked
    story.run_days(date(2026, 3, 11), date(2026, 4, 28))
    assert steps(story.log) == [
        ("2026-03-09", "reminder_1"),
        ("2026-04-20", "reminder_2"),  # grace ends 18 April; Sunday 19 -> Monday 20
        ("2026-04-27", "call_1"),
    ]


def test_items_near_their_limitation_date_are_flagged():
    consumer_debt = item("F-OLD", due=date(2024, 4, 15))  # B2C: 2 years, until 15 April 2026
    story = Story(customer(consumer_debt, item("F-NEW"), kind="B2C"))
    plan = story.run(date(2026, 3, 9))
    assert [w.as_dict() for w in plan.warnings] == [{
        "customer": "C1", "item": "F-OLD", "limitation_date": "2026-04-15", "rule": "FR-B2C-2Y",
    }]  # fmt: skip
    business = Story(customer(item("F-OLD", due=date(2024, 4, 15))))  # B2B: 5 years
    assert business.run(date(2026, 3, 9)).warnings == []
