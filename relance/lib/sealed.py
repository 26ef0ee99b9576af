"""Secrets kept at rest (SMTP passwords, DKIM private keys), sealed with a key derived from
SECRET_KEY: a copy of the database alone does not give them away."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _


class SealError(ValueError):
    pass


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"relance sealed secrets\x00" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SealError(
            _("secret illisible : la SECRET_KEY a changé depuis qu'il a été enregistré")
        ) from exc
