from django.contrib import admin
from django.urls import include, path

from relance.ledger.portal_links import PREFIX as PORTAL_PREFIX
from relance.payments.selectors import WEBHOOK_PREFIX

urlpatterns = [
    path("admin/", admin.site.urls),
    path(PORTAL_PREFIX, include("relance.portal.urls")),
    path(WEBHOOK_PREFIX, include("relance.payments.urls")),
    path("", include("relance.channels.urls")),
    path("", include("relance.web.urls")),
]
