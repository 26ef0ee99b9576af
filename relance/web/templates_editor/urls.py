from django.urls import path

from relance.web.templates_editor import views

urlpatterns = [
    path("templates/", views.template_list, name="templates"),
    path("templates/customers/", views.customer_options, name="template_customers"),
    path("templates/<slug:key>/<slug:language>/", views.template_edit, name="template_edit"),
    path(
        "templates/<slug:key>/<slug:language>/preview/",
        views.template_preview,
        name="template_preview",
    ),
    path(
        "templates/<slug:key>/<slug:language>/test/",
        views.template_test,
        name="template_test",
    ),
    path(
        "templates/<slug:key>/<slug:language>/reset/",
        views.template_reset,
        name="template_reset",
    ),
]
