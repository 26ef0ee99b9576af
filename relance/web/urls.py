"""Staff pages. Everything about one organisation lives under ``/o/<slug>/``."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from relance.web import views

organisation_patterns = [
    path("", include("relance.web.dashboard.urls")),
    path("", include("relance.web.settings_pages.urls")),
    path("todo/", include("relance.web.todo.urls")),
    path("", include("relance.web.imports.urls")),
    path("", include("relance.web.sent.urls")),
    path("", include("relance.web.customers.urls")),
    path("", include("relance.web.invoices.urls")),
    path("", include("relance.web.payments.urls")),
    path("", include("relance.web.scenarios.urls")),
    path("", include("relance.web.segments.urls")),
    path("", include("relance.web.templates_editor.urls")),
    path("", include("relance.web.search.urls")),
    path("", include("relance.web.analytics.urls")),
]

urlpatterns = [
    path("", include("relance.web.signin.urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_set, name="language_set"),
    path("o/<slug:org>/", include(organisation_patterns)),
    path("", views.home, name="home"),
]
