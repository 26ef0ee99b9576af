from django.urls import path

from relance.payments import views

urlpatterns = [
    path("<str:provider>/<str:token>/", views.webhook, name="payment-webhook"),
]
