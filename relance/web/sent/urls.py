from django.urls import path

from relance.web.sent import exports, views

urlpatterns = [
    path("sent/", views.sent_list, name="sent"),
    path("sent/export.<str:fmt>", exports.sent_export, name="sent_export"),
    path("sent/<uuid:message>/", views.sent_detail, name="sent_message"),
]
