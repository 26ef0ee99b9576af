from django.urls import path

from relance.web.customers import exports, letters, payer_ibans, portal, segment, views

urlpatterns = [
    path("customers/", views.customers, name="customers"),
    path("customers/export.<str:fmt>", exports.customers_export, name="customers_export"),
    path("customers/<uuid:customer>/", views.customer_page, name="customer"),
    path("customers/<uuid:customer>/pause/", views.pause_post, name="customer_pause"),
    path("customers/<uuid:customer>/resume/", views.resume_post, name="customer_resume"),
    path("customers/<uuid:customer>/scenario/", views.scenario_post, name="customer_scenario"),
    path("customers/<uuid:customer>/segment/", segment.segment_post, name="customer_segment"),
    path("customers/<uuid:customer>/collector/", views.collector_post, name="customer_collector"),
    path("customers/<uuid:customer>/address/", views.address_post, name="customer_address"),
    path("customers/<uuid:customer>/contacts/", views.contact_new, name="customer_contact_add"),
    path(
        "customers/<uuid:customer>/contacts/<uuid:contact>/",
        views.contact_edit,
        name="customer_contact_edit",
    ),
    path("customers/<uuid:customer>/notes/", views.note_post, name="customer_note"),
    path(
        "customers/<uuid:customer>/payer-ibans/forget/",
        payer_ibans.payer_iban_forget_post,
        name="customer_payer_iban_forget",
    ),
    path("customers/<uuid:customer>/disputes/", views.dispute_new, name="customer_dispute"),
    path(
        "customers/<uuid:customer>/disputes/<uuid:dispute>/resolve/",
        views.dispute_resolve,
        name="customer_dispute_resolve",
    ),
    path(
        "customers/<uuid:customer>/disputes/<uuid:dispute>/files/<uuid:file>/",
        views.dispute_file,
        name="customer_dispute_file",
    ),
    path("customers/<uuid:customer>/portal/", portal.portal_link_post, name="customer_portal"),
    path(
        "customers/<uuid:customer>/portal/revoke/",
        portal.portal_revoke_post,
        name="customer_portal_revoke",
    ),
    path(
        "customers/<uuid:customer>/letters/<uuid:reminder>.pdf",
        letters.letter_pdf,
        name="customer_letter_pdf",
    ),
    path(
        "customers/<uuid:customer>/letters/<uuid:reminder>/acknowledged/",
        letters.letter_ack,
        name="customer_letter_ack",
    ),
]
