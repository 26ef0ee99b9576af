"""An organisation's own SMTP server, the test e-mail, and the DNS records to publish."""

from __future__ import annotations

from typing import Any

import dkim
import pytest

from relance.accounts.models import AuditEvent
from relance.channels.email.domains import sending_domain_setup
from relance.channels.email.setup import (
    SendingSetupError,
    records_to_publish,
    smtp_settings_remove,
    smtp_settings_set,
    smtp_test_send,
)
from relance.channels.email.smtp import DeliveryError
from relance.channels.models import SmtpSettings
from relance.lib.sealed import unseal
from tests.channels.test_dkim_and_dns import _txt_lookup


def save(organisation, actor, **changes):
    fields: dict[str, Any] = {"host": "smtp.example.org", "port": 587, "security": "starttls",
              "username": "u", "password": None}  # fmt: skip
    fields.update(changes)
    return smtp_settings_set(organisation=organisation, actor=actor, **fields)


def test_password_sealed_kept_cleared_and_never_audited(organisation, actor):
    smtp = save(organisation, actor, password="s3cr3t")
    assert unseal(smtp.password) == "s3cr3t" and "s3cr3t" not in smtp.password
    smtp = save(organisation, actor, host="smtp2.example.org")
    assert unseal(smtp.password) == "s3cr3t"
    smtp = save(organisation, actor, host="smtp2.example.org", password="")
    assert smtp.password == ""
    events = list(AuditEvent.objects.filter(action="smtp_settings_set").order_by("id"))
    assert [e.after["password_changed"] for e in events] == [True, False, True]
    assert all("s3cr3t" not in str(e.before) + str(e.after) for e in events)
    save(organisation, actor, host="smtp2.example.org")
    assert len(AuditEvent.objects.filter(action="smtp_settings_set")) == 3  # nothing changed


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"host": "a b"}, "serveur invalide"), ({"port": 0}, "Port"),
     ({"security": "tls9"}, "Sécurité")],
)  # fmt: skip
def test_bad_server_settings_are_refused(organisation, actor, changes, message):
    with pytest.raises(SendingSetupError, match=message):
        save(organisation, actor, **changes)
    assert not SmtpSettings.objects.exists()


def test_remove(organisation, actor):
    assert not smtp_settings_remove(organisation=organisation, actor=actor)
    save(organisation, actor)
    assert smtp_settings_remove(organisation=organisation, actor=actor)
    assert not SmtpSettings.objects.exists()


def test_test_email_is_sent_and_dkim_signed(organisation, actor, smtp_server, settings):
    settings.RELANCE_SMTP_ALLOW_PRIVATE_HOSTS = True  # the test server listens on 127.0.0.1
    organisation.sender_email = "relances@atelier.example"
    organisation.save()
    _, (name, value) = sending_domain_setup(organisation=organisation,
                                            domain="atelier.example", actor=actor)  # fmt: skip
    save(organisation, actor, host="127.0.0.1", port=smtp_server.port, security="none",
         username="")  # fmt: skip
    sender = smtp_test_send(organisation=organisation, to="moi@atelier.example")
    assert sender == "Atelier Dupont SAS <relances@atelier.example>"
    [received] = smtp_server.messages
    assert received["To"] == "moi@atelier.example"
    assert dkim.verify(received.as_bytes(), dnsfunc=_txt_lookup({name: value}))


def test_test_email_failure_says_why(organisation, actor, settings):
    settings.RELANCE_SMTP_ALLOW_PRIVATE_HOSTS = True
    save(organisation, actor, host="127.0.0.1", port=1, security="none", username="")
    with pytest.raises(DeliveryError, match="injoignable"):
        smtp_test_send(organisation=organisation, to="moi@atelier.example")


def test_records_to_publish(organisation, actor, settings):
    settings.EMAIL_HOST = "localhost"
    domain, (name, value) = sending_domain_setup(organisation=organisation,
                                                 domain="atelier.example", actor=actor)  # fmt: skip
    dkim_record, spf, dmarc = records_to_publish(domain)
    assert (dkim_record.name, dkim_record.value) == (name, value)
    # No server known yet: no record with a placeholder to copy, words that say what to do.
    assert spf.value == "" and "<" not in spf.note and "SMTP" in spf.note
    assert dmarc.name == "_dmarc.atelier.example" and dmarc.value.startswith("v=DMARC1; p=none")
    assert records_to_publish(domain, smtp_host="mail.example.net")[1].value == (
        "v=spf1 a:mail.example.net ~all"
    )
    assert "ip4:203.0.113.5" in records_to_publish(domain, smtp_host="203.0.113.5")[1].value
    # A known sending service: the include its documentation gives.
    for host, include in (
        ("smtp-relay.brevo.com", "include:spf.brevo.com"),
        ("smtp.office365.com", "include:spf.protection.outlook.com"),
        ("email-smtp.eu-west-1.amazonaws.com", "include:amazonses.com"),
    ):
        assert records_to_publish(domain, smtp_host=host)[1].value == f"v=spf1 {include} ~all"
    # A look-alike host is not the service.
    assert records_to_publish(domain, smtp_host="notbrevo.com")[1].value == (
        "v=spf1 a:notbrevo.com ~all"
    )
