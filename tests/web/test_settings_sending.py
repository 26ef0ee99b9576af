"""Settings, sending: the organisation's SMTP server, the test e-mail, sending domains."""

from __future__ import annotations

import re

import dns.resolver

from relance.accounts.models import AuditEvent
from relance.channels.email.domains import sending_domain_setup
from relance.channels.models import SendingDomain, SmtpSettings
from relance.lib.sealed import unseal
from tests.channels.test_dkim_and_dns import LocalDns
from tests.web.test_settings import url


def smtp_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "host": "smtp.atelier.example", "port": "587", "security": "starttls",
        "username": "relances", "password": "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_smtp_password_is_sealed_never_shown_and_kept_when_left_blank(
    admin_client_org, organisation
):
    target = url("settings_sending", organisation)
    secret = "Tr3s-s3cret-pa55"
    assert admin_client_org.post(target, smtp_form(password=secret)).status_code == 302
    smtp = SmtpSettings.objects.get(organisation=organisation)
    assert secret not in smtp.password and unseal(smtp.password) == secret
    page = admin_client_org.get(target).content.decode()
    assert secret not in page and smtp.password not in page
    assert "mot de passe enregistré" in page and 'value="smtp.atelier.example"' in page
    admin_client_org.post(target, smtp_form(host="mail.atelier.example", port="465",
                                            security="ssl"))  # fmt: skip
    smtp.refresh_from_db()
    assert (smtp.host, smtp.port, smtp.use_ssl, smtp.use_tls) == (
        "mail.atelier.example",
        465,
        True,
        False,
    )
    assert unseal(smtp.password) == secret
    events = AuditEvent.objects.filter(action="smtp_settings_set").order_by("id")
    assert all(secret not in str(event.after) for event in events)
    admin_client_org.post(target, smtp_form(password_clear="on"))
    smtp.refresh_from_db()
    assert smtp.password == ""


def test_smtp_errors_are_explained(admin_client_org, organisation):
    response = admin_client_org.post(
        url("settings_sending", organisation),
        smtp_form(host="bad host!", port="70000", password="jamais-reaffiche"),
    )
    assert response.status_code == 400
    assert "65535" in response.content.decode()
    assert "jamais-reaffiche" not in response.content.decode()
    response = admin_client_org.post(url("settings_sending", organisation), smtp_form(
        host="bad host!"
    ))  # fmt: skip
    assert "Nom de serveur invalide" in response.content.decode()
    assert not SmtpSettings.objects.exists()


def test_test_email_goes_through_the_organisations_server(
    admin_client_org, organisation, smtp_server, settings
):
    settings.RELANCE_SMTP_ALLOW_PRIVATE_HOSTS = True  # the test server listens on 127.0.0.1
    admin_client_org.post(url("settings_sending", organisation), smtp_form(
        host="127.0.0.1", port=str(smtp_server.port), security="none", username="",
    ))  # fmt: skip
    response = admin_client_org.post(url("settings_smtp_test", organisation), follow=True)
    assert "Message de test envoyé" in response.content.decode()
    [received] = smtp_server.messages
    assert received["To"] == "admin@atelier.example"
    assert "Atelier Dupont SAS" in received["Subject"]


def test_test_email_failure_is_reported_with_the_reason(admin_client_org, organisation, settings):
    settings.RELANCE_SMTP_ALLOW_PRIVATE_HOSTS = True
    SmtpSettings.objects.create(organisation=organisation, host="127.0.0.1", port=1,
                                use_tls=False)  # fmt: skip
    response = admin_client_org.post(url("settings_smtp_test", organisation), follow=True)
    assert "n&#x27;est pas parti" in response.content.decode()


def test_removing_the_own_server_goes_back_to_the_sites(admin_client_org, organisation):
    admin_client_org.post(url("settings_sending", organisation), smtp_form())
    admin_client_org.post(url("settings_smtp_remove", organisation))
    assert not SmtpSettings.objects.exists()
    assert AuditEvent.objects.filter(action="smtp_settings_remove").count() == 1


def test_a_new_domain_shows_the_dns_records_to_publish(admin_client_org, organisation, settings):
    settings.EMAIL_HOST = "smtp.example.net"  # a known sending server: a complete SPF record
    response = admin_client_org.post(
        url("settings_domain_add", organisation), {"domain": "Atelier-Dupont.fr"}
    )
    assert response.status_code == 302
    domain = SendingDomain.objects.get(organisation=organisation)
    assert domain.domain == "atelier-dupont.fr"
    page = admin_client_org.get(url("settings_sending", organisation)).content.decode()
    assert "relance._domainkey.atelier-dupont.fr" in page
    assert f"v=DKIM1; k=rsa; p={domain.dkim_public_key}" in page
    assert "v=spf1 a:smtp.example.net ~all" in page
    assert "_dmarc.atelier-dupont.fr" in page and "v=DMARC1" in page
    assert "PRIVATE KEY" not in page and domain.dkim_private_key not in page


def test_a_bad_domain_is_explained(admin_client_org, organisation):
    response = admin_client_org.post(url("settings_domain_add", organisation), {
        "domain": "pas un domaine"
    })  # fmt: skip
    assert response.status_code == 400
    assert "Nom de domaine invalide" in response.content.decode()


def test_rotating_the_dkim_key(admin_client_org, organisation, actor):
    domain, _ = sending_domain_setup(organisation=organisation, domain="atelier.example",
                                     actor=actor)  # fmt: skip
    old = domain.dkim_public_key
    response = admin_client_org.post(
        url("settings_domain_rotate", organisation, domain="atelier.example")
    )
    assert response.status_code == 302
    domain.refresh_from_db()
    assert domain.dkim_public_key != old
    assert AuditEvent.objects.filter(action="dkim_key_created").count() == 2


def test_dns_check_shows_pass_and_fail_per_record(
    admin_client_org, organisation, actor, monkeypatch
):
    _, (name, value) = sending_domain_setup(
        organisation=organisation, domain="atelier.example", actor=actor
    )
    # A TXT string holds 255 characters at most: the key is published as several strings.
    chunks = [value[i : i + 250] for i in range(0, len(value), 250)]
    server = LocalDns({
        "atelier.example": ["v=spf1 a:smtp.atelier.example ~all"],
        name: ['" "'.join(chunks)],
    })  # fmt: skip
    resolver = server.resolver()
    monkeypatch.setattr(dns.resolver, "Resolver", lambda *args, **kwargs: resolver)
    try:
        target = url("settings_domain_check", organisation, domain="atelier.example")
        partial = admin_client_org.get(target, headers={"HX-Request": "true"})
        full = admin_client_org.get(target)
    finally:
        server.close()
    fragment = partial.content.decode()
    assert "<html" not in fragment
    badges = re.findall(r'class="badge (good|bad)">(\w+)', fragment)
    assert badges == [("good", "SPF"), ("good", "DKIM"), ("bad", "DMARC")]
    assert "_dmarc.atelier.example" in fragment  # the advice says where to publish it
    assert "<html" in full.content.decode() and "à corriger" in full.content.decode()
