"""Setting up an organisation's sending: its own SMTP server, a test message to check it, and
the DNS records its sending domains must publish."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation
from relance.channels.email.dkim_keys import dns_record
from relance.channels.email.smtp import DeliveryError, SmtpSender
from relance.channels.models import OutboundMessage, SendingDomain, SmtpSettings
from relance.lib.sealed import SealError, seal

HOST_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


class SendingSetupError(ValueError):
    pass


class SmtpSecurity(models.TextChoices):
    STARTTLS = "starttls", _("STARTTLS (port 587 en général)")
    SSL = "ssl", _("SSL/TLS (port 465 en général)")
    NONE = "none", _("Aucune (serveur local uniquement)")


def smtp_security(smtp: SmtpSettings) -> str:
    if smtp.use_ssl:
        return SmtpSecurity.SSL
    return SmtpSecurity.STARTTLS if smtp.use_tls else SmtpSecurity.NONE


def _shown(smtp: SmtpSettings) -> dict[str, object]:
    """What the audit trail keeps of a server: never the password, only whether there is one."""
    return {
        "host": smtp.host, "port": smtp.port, "security": smtp_security(smtp),
        "username": smtp.username, "password_set": bool(smtp.password),
    }  # fmt: skip


@transaction.atomic
def smtp_settings_set(
    *, organisation: Organisation, host: str, port: int, security: str, username: str,
    password: str | None, actor: Actor,
) -> SmtpSettings:  # fmt: skip
    """Send the organisation's mail through its own server. ``password``: None keeps the one
    stored, "" removes it; it is stored sealed, and never given back."""
    host = host.strip().rstrip(".")
    if not _valid_host(host):
        raise SendingSetupError(gettext("Nom de serveur invalide « %(host)s ».") % {"host": host})
    if not 1 <= port <= 65535:
        raise SendingSetupError(
            gettext("Port invalide « %(port)s » (de 1 à 65535).") % {"port": port}
        )
    if security not in SmtpSecurity.values:
        raise SendingSetupError(
            gettext("Sécurité « %(security)s » inconnue.") % {"security": security}
        )
    smtp = SmtpSettings.objects.select_for_update().filter(organisation=organisation).first()
    before = _shown(smtp) if smtp else None
    smtp = smtp or SmtpSettings(organisation=organisation)
    smtp.host, smtp.port, smtp.username = host, port, username.strip()
    smtp.use_tls = security == SmtpSecurity.STARTTLS
    smtp.use_ssl = security == SmtpSecurity.SSL
    password_changed = password is not None and (password != "" or bool(smtp.password))
    if password is not None:
        smtp.password = seal(password) if password else ""
    smtp.save()
    after = _shown(smtp)
    if before != after or password_changed:
        audit_record(
            organisation=organisation, actor=actor, action="smtp_settings_set",
            entity_type="smtp_settings", entity_id=str(organisation.uuid),
            before=before, after={**after, "password_changed": password_changed},
        )  # fmt: skip
    return smtp


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(HOST_RE.match(host)) and ".." not in host
    return True


@transaction.atomic
def smtp_settings_remove(*, organisation: Organisation, actor: Actor) -> bool:
    """Go back to the site's server (EMAIL_URL); whether there was one to remove."""
    smtp = SmtpSettings.objects.select_for_update().filter(organisation=organisation).first()
    if smtp is None:
        return False
    before = _shown(smtp)
    smtp.delete()
    audit_record(
        organisation=organisation, actor=actor, action="smtp_settings_remove",
        entity_type="smtp_settings", entity_id=str(organisation.uuid), before=before,
    )  # fmt: skip
    return True


def smtp_test_send(*, organisation: Organisation, to: str) -> str:
    """Send a short message to ``to`` right now, the way reminders leave (the organisation's
    server, its sender, DKIM): the person setting it up sees at once whether it works.

    Nothing is written to the outbox: it is not a reminder. Raises DeliveryError with the
    server's answer; returns the From address used."""
    return _send_now(
        organisation, to=to, subject=f"Test d'envoi relance — {organisation.legal_name}",
        text=("Ce message confirme que relance peut envoyer les relances de "
              f"{organisation.legal_name} avec la configuration actuelle.\n"
              f"Envoyé le {timezone.localtime():%d/%m/%Y à %H:%M}.\n"),
    )  # fmt: skip


def template_test_send(
    *, organisation: Organisation, to: str, subject: str, text: str, html: str = ""
) -> str:
    """Send a message written from a template to ``to`` (the person editing it) right now, as
    reminders leave, its subject marked "[TEST]". Nothing is written to the outbox and nothing
    counts as sent to the customer whose data it shows. Raises DeliveryError; returns the From
    address used."""
    return _send_now(organisation, to=to, subject=f"[TEST] {subject}", text=text, html=html)


