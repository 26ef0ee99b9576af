from django.urls import path

from relance.web.scenarios import views

urlpatterns = [
    path("scenarios/", views.scenario_list, name="scenarios"),
    path("scenarios/new/", views.scenario_new, name="scenario_create"),
    path("scenarios/<uuid:scenario>/", views.scenario_detail, name="scenario_detail"),
    path(
        "scenarios/<uuid:scenario>/calendar/",
        views.scenario_calendar_view,
        name="scenario_calendar",
    ),
    path("scenarios/<uuid:scenario>/rename/", views.scenario_rename, name="scenario_rename"),
    path("scenarios/<uuid:scenario>/delete/", views.scenario_remove, name="scenario_delete"),
    path("scenarios/<uuid:scenario>/steps/", views.step_add, name="scenario_step_add"),
    path("scenarios/<uuid:scenario>/steps/undo/", views.step_undo, name="scenario_step_undo"),
    path("scenarios/<uuid:scenario>/steps/<slug:key>/", views.step_edit, name="scenario_step_edit"),
    path(
        "scenarios/<uuid:scenario>/steps/<slug:key>/delete/",
        views.step_delete,
        name="scenario_step_delete",
    ),
    path(
        "scenarios/<uuid:scenario>/steps/<slug:key>/move/",
        views.step_move,
        name="scenario_step_move",
    ),
]
