"""Choosing a customer's segment or scenario by import: checked whole, written all or nothing."""

from __future__ import annotations

from datetime import date

from relance.accounts.models import AuditEvent
from relance.dunning.models import CustomerDunning
from relance.dunning.segments import segments_recompute
from tests.imports.helpers import database_state, run_import
from tests.parsers.util import xlsx_bytes

CUSTOMERS = (
    "id,name,country,segment,scénario\n"
    "K1,Garage Martin SARL,FR,vip,\n"
    "K2,Hôtel du Parc,FR,,bad_payer\n"
    "K3,Boulangerie Leroy,FR,,\n"
).encode()


def _dunning():
    return {
        row[0]: row[1:]
        for row in CustomerDunning.objects.values_list(
            "customer__external_ref", "segment", "segment_is_manual", "scenario__key"
        )
    }


def test_segment_and_scenario_from_csv(organisation, actor):
    report = run_import(organisation, "customers", CUSTOMERS)
    assert report.as_dict() == {"created": 3, "updated": 0, "unchanged": 0, "rejected": []}
    assert _dunning() == {"K1": ("vip", True, None), "K2": ("", False, "bad_payer")}
    again = run_import(organisation, "customers", CUSTOMERS)
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 3, "rejected": []}
    # A recompute never moves a customer whose segment was chosen.
    segments_recompute(organisation=organisation, as_of=date(2026, 6, 30), actor=actor)
    assert _dunning()["K1"] == ("vip", True, None)
    assert _dunning()["K3"] == ("standard", False, None)


def test_segment_set_on_existing_customers_and_audited(organisation, actor):
    run_import(organisation, "customers", b"id,name\nK1,Garage Martin SARL\nK2,Hotel\n")
    segments_recompute(organisation=organisation, as_of=date(2026, 6, 30), actor=actor)
    assert _dunning()["K1"] == ("standard", False, None)
    report = run_import(
        organisation, "customers", b"id,name,segment\nK1,Garage Martin SARL,STANDARD\nK2,Hotel,\n"
    )  # a key in capitals is the same key; the same segment, now chosen by hand, is a change
    assert report.as_dict() == {"created": 0, "updated": 1, "unchanged": 1, "rejected": []}
    assert _dunning()["K1"] == ("standard", True, None)
    assert _dunning()["K2"] == ("standard", False, None)  # empty cell: left as it was
    event = AuditEvent.objects.get(action="customer_update")
    assert (event.before, event.after) == (
        {"segment": "standard", "segment_is_manual": False},
        {"segment": "standard", "segment_is_manual": True},
    )
    manual = CustomerDunning.objects.get(customer__external_ref="K1").segment_explanation
    assert manual["manual"] is True and manual["source"] == "import"


def test_segment_from_xlsx(organisation):
    data = xlsx_bytes(
        [
            ("Référence client", "Nom", "Segment", "Plan de relance"),
            ("K1", "Garage Martin SARL", "bad_payer", "vip"),
            ("K2", "Hôtel du Parc", None, None),
        ]
    )
    report = run_import(organisation, "customers", data, name="clients.xlsx")
    assert report.ok, report.rejected
    assert _dunning() == {"K1": ("bad_payer", True, "vip")}


def test_unknown_segment_or_scenario_rejects_the_whole_file(organisation):
    run_import(organisation, "customers", b"id,name\nK1,Garage Martin SARL\n")
    before = database_state()
    data = (
        "id,name,segment,scénario\n"
        "K1,Garage Martin SARL,vip,\n"
        "K2,Hôtel du Parc,xyz,\n"
        "K3,Boulangerie Leroy,,relaxed\n"
    ).encode()
    report = run_import(organisation, "customers", data)
    assert [(e.line, e.column, str(e.reason)) for e in report.rejected] == [
        (3, "segment", "segment inconnu « xyz » (segments : bad_payer, vip, standard)"),
        (
            4,
            "scénario",
            "scénario inconnu « relaxed » (scénarios : standard, vip, bad_payer, six_stages, "
            "three_emails_call)",
        ),
    ]
    assert report.as_dict()["created"] == 0
    assert database_state() == before
    assert not CustomerDunning.objects.exists()
