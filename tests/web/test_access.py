from __future__ import annotations

from django.urls import reverse

from relance.accounts.models import User


def test_a_member_reaches_only_their_organisations(collector, organisation, other_organisation):
    assert collector.get(reverse("dashboard", kwargs={"org": organisation.slug})).status_code == 200
    assert (
        collector.get(reverse("dashboard", kwargs={"org": other_organisation.slug})).status_code
        == 404
    )


def test_signed_out_visitor_is_sent_to_sign_in(client, organisation):
    response = client.get(reverse("dashboard", kwargs={"org": organisation.slug}))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_viewer_cannot_post_anywhere_in_the_organisation(viewer, organisation):
    response = viewer.post(reverse("dashboard", kwargs={"org": organisation.slug}))
    assert response.status_code == 403


def test_home_remembers_the_last_organisation(signed_in, organisation, other_organisation, actor):
    signed_in(organisation, "collector", email="both@example.org")
    client = signed_in(other_organisation, "viewer", email="both@example.org")
    client.get(reverse("dashboard", kwargs={"org": other_organisation.slug}))
    response = client.get(reverse("home"))
    assert response.url == reverse("dashboard", kwargs={"org": other_organisation.slug})


def test_language_is_kept_on_the_account_and_applied(collector, organisation):
    url = reverse("dashboard", kwargs={"org": organisation.slug})
    assert 'lang="fr"' in collector.get(url).content.decode()
    response = collector.post(reverse("language_set"), {"language": "en", "next": url})
    assert response.url == url
    assert User.objects.get(email=f"collector@{organisation.slug}.example").language == "en"
    assert 'lang="en"' in collector.get(url).content.decode()


def test_language_switch_refuses_unknown_codes_and_foreign_redirects(collector, organisation):
    response = collector.post(
        reverse("language_set"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")
    assert User.objects.get(email=f"collector@{organisation.slug}.example").language == ""
