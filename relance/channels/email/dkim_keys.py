"""DKIM: a key per organisation, the DNS record to publish, and signing outgoing e-mails."""

from __future__ import annotations

import base64

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SIGNED_HEADERS = (b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"reply-to")


def generate_key() -> tuple[str, str]:
    """A new 2048-bit RSA key: (private key PEM, public key base64 for the DNS record)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, base64.b64encode(public_der).decode()


def dns_record(selector: str, domain: str, public_b64: str) -> tuple[str, str]:
    """The TXT record to publish: (name, value)."""
    return f"{selector}._domainkey.{domain}", f"v=DKIM1; k=rsa; p={public_b64}"


def sign(message: bytes, *, selector: str, domain: str, private_pem: str) -> bytes:
    """``message`` with a DKIM-Signature header in front (relaxed/relaxed, rsa-sha256)."""
    signature = dkim.sign(
        message,
        selector.encode(),
        domain.encode(),
        private_pem.encode(),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[h for h in SIGNED_HEADERS if h + b":" in message.lower()],
    )
    return bytes(signature) + message
