from django.urls import path

from relance.web.settings_pages import audit, members, payments, profile, sending, sms, views

urlpatterns = [
    path("settings/", views.organisation, name="settings"),
    path("settings/logo/", views.logo, name="settings_logo"),
    path("settings/sending/", sending.sending, name="settings_sending"),
    path("settings/sending/smtp/remove/", sending.smtp_remove, name="settings_smtp_remove"),
    path("settings/sending/test/", sending.smtp_test, name="settings_smtp_test"),
    path("settings/sending/domains/", sending.domain_add, name="settings_domain_add"),
    path(
        "settings/sending/domains/<str:domain>/rotate/",
        sending.domain_rotate,
        name="settings_domain_rotate",
    ),
    path(
        "settings/sending/domains/<str:domain>/check/",
        sending.domain_check,
        name="settings_domain_check",
    ),
    path("settings/payments/", payments.payments, name="settings_payments"),
    path("settings/payments/check/", payments.payments_check, name="settings_payments_check"),
    path("settings/payments/remove/", payments.payments_remove, name="settings_payments_remove"),
    path("settings/sms/", sms.sms_opt_out_list, name="settings_sms"),
    path("settings/sms/remove/", sms.sms_opt_out_delete, name="settings_sms_remove"),
    path("settings/users/", members.users, name="settings_users"),
    path("settings/users/<uuid:user>/", members.user_edit, name="settings_user_edit"),
    path("settings/users/<uuid:user>/role/", members.user_role, name="settings_user_role"),
    path("settings/users/<uuid:user>/remove/", members.user_remove, name="settings_user_remove"),
    path("settings/rules/", views.rules, name="settings_rules"),
    path("settings/rates/", views.rates, name="settings_rates"),
    path("settings/audit/", audit.audit, name="settings_audit"),
    path("settings/audit/export.csv", audit.audit_export, name="settings_audit_export"),
    path("profile/", profile.profile, name="profile"),
]
