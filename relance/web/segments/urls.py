from django.urls import path

from relance.web.segments import views

urlpatterns = [
    path("segments/", views.segment_list, name="segments"),
    path("segments/new/", views.segment_new, name="segment_create"),
    path("segments/new/count/", views.segment_new_count, name="segment_create_count"),
    path("segments/recompute/", views.recompute, name="segments_recompute"),
    path("segments/<uuid:segment>/", views.segment_edit, name="segment_edit"),
    path("segments/<uuid:segment>/count/", views.segment_count, name="segment_count"),
]
