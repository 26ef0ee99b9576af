"""Staff pages. Everything about one organisation lives under ``/o/<slug>/``."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from relance.web import views

organisation_patterns = [
    path("", include("relance.web.dashboard.urls")),
]

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_set, name="language_set"),
    path("o/<slug:org>/", include(organisation_patterns)),
    path("", views.home, name="home"),
]
