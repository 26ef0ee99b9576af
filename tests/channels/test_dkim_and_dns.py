"""DKIM signatures that verify, and the sender check against a real (local) DNS server."""

from __future__ import annotations

import socket
import threading

import dkim
import dns.message
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import dns.rrset
import pytest
from django.core.management import call_command

from relance.accounts.models import AuditEvent
from relance.channels.email.domains import DomainError, sender_check, sending_domain_setup
from relance.channels.models import SendingDomain
from relance.channels.outbox import send_due
from relance.lib.sealed import unseal
from tests.channels.test_outbox import make_reminders


def _txt_lookup(records: dict[str, str]):
    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        value = records.get(name.decode().rstrip("."))
        return value.encode() if value else None

    return lookup


def test_outgoing_mail_is_dkim_signed_and_verifies(organisation, actor, smtp_server):
    domain, (name, value) = sending_domain_setup(organisation=organisation,
                                                 domain="Atelier.example", actor=actor)  # fmt: skip
    assert name == "relance._domainkey.atelier.example" and value.startswith("v=DKIM1; k=rsa; p=")
    assert "PRIVATE KEY" not in domain.dkim_private_key  # sealed at rest
    assert "PRIVATE KEY" in unseal(domain.dkim_private_key)
    make_reminders(organisation, 2)
    assert send_due(worker="w1").sent == 2
    for received in smtp_server.messages:
        raw = received.as_bytes()
        assert raw.startswith(b"DKIM-Signature:")
        assert dkim.verify(raw, dnsfunc=_txt_lookup({name: value}))
        tampered = raw.replace(b"Montant d", b"Montant D")
        assert not dkim.verify(tampered, dnsfunc=_txt_lookup({name: value}))
    assert AuditEvent.objects.filter(action="dkim_key_created").count() == 1


def test_setup_keeps_the_key_unless_rotated(organisation, actor):
    first, record = sending_domain_setup(organisation=organisation, domain="atelier.example",
                                         actor=actor)  # fmt: skip
    again, same = sending_domain_setup(organisation=organisation, domain="atelier.example",
                                       actor=actor)  # fmt: skip
    assert same == record and again.pk == first.pk
    _, rotated = sending_domain_setup(organisation=organisation, domain="atelier.example",
                                      actor=actor, rotate=True)  # fmt: skip
    assert rotated != record and SendingDomain.objects.count() == 1
    with pytest.raises(DomainError, match="invalide"):
        sending_domain_setup(organisation=organisation, domain="not a domain", actor=actor)


class LocalDns:
    """A tiny authoritative DNS server on 127.0.0.1 answering TXT queries from a dict."""

    def __init__(self, records: dict[str, list[str]]) -> None:
        self.records = records
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while True:
            try:
                data, peer = self.socket.recvfrom(4096)
            except OSError:
                return
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".")
            values = self.records.get(name, [])
            if question.rdtype == dns.rdatatype.TXT and values:
                response.answer.append(dns.rrset.from_text_list(
                    question.name, 300, dns.rdataclass.IN, dns.rdatatype.TXT,
                    [f'"{value}"' for value in values],
                ))  # fmt: skip
            else:
                response.set_rcode(dns.rcode.NXDOMAIN)
            self.socket.sendto(response.to_wire(), peer)

    def resolver(self) -> dns.resolver.Resolver:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = ["127.0.0.1"]
        resolver.port = self.port
        return resolver

    def close(self) -> None:
        self.socket.close()


def test_sender_check_explains_what_is_missing():
    server = LocalDns({
        "good.example": ["v=spf1 include:_spf.mail.example ~all"],
        "relance._domainkey.good.example": ["v=DKIM1; k=rsa; p=MIIBIjAN"],
        "_dmarc.good.example": ["v=DMARC1; p=quarantine"],
        "bad.example": ["v=spf1 -all", "v=spf1 ~all"],
    })  # fmt: skip
    try:
        good = sender_check("good.example", resolver=server.resolver(), expected_dkim="MIIBIjAN")
        assert [(f.check, f.ok) for f in good] == [("spf", True), ("dkim", True), ("dmarc", True)]
        bad = {f.check: f for f in sender_check("bad.example", resolver=server.resolver())}
        assert not bad["spf"].ok and "qu'un" in bad["spf"].advice
        assert not bad["dkim"].ok and "relance._domainkey.bad.example" in bad["dkim"].advice
        assert not bad["dmarc"].ok and "_dmarc.bad.example" in bad["dmarc"].advice
    finally:
        server.close()


def test_dkim_command_prints_the_record(organisation, capsys):
    call_command("sending_domain", "setup", "atelier.example")
    out = capsys.readouterr().out
    assert "relance._domainkey.atelier.example" in out and "v=DKIM1" in out
    assert SendingDomain.objects.get().domain == "atelier.example"
