from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "relance.accounts"
    label = "accounts"
    verbose_name = "Organisations et utilisateurs"


class RelanceAdminConfig(admin_apps.AdminConfig):
    """Django's admin with relance's site: superusers only, behind the sign-in lock."""

    default = False  # the app's own config stays AccountsConfig
    default_site = "relance.accounts.admin_site.RelanceAdminSite"
