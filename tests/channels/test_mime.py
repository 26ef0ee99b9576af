"""An outbox e-mail's bytes, read back by Python's own parser, say exactly what was stored."""

from __future__ import annotations

import email
import email.policy
import hashlib
import string
import uuid
from email.utils import parseaddr

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from hypothesis import given, settings
from hypothesis import strategies as st

from relance.channels.email.addresses import address_parts
from relance.channels.email.mime import header
from relance.channels.email.smtp import DeliveryError, message_bytes
from relance.channels.models import OutboundMessage

TEXT = st.text(
    alphabet=st.sampled_from([*string.printable, "é", "€", "\u00a0", "ß", "漢", "🙂", "="]),
    max_size=400,
)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")


def _parse(data: bytes) -> email.message.EmailMessage:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def _one_line(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


@settings(max_examples=300)
@given(name=st.sampled_from(["Subject", "References", "Comments"]), value=TEXT)
def test_a_header_reads_back_as_written_in_short_ascii_lines(name: str, value: str) -> None:
    data = header(name, value).encode("utf-8")
    assert data.isascii()
    assert data.endswith(b"\r\n") and b"\r\n\r\n" not in data
    lines = _lines(data[:-2])
    assert all(len(line) <= 998 for line in lines)
    assert all(line.strip() for line in lines[1:]), "a folded line holds some text"
    if value.isascii() and " " in value.strip() and max(map(len, value.split())) < 60:
        assert all(len(line) <= 78 for line in lines)
    assert str(_parse(data + b"\r\n")[name]).strip() == _one_line(value).strip()


def test_a_long_french_subject_is_folded_in_encoded_words() -> None:
    subject = "Relance : vos factures échues F-2026-0001, F-2026-0002 et F-2026-0003 — 1 234,56 €"
    data = header("Subject", subject).encode()
    assert data.startswith(b"Subject: =?utf-8?b?")
    assert all(len(line) <= 78 for line in _lines(data))
    assert str(_parse(data + b"\r\n")["Subject"]) == subject


def _message(**fields: object) -> OutboundMessage:
    values: dict[str, object] = {
        "uuid": uuid.uuid4(),
        "organisation_id": 1,
        "sender": "Atelier Dupont – Comptabilité <relances@atelier.example>",
        "recipients": ["compta@client.example"],
        "copy_to": ["dg@client.example"],
        "reply_to": "Camille Léger <camille@atelier.example>",
        "subject": "Rappel : facture F-001 échue",
        "body_text": "Bonjour,\n\nMontant dû : 1 234,56 €.\n.\nCordialement",
        "body_html": "<p>Montant dû : <b>1 234,56 €</b></p>",
        "message_id": "<abc.123@atelier.example>",
        "references": "<first@atelier.example> <second@atelier.example>",
        "attachments": [],
    }
    values.update(fields)
    return OutboundMessage(**values)


@settings(max_examples=200)
@given(text=TEXT, html=TEXT, subject=TEXT)
def test_the_parts_read_back_exactly(text: str, html: str, subject: str) -> None:
    data = message_bytes(_message(body_text=text, body_html=html or "<p></p>", subject=subject))
    assert data.isascii()
    assert all(len(line) <= 998 for line in _lines(data))
    parsed = _parse(data)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    plain = parsed.get_body(("plain",))
    # (the parser keeps a lone line's CRLF, and turns the others into LF)
    assert plain is not None and plain.get_content().replace("\r\n", "\n") == expected
    assert str(parsed["Subject"]).strip() == _one_line(subject).strip()


def test_headers_and_structure() -> None:
    parsed = _parse(message_bytes(_message()))
    assert parsed["From"].addresses[0].display_name == "Atelier Dupont – Comptabilité"
    assert parsed["From"].addresses[0].addr_spec == "relances@atelier.example"
    assert str(parsed["To"]) == "compta@client.example"
    assert str(parsed["Cc"]) == "dg@client.example"
    assert parsed["Reply-To"].addresses[0].display_name == "Camille Léger"
    assert str(parsed["Subject"]) == "Rappel : facture F-001 échue"
    assert str(parsed["Message-ID"]) == "<abc.123@atelier.example>"
    assert str(parsed["In-Reply-To"]) == "<second@atelier.example>"
    assert str(parsed["References"]) == "<first@atelier.example> <second@atelier.example>"
    assert str(parsed["Auto-Submitted"]) == "auto-generated"
    assert parsed["Date"].datetime is not None
    assert parsed.get_content_type() == "multipart/alternative"
    html = parsed.get_body(("html",))
    assert html is not None and html.get_content() == "<p>Montant dû : <b>1 234,56 €</b></p>"


@pytest.mark.django_db
def test_attachments_are_sent_as_stored_and_never_when_changed() -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40
    path = default_storage.save("tests/facture-F-001.pdf", ContentFile(pdf))
    attachment = {"path": path, "name": "Facture F-001 « été ».pdf",
                  "sha256": hashlib.sha256(pdf).hexdigest()}  # fmt: skip
    parsed = _parse(message_bytes(_message(attachments=[attachment])))
    assert parsed.get_content_type() == "multipart/mixed"
    (part,) = list(parsed.iter_attachments())
    assert part.get_filename() == "Facture F-001 « été ».pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == pdf
    default_storage.delete(path)
    default_storage.save(path, ContentFile(pdf + b"changed"))
    with pytest.raises(DeliveryError) as caught:
        message_bytes(_message(attachments=[attachment]))
    assert caught.value.permanent and "modifiée" in str(caught.value)
    default_storage.delete(path)


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.emails(),
    st.builds(lambda name, address: f"{name} <{address}>",
              st.text(string.ascii_letters + "éç '\"-.,", max_size=30), st.emails()),
    st.text(string.printable, max_size=40),
    st.text("abc!#$%&'*+/=?^_`{|}~-@.", max_size=20),
))  # fmt: skip
def test_addresses_are_read_as_the_standard_library_reads_them(value: str) -> None:
    assert address_parts(value) == parseaddr(value)
