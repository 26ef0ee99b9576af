from django.urls import path

from relance.web.dashboard import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