def _send_now(organisation: Organisation, *, to: str, subject: str, text: str,
              html: str = "") -> str:  # fmt: skip
    address = organisation.sender_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    sender = formataddr((organisation.sender_name or organisation.legal_name, address))
    message = OutboundMessage(
        organisation=organisation,
        sender=sender,
        recipients=[to],
        subject=subject,
        body_text=text,
        body_html=html,
        message_id=make_msgid(domain=address.rpartition("@")[2] or "relance.invalid"),
    )
    try:
        # A short wait: the person is waiting for the page, and a server thread with them.
        timeout = settings.RELANCE_SMTP_TEST_TIMEOUT
        with SmtpSender.for_organisation(organisation.pk, timeout=timeout) as smtp:
            smtp.send(message)
    except SealError as exc:
        raise DeliveryError(
            gettext(
                "le mot de passe SMTP enregistré est illisible (la clé secrète du site a changé) "
                ": saisissez-le à nouveau"
            ),
            permanent=True,
        ) from exc
    return sender


@dataclass(frozen=True)
class DnsRecord:
    check: str  # dkim, spf, dmarc: as in domains.DnsFinding
    label: str
    name: str
    value: str
    note: str = ""


# The SPF "include:" of the sending services people use most, by the end of their SMTP host:
# their own documentation names it; an unknown server is named by its address instead.
SPF_INCLUDES: tuple[tuple[str, str], ...] = (
    ("gmail.com", "include:_spf.google.com"),
    ("googlemail.com", "include:_spf.google.com"),
    ("office365.com", "include:spf.protection.outlook.com"),
    ("outlook.com", "include:spf.protection.outlook.com"),
    ("brevo.com", "include:spf.brevo.com"),
    ("sendinblue.com", "include:spf.brevo.com"),
    ("mailjet.com", "include:spf.mailjet.com"),
    ("mailgun.org", "include:mailgun.org"),
    ("sendgrid.net", "include:sendgrid.net"),
    ("amazonaws.com", "include:amazonses.com"),
    ("postmarkapp.com", "include:spf.mtasv.net"),
    ("ovh.net", "include:mx.ovh.com"),
)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def records_to_publish(domain: SendingDomain, *, smtp_host: str = "") -> list[DnsRecord]:
    """The TXT records that let receivers trust mail from ``domain``: the DKIM key relance
    signs with, an SPF record naming the sending server, and a DMARC policy to start with.

    Every value is complete, ready to copy: when the sending server is not known yet, the
    SPF record is explained in words rather than shown with a placeholder inside."""
    dkim_name, dkim_value = dns_record(domain.dkim_selector, domain.domain, domain.dkim_public_key)
    host = (smtp_host or settings.EMAIL_HOST or "").strip().lower().rstrip(".")
    if host and host not in LOCAL_HOSTS:
        spf_value = f"v=spf1 {spf_mechanism(host)} ~all"
        spf_note = str(_(
            "Autorise le serveur d'envoi %(host)s. Un seul enregistrement SPF par domaine : "
            "s'il en existe déjà un, ajoutez-y ce mécanisme avant « ~all »."
        ) % {"host": host})  # fmt: skip
    else:
        spf_value = ""
        spf_note = str(_(
            "Le serveur d'envoi n'est pas encore connu : renseignez-le dans « Serveur d'envoi "
            "(SMTP) » et l'enregistrement SPF à publier s'affichera ici. Vous pouvez aussi "
            "publier celui que donne votre fournisseur d'envoi."
        ))  # fmt: skip
    return [
        DnsRecord("dkim", "DKIM", dkim_name, dkim_value,
                  str(_("La clé publique de signature ; à publier telle quelle."))),
        DnsRecord("spf", "SPF", domain.domain, spf_value, spf_note),
        DnsRecord("dmarc", "DMARC", f"_dmarc.{domain.domain}",
                  f"v=DMARC1; p=none; rua=mailto:dmarc@{domain.domain}",
                  str(_("Pour commencer : observe sans rien bloquer. Passez à p=quarantine "
                        "quand les rapports sont bons."))),
    ]  # fmt: skip


def spf_mechanism(host: str) -> str:
    """``include:`` of a known sending service, else the server itself (``a:`` or ``ip4:``)."""
    for suffix, include in SPF_INCLUDES:
        if host == suffix or host.endswith("." + suffix):
            return include
    return _spf_address(host)


def _spf_address(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"a:{host}"
    return f"ip{address.version}:{address}"
