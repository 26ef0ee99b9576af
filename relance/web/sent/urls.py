from django.urls import path

from relance.web.sent import views

urlpatterns = [
    path("sent/", views.sent_list, name="sent"),
    path("sent/<uuid:message>/", views.sent_detail, name="sent_message"),
]
