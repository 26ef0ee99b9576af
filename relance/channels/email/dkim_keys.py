"""DKIM (RFC 6376): a key per organisation, the DNS record to publish, and signing.

Signing is written here on top of ``cryptography`` (relaxed/relaxed, rsa-sha256): dkimpy's
pure-Python RSA takes about 8 ms a message, ``cryptography`` well under one, and a batch of
10,000 reminders must not wait for that. The tests verify every signature with dkimpy.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from functools import cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SIGNED_HEADERS = ("from", "to", "cc", "subject", "date", "message-id", "reply-to",
                  "in-reply-to", "references")  # fmt: skip
_WSP = re.compile(rb"[ \t]+")
_FOLD = re.compile(rb"\r\n(?=[ \t])")
_LINE_END_SPACE = re.compile(rb" (?=\r\n|\Z)")


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


@cache
def _private_key(private_pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _relaxed_header(name: bytes, value: bytes) -> bytes:
    value = _WSP.sub(b" ", _FOLD.sub(b"", value)).strip()
    return name.strip().lower() + b":" + value


def _relaxed_body(body: bytes) -> bytes:
    """RFC 6376 3.4.4 over the whole body at once (not line by line: a message has hundreds):
    runs of spaces and tabs become one space, none is left at a line's end, and the empty
    lines at the end go."""
    # Most bodies (quoted-printable, base64) are canonical already: three scans in C are
    # cheaper than two substitutions.
    if b"\t" in body or b"  " in body or b" \r\n" in body or body.endswith(b" "):
        body = _LINE_END_SPACE.sub(b"", _WSP.sub(b" ", body))
    while body.endswith(b"\r\n"):
        body = body[:-2]
    return body + b"\r\n" if body else b""


def _headers(head: bytes) -> list[tuple[bytes, bytes]]:
    fields: list[tuple[bytes, bytes]] = []
    for raw in re.split(rb"\r\n(?![ \t])", head):
        if b":" in raw:
            name, _, value = raw.partition(b":")
            fields.append((name, value))
    return fields


def sign(message: bytes, *, selector: str, domain: str, private_pem: str) -> bytes:
    """``message`` (CRLF line ends) with a DKIM-Signature header in front."""
    head, _, body = message.partition(b"\r\n\r\n")
    fields = _headers(head)
    present = {name.strip().lower().decode() for name, _ in fields}
    signed = [name for name in SIGNED_HEADERS if name in present]
    body_hash = base64.b64encode(hashlib.sha256(_relaxed_body(body)).digest()).decode()
    tags = (f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s={selector}; "
            f"t={int(time.time())}; h={':'.join(signed)}; bh={body_hash}; b=")  # fmt: skip
    # Each signed header: its last occurrence (RFC 6376 5.4.2), then the signature itself.
    last = {name.strip().lower().decode(): (name, value) for name, value in fields}
    data = b"".join(_relaxed_header(*last[name]) + b"\r\n" for name in signed)
    data += _relaxed_header(b"DKIM-Signature", b" " + tags.encode())
    signature = _private_key(private_pem).sign(data, padding.PKCS1v15(), hashes.SHA256())
    value = base64.b64encode(signature).decode()
    folded = "\r\n\t".join(value[i : i + 72] for i in range(0, len(value), 72))
    return f"DKIM-Signature: {tags}{folded}\r\n".encode() + message
