from django.urls import path

from relance.web.analytics import views

urlpatterns = [
    path("analytics/", views.analytics, name="analytics"),
]
