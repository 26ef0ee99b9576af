"""The sent-reminders list and a message's detail: derived statuses, filters, isolation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage

import pytest
from django.urls import reverse

from relance.accounts.services import user_create
from relance.channels.email.tracking import inbound_message, open_pixel_token, record_open
from relance.channels.models import OutboundMessage
from relance.channels.outbox import outbox_enqueue
from relance.channels.sms.service import sms_enqueue
from relance.dunning.models import DunningSettings, Reminder, Scenario
from relance.dunning.run import run_day
from relance.dunning.services import customer_scenario_set
from relance.ledger.services import customer_create, invoice_create
from tests.channels.test_tracking import dsn_for

DAY = date(2026, 3, 9)
COLLECTOR = "camille@atelier.example"
# customer ref -> due date of its one invoice: before due, 7, 36 and 98 days late on DAY
DUE = {
    "A": date(2026, 3, 11),
    "B": date(2026, 3, 2),
    "C": date(2026, 2, 1),
    "D": date(2025, 12, 1),
    "E": date(2026, 3, 2),
}


@dataclass
class Sent:
    by_ref: dict[str, OutboundMessage]
    collector_uuid: str


def url(name: str, organisation, **kwargs) -> str:
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def reply_to(message: OutboundMessage) -> bytes:
    reply = EmailMessage()
    reply["From"] = message.recipients[0]
    reply["To"] = "relances@atelier.example"
    reply["Subject"] = f"Re: {message.subject}"
    reply["In-Reply-To"] = message.message_id
    reply.set_content("Nous payons vendredi.")
    return reply.as_bytes()


def make_messages(organisation, actor, *, track_opens: bool = False) -> Sent:
    collector = user_create(
        email=COLLECTOR,
        organisation=organisation,
        role="collector",
        password="un mot de passe solide",
        actor=actor,
    )
    collector.first_name, collector.last_name = "Camille", "Roux"
    collector.save()
    DunningSettings.objects.update_or_create(
        organisation=organisation, defaults={"track_opens": track_opens}
    )
    for n, (ref, due) in enumerate(DUE.items()):
        customer = customer_create(
            organisation=organisation, external_ref=ref, name=f"Client {ref}", actor=actor
        )
        invoice_create(organisation=organisation, customer=customer, number=f"F-{ref}",
                       issue_date=due - timedelta(days=30), due_date=due,
                       amount_incl_tax=Decimal("100.00") + n, actor=actor)  # fmt: skip
    run_day(organisation=organisation, day=DAY, actor=actor)
    messages = {}
    for reminder in Reminder.objects.filter(organisation=organisation).select_related("customer"):
        ref = reminder.customer.external_ref
        if ref == "E":
            messages[ref] = sms_enqueue(reminder=reminder, sender="Atelier", to="+33612345678",
                                        text="Facture F-E impayée.")  # fmt: skip
            continue
        messages[ref] = outbox_enqueue(
            reminder=reminder, sender="Atelier Dupont <relances@atelier.example>",
            recipients=[f"compta@{ref.lower()}.example"], subject=f"Relance client {ref}",
            body_text=f"Texte pour {ref}",
            body_html=f"<html><body><p>HTML pour {ref}</p></body></html>",
            reply_to=COLLECTOR if ref in ("A", "B") else "",
        )  # fmt: skip
    assert set(messages) == set(DUE)
    sent_at = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    OutboundMessage.objects.exclude(pk=messages["D"].pk).update(status="sent", sent_at=sent_at)
    OutboundMessage.objects.filter(pk=messages["D"].pk).update(status="dead", last_error="550")
    for message in messages.values():
        message.refresh_from_db()
    assert record_open(open_pixel_token(messages["A"]))
    assert inbound_message(dsn_for(messages["B"])).kind == "bounced"
    assert inbound_message(reply_to(messages["C"])).kind == "replied"
    return Sent(by_ref=messages, collector_uuid=str(collector.uuid))


@pytest.fixture
def sent(organisation, actor) -> Sent:
    return make_messages(organisation, actor)


def listed(client, organisation, query: str = "") -> set[str]:
    """The customers whose messages the list shows."""
    response = client.get(url("sent", organisation) + query)
    assert response.status_code == 200
    content = response.content.decode()
    return {ref for ref in DUE if f"Client {ref} " in content}


def status_in_list(client, organisation, ref: str):
    content = client.get(url("sent", organisation)).content.decode()
    row = content[content.index(f"Client {ref} ") :]
    row = row[: row.index("</tr>")]
    return row[row.index('class="badge') :].split(">", 1)[1].split("<", 1)[0]


def test_statuses_are_derived_from_the_outbox_and_what_came_back(collector, organisation, sent):
    assert status_in_list(collector, organisation, "A") == "Ouvert"
    assert status_in_list(collector, organisation, "B") == "Non distribué (rejeté)"
    assert status_in_list(collector, organisation, "C") == "Réponse reçue"
    assert status_in_list(collector, organisation, "D") == "Échec"
    assert status_in_list(collector, organisation, "E") == "Envoyé"
    e = sent.by_ref["E"]
    for status, label in (
        ("uncertain", "Envoi incertain"),
        ("cancelled", "Annulé"),
        ("queued", "En attente d&#x27;envoi"),
    ):
        OutboundMessage.objects.filter(pk=e.pk).update(status=status)
        assert status_in_list(collector, organisation, "E") == label
    # a bounce outweighs an opening
    record_open(open_pixel_token(sent.by_ref["B"]))
    assert status_in_list(collector, organisation, "B") == "Non distribué (rejeté)"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"A", "B", "C", "D", "E"}),
        ("?status=opened", {"A"}),
        ("?status=bounced", {"B"}),
        ("?status=replied", {"C"}),
        ("?status=failed", {"D"}),
        ("?status=sent", {"E"}),
        ("?channel=sms", {"E"}),
        ("?channel=email", {"A", "B", "C", "D"}),
        ("?collector=organisation", {"C", "D", "E"}),
        ("?lateness=before", {"A"}),
        ("?lateness=1-15", {"B", "E"}),
        ("?lateness=31-60", {"C"}),
        ("?lateness=60%2B", {"D"}),
        ("?lateness=16-30", set()),
        ("?step=preventive", {"A"}),
        ("?status=failed&channel=sms", set()),
    ],
)
def test_each_filter_narrows_the_list(collector, organisation, sent, query, expected):
    assert listed(collector, organisation, query) == expected


def test_filter_by_collector_scenario_and_dates(collector, organisation, sent, actor):
    assert listed(collector, organisation, f"?collector={sent.collector_uuid}") == {"A", "B"}
    vip = Scenario.objects.get(organisation=organisation, key="vip")
    customer_scenario_set(customer=sent.by_ref["D"].customer, scenario=vip, actor=actor)
    assert listed(collector, organisation, f"?scenario={vip.uuid}") == {"D"}
    standard = Scenario.objects.get(organisation=organisation, key="standard")
    assert listed(collector, organisation, f"?scenario={standard.uuid}") == {"A", "B", "C", "E"}
    earlier = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    OutboundMessage.objects.filter(pk=sent.by_ref["C"].pk).update(created_at=earlier)
    assert listed(collector, organisation, "?until=2026-02-01") == {"C"}
    assert listed(collector, organisation, "?since=2026-02-02") == {"A", "B", "D", "E"}
    refused = collector.get(url("sent", organisation) + "?since=2026-03-01&until=2026-02-01")
    assert "La date de fin précède la date de début." in refused.content.decode()


def test_the_list_is_newest_first_and_paginated(collector, organisation, sent, monkeypatch):
    from relance.web.sent import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    base = datetime(2026, 3, 1, tzinfo=UTC)
    for n, ref in enumerate("ABCDE"):
        OutboundMessage.objects.filter(pk=sent.by_ref[ref].pk).update(
            created_at=base + timedelta(hours=n)
        )
    first = collector.get(url("sent", organisation)).content.decode()
    assert first.index("Client E ") < first.index("Client D ") and "Client C " not in first
    assert 'rel="next"' in first
    assert listed(collector, organisation, "?page=3") == {"A"}
    assert 'rel="next"' not in collector.get(url("sent", organisation) + "?page=3").content.decode()
    # past the numbered pages, the next page starts from the last message shown
    monkeypatch.setattr(views, "MAX_PAGES", 2)
    second = collector.get(url("sent", organisation) + "?page=2").content.decode()
    assert listed(collector, organisation, "?page=2") == {"C", "B"}
    after = re.search(r'href="([^"]*)" rel="next"', second).group(1).replace("&amp;", "&")
    assert "before=" in after and "page=" not in after
    assert listed(collector, organisation, after) == {"B", "A"}


def test_a_message_detail_shows_what_left_and_what_came_back(collector, organisation, sent):
    message = sent.by_ref["B"]
    response = collector.get(url("sent_message", organisation, message=message.uuid))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Relance client B" in content and "Texte pour B" in content
    assert "<iframe" in content and " sandbox " in content
    assert 'srcdoc="&lt;html&gt;&lt;body&gt;&lt;p&gt;HTML pour B' in content
    assert message.message_id.replace("<", "&lt;").replace(">", "&gt;") in content
    assert "Rejeté par le serveur du destinataire" in content and "5.1.1" in content
    assert "Camille Roux" in content  # who signed it (Reply-To)
    assert "F-B" in content  # the item it covered
    try:
        customer_url = reverse(
            "customer", kwargs={"org": organisation.slug, "customer": message.customer.uuid}
        )
    except Exception:  # the customers area is not installed in this tree
        customer_url = ""
    if customer_url:
        assert f'href="{customer_url}"' in content
    reply = collector.get(url("sent_message", organisation, message=sent.by_ref["C"].uuid))
    assert "Nous payons vendredi." in reply.content.decode()


def test_viewing_a_message_does_not_count_as_an_opening(collector, organisation, actor):
    sent = make_messages(organisation, actor, track_opens=True)
    message = sent.by_ref["B"]
    assert "/t/o/" in message.body_html
    content = collector.get(url("sent_message", organisation, message=message.uuid)).content
    assert b"/t/o/" not in content


def test_another_organisations_message_is_not_found(signed_in, other_organisation, sent):
    stranger = signed_in(other_organisation, "admin")
    message = sent.by_ref["A"]
    assert (
        stranger.get(url("sent_message", other_organisation, message=message.uuid)).status_code
        == 404
    )
    assert listed(stranger, other_organisation) == set()


def test_a_viewer_can_read_the_list_and_the_detail(viewer, organisation, sent):
    assert listed(viewer, organisation) == set(DUE)
    detail = viewer.get(url("sent_message", organisation, message=sent.by_ref["A"].uuid))
    assert detail.status_code == 200


def test_filters_read_a_bounded_window_and_can_search_further(
    collector, organisation, sent, monkeypatch
):
    from relance.channels import sent as selectors
    from relance.web.sent import views

    monkeypatch.setattr(selectors, "SCAN_WINDOW", 2)
    monkeypatch.setattr(views, "SCAN_WINDOW", 2)
    base = datetime(2026, 3, 1, tzinfo=UTC)
    for n, ref in enumerate("ABCDE"):
        OutboundMessage.objects.filter(pk=sent.by_ref[ref].pk).update(
            created_at=base + timedelta(hours=n)
        )
    # E and D are the newest two; the e-mails among them: D only
    response = collector.get(url("sent", organisation) + "?channel=email")
    content = response.content.decode()
    assert listed(collector, organisation, "?channel=email") == {"D"}
    assert "aux 2 messages les plus récents" in content
    further = re.search(r'href="(\?[^"]*before=[^"]+)"', content).group(1).replace("&amp;", "&")
    assert listed(collector, organisation, further) == {"B", "C"}  # C (the boundary) and B
    # without a scanning filter, no window: every message
    assert listed(collector, organisation) == set(DUE)
