"""Segments by payment behaviour: the default rules, their explanations, and properties."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.core.scenario import PRESETS
from relance.core.segmentation import (
    DEFAULT_RULES,
    FIGURES,
    Condition,
    Current,
    CustomerFigures,
    Portfolio,
    SegmentRule,
    SegmentRuleError,
    check_rules,
    classify,
    measure,
    plan_segments,
)

D = Decimal
PORTFOLIO = Portfolio(median_invoice=D("1000.00"))


def figures(**overrides) -> CustomerFigures:
    """A customer with ten items paid on time, invoiced like the median, for one year."""
    values: dict[str, Any] = dict(
        paid_items=10,
        late_paid_items=0,
        unpaid_late_items=0,
        due_items=10,
        paid_amount=D("10000.00"),
        paid_amount_days=D("0"),
        reminder_items=0,
        relationship_days=365,
        invoices=10,
        total_invoiced=D("10000.00"),
        open_disputes=0,
        disputes=0,
        broken_promises=0,
    )
    values.update(overrides)
    return measure(**values)


def test_measure_computes_shares_and_weighted_lateness():
    f = figures(late_paid_items=3, unpaid_late_items=1, paid_amount_days=D("50000"))
    assert f.has_history and f.judged_items == 11 and f.late_items == 4
    assert f.late_pct == D("36.36") and f.on_time_pct == D("63.64")
    assert f.avg_days_late == D("5.00")
    assert f.avg_invoice == D("1000.00")
    assert f.reminders_per_invoice == D("0.00")


def test_bad_payer_by_late_share_explained():
    f = figures(paid_items=8, late_paid_items=3, due_items=8)  # 3 late out of 8 = 37.5 %
    key, why = classify(f, DEFAULT_RULES, PORTFOLIO)
    assert key == "bad_payer"
    assert tuple(map(str, why.reasons)) == (
        "37,5 % des factures payées avec plus de 15 jours de retard (seuil : 30 %)",
    )
    assert why.not_matched == ()
    assert "Mauvais payeur" in why.text()


def test_bad_payer_by_broken_promises():
    key, why = classify(figures(broken_promises=2), DEFAULT_RULES, PORTFOLIO)
    assert key == "bad_payer"
    assert tuple(map(str, why.reasons)) == (
        "2 promesse(s) de paiement non tenue(s) (seuil : au moins 2)",
    )


def test_bad_payer_by_reminders_per_invoice():
    key, why = classify(figures(reminder_items=16), DEFAULT_RULES, PORTFOLIO)
    assert key == "bad_payer"
    assert tuple(map(str, why.reasons)) == (
        "1,6 relance(s) par facture échue en moyenne (seuil : 1,5)",
    )


def test_exactly_at_the_thresholds_is_not_bad_payer():
    f = figures(late_paid_items=3, reminder_items=15, broken_promises=1)  # 30 %, 1.5, 1
    assert classify(f, DEFAULT_RULES, PORTFOLIO)[0] == "standard"


def test_vip_needs_all_four_conditions():
    f = figures(relationship_days=800, total_invoiced=D("15000.00"), paid_items=20, due_items=20)
    key, why = classify(f, DEFAULT_RULES, PORTFOLIO)
    assert key == "vip"
    assert tuple(map(str, why.reasons)) == (
        "client depuis 800 jours (seuil : 730 jours)",
        "facture moyenne égale à 1,5 fois la médiane du portefeuille (1\u202f000,00 EUR) "
        "(seuil : 1)",
        "100 % des factures payées dans les 15 jours suivant l'échéance (seuil : au moins 95 %)",
        "20 facture(s) payée(s) (seuil : au moins 5)",
    )
    assert why.not_matched[0][0] == "bad_payer"
    assert len(why.not_matched[0][1]) == 3


def test_vip_missing_one_condition_is_standard_and_says_why():
    # 19 on time out of 20 = 95 %: fine; but invoices below the median.
    f = figures(relationship_days=800, late_paid_items=1, paid_items=20, due_items=20)
    key, why = classify(f, DEFAULT_RULES, PORTFOLIO)
    assert key == "standard"
    assert tuple(map(str, why.reasons)) == ("aucun critère d'un autre segment n'est rempli",)
    vip = dict(why.not_matched)["vip"]
    assert tuple(map(str, vip)) == (
        "facture moyenne égale à 1 fois la médiane du portefeuille (1\u202f000,00 EUR) (seuil : 1)",
    )
    assert [key for key, _ in why.not_matched] == ["bad_payer", "vip"]


def test_vip_needs_some_history():
    f = figures(relationship_days=800, total_invoiced=D("15000.00"), paid_items=4, due_items=4)
    key, why = classify(f, DEFAULT_RULES, PORTFOLIO)
    assert key == "standard"
    assert tuple(map(str, dict(why.not_matched)["vip"])) == (
        "4 facture(s) payée(s) (seuil : au moins 5)",
    )


def test_customer_without_history_is_standard():
    empty = figures(
        paid_items=0, due_items=0, paid_amount=D(0), invoices=0, total_invoiced=D(0),
        relationship_days=None, broken_promises=3,
    )  # fmt: skip
    assert not empty.has_history and empty.late_pct is None and empty.avg_invoice is None
    key, why = classify(empty, DEFAULT_RULES, PORTFOLIO)
    assert key == "standard"
    assert "pas encore d'historique" in str(why.reasons[0])


def test_unmeasurable_figure_never_matches():
    f = figures()
    rule = SegmentRule(
        key="big", name="Gros", conditions=(Condition("avg_invoice_vs_median", ">", D(0)),)
    )
    assert not rule.matches(f, Portfolio(median_invoice=None))
    said = Condition("avg_invoice_vs_median", ">", D(0)).describe(f, Portfolio())
    assert "non mesurable" in str(said)


def test_rules_round_trip_through_json():
    for rule in DEFAULT_RULES:
        data = json.loads(json.dumps(rule.as_dict()))
        assert SegmentRule.from_dict(data) == rule
    assert DEFAULT_RULES[0].as_dict()["conditions"][2] == {
        "figure": "reminders_per_invoice", "op": ">", "value": 1.5,
    }  # fmt: skip


def test_default_segment_keys_are_preset_scenarios():
    assert {rule.key for rule in DEFAULT_RULES} <= set(PRESETS)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"key": "x", "conditions": [{"figure": "nope", "op": ">", "value": 1}]}, "inconnu"),
        ({"key": "x", "conditions": [{"figure": "late_pct", "op": "~", "value": 1}]}, "opérateur"),
        ({"key": "x", "conditions": [{"figure": "late_pct", "op": ">", "value": "a"}]}, "invalide"),
        ({"key": "x", "match": "some", "conditions": []}, "any"),
        ({"key": "a b", "conditions": []}, "clé"),
    ],
)
def test_bad_rules_are_refused(data, message):
    with pytest.raises(SegmentRuleError, match=message):
        SegmentRule.from_dict(data)


def test_the_last_rule_must_catch_all():
    with pytest.raises(SegmentRuleError, match="dernier"):
        check_rules(DEFAULT_RULES[:2])
    with pytest.raises(SegmentRuleError, match="seul le dernier"):
        check_rules((SegmentRule(key="all", name="Tous"), *DEFAULT_RULES))
    with pytest.raises(SegmentRuleError, match="double"):
        check_rules((DEFAULT_RULES[0], *DEFAULT_RULES))


# -------------------------------------------------------------------- properties

counts = st.integers(min_value=0, max_value=40)
figure_values = st.builds(
    lambda paid, late, unpaid, reminders, days, invoices, avg, promises: measure(
        paid_items=paid,
        late_paid_items=min(late, paid),
        unpaid_late_items=unpaid,
        due_items=paid + unpaid,
        paid_amount=D(paid * 100),
        paid_amount_days=D(paid * 300),
        reminder_items=reminders,
        relationship_days=days,
        invoices=invoices,
        total_invoiced=D(invoices) * avg,
        open_disputes=0,
        disputes=0,
        broken_promises=promises,
    ),
    counts,
    counts,
    counts,
    st.integers(min_value=0, max_value=100),
    st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
    counts,
    st.decimals(min_value=D("1.00"), max_value=D("5000.00"), places=2),
    st.integers(min_value=0, max_value=4),
)
conditions = st.builds(
    Condition,
    st.sampled_from(sorted(FIGURES)),
    st.sampled_from([">", ">=", "<", "<=", "="]),
    st.decimals(min_value=D(0), max_value=D(3000), places=1),
)
rule_lists = st.lists(
    st.tuples(st.lists(conditions, min_size=1, max_size=4), st.sampled_from(["any", "all"])),
    max_size=4,
).map(
    lambda specs: (
        *(
            SegmentRule(key=f"s{i}", name=f"S{i}", conditions=tuple(c), match=m)
            for i, (c, m) in enumerate(specs)
        ),
        SegmentRule(key="rest", name="Autres"),
    )
)
portfolios = st.builds(
    Portfolio, st.one_of(st.none(), st.decimals(min_value=D("1.00"), max_value=D("5000"), places=2))
)


@given(figure_values, rule_lists, portfolios)
def test_classification_is_deterministic_and_the_first_match_wins(f, rules, portfolio):
    key, why = classify(f, rules, portfolio)
    assert classify(f, rules, portfolio) == (key, why)
    if not f.has_history:
        assert key == rules[-1].key
        return
    first = next(rule for rule in rules if rule.matches(f, portfolio))
    assert key == first.key == why.segment
    # Every rule tried before it is listed with why it did not match.
    earlier = rules[: rules.index(first)]
    assert [k for k, _ in why.not_matched] == [rule.key for rule in earlier]
    assert all(reasons for _, reasons in why.not_matched)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "vip", "standard", "bad_payer", "other"]),
            st.booleans(),
            figure_values,
        ),
        max_size=20,
    ),
    portfolios,
)
def test_a_segment_chosen_by_hand_is_never_replaced(customers, portfolio):
    rows = [(pk, Current(segment, manual), f) for pk, (segment, manual, f) in enumerate(customers)]
    plan = plan_segments(rows, DEFAULT_RULES, portfolio)
    manual = {pk for pk, current, _ in rows if current.is_manual}
    assert not manual & set(plan.writes)
    assert not manual & {pk for pk, _, _ in plan.changed}
    assert plan.manual == len(manual)
    assert sum(plan.counts.values()) + plan.manual == len(rows)
    for pk, before, after in plan.changed:
        assert before == rows[pk][1].segment != after == plan.writes[pk][0]
