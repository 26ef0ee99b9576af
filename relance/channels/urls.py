from django.urls import path

from relance.channels import views

urlpatterns = [
    path("t/o/<str:token>.gif", views.open_pixel, name="open-pixel"),
    path("inbound/mail", views.inbound, name="inbound-mail"),
]
