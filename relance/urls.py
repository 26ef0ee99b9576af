from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from relance.ledger.portal_links import PREFIX as PORTAL_PREFIX
from relance.payments.selectors import WEBHOOK_PREFIX

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's, a PDF's).
    path("favicon.ico", RedirectView.as_view(url=static("relance/favicon.svg"), permanent=True)),
    path(PORTAL_PREFIX, include("relance.portal.urls")),
    path(WEBHOOK_PREFIX, include("relance.payments.urls")),
    path("", include("relance.channels.urls")),
    path("", include("relance.web.urls")),
]
