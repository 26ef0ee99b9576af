"""E-mails to the people who use relance (not to debtors): access given, password links.

They go through Django's mail (``EMAIL_URL``), not through an organisation's own SMTP server:
they come from relance itself. Links point at ``RELANCE_BASE_URL``, never at the host a
request named, so a forged Host header cannot divert them; the one exception is an
invitation sent while no address is configured: it takes the address of the signed-in
admin's page, whose host Django checked against ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from relance.accounts.models import Organisation, User

log = logging.getLogger(__name__)


def user_link_id(user: User) -> str:
    """How a password link names its user: the public uuid, never the database id."""
    return urlsafe_base64_encode(force_bytes(user.uuid.hex))


def password_link(user: User, site: str = "") -> str:
    """A link to choose a new password, valid until used or PASSWORD_RESET_TIMEOUT passes."""
    path = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": user_link_id(user), "token": default_token_generator.make_token(user)},
    )
    return f"{site or settings.RELANCE_BASE_URL}{path}"


def invitation_site(page_address: str) -> str:
    """Where an invitation's links point: the configured address, else the admin's page's
    (``request.build_absolute_uri("/")``)."""
    if settings.RELANCE_ADDRESS_CONFIGURED or not page_address:
        return str(settings.RELANCE_BASE_URL)
    return page_address.rstrip("/")


def access_email_send(
    *, user: User, organisation: Organisation, invited_by: User | None, site: str = ""
) -> bool:
    """Tell a person they were given access to an organisation; whether the e-mail left."""
    site = site or settings.RELANCE_BASE_URL
    context = {
        "user": user,
        "organisation": organisation,
        "invited_by": invited_by,
        "password_link": "" if user.has_usable_password() else password_link(user, site),
        "sign_in_link": f"{site}{reverse('login')}",
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/access_subject.txt", context)
        body = render_to_string("accounts/access_email.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [user.email])
    except (OSError, smtplib.SMTPException):
        log.exception("access e-mail to %s did not leave", user.email)
        return False
    return True


def password_reset_email_send(*, user: User, language: str = "") -> bool:
    """Send a link to choose a new password; whether the e-mail left. In the person's own
    language, else the one of the page where they asked."""
    context = {"password_link": password_link(user)}
    with translation.override(user.language or language or settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/reset_subject.txt", context)
        body = render_to_string("accounts/reset_email.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [user.email])
    except (OSError, smtplib.SMTPException):
        log.exception("password link to %s did not leave", user.email)
        return False
    return True


def debtor_request_notice_send(
    *, users: list[User], organisation: Organisation, customer_name: str, kind: str, path: str
) -> int:
    """Tell the people who follow a customer that the debtor did or asked something from
    the portal: one short e-mail each, in their language, with the link to the customer page
    (``path``) and nothing the debtor sent. How many left."""
    left = 0
    for user in users:
        context = {"organisation": organisation, "customer": customer_name, "kind": kind,
                   "link": f"{settings.RELANCE_BASE_URL}{path}"}  # fmt: skip
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = render_to_string("accounts/debtor_request_subject.txt", context)
            body = render_to_string("accounts/debtor_request_email.txt", context)
        try:
            send_mail(" ".join(subject.split()), body, None, [user.email])
        except (OSError, smtplib.SMTPException):
            log.exception("debtor request notice to %s did not leave", user.email)
            continue
        left += 1
    return left


def staff_email_send(
    *, user: User, template: str, context: dict[str, object],
    connection: BaseEmailBackend | None = None,
) -> bool:  # fmt: skip
    """Send ``<template>_subject.txt`` and ``<template>_email.txt``, rendered in the person's
    language, to one person; whether the e-mail left. ``connection``: one SMTP connection
    shared by many such e-mails (a run sending the weekly digests)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_email.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, None, [user.email],
                           connection=connection)  # fmt: skip
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        log.exception("%s to %s did not leave", template, user.email)
        return False
    return True
