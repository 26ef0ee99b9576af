from django.urls import path

from relance.web.search import views

urlpatterns = [path("search/", views.search_page, name="search")]
