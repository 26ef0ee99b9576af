from django.urls import path

from relance.web.dashboard import exports, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/<slug:report>.<str:fmt>", exports.report_export, name="report_export"),
]
