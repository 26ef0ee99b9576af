from django.urls import path

from relance.web.todo import views

urlpatterns = [
    path("", views.todo_list, name="todo"),
    path("send/", views.todo_bulk, name="todo-bulk"),
    path("print/", views.todo_print, name="todo-print"),
    path("<uuid:reminder>/", views.todo_detail, name="todo-detail"),
    path("<uuid:reminder>/preview/", views.todo_preview, name="todo-preview"),
    path("<uuid:reminder>/skip/", views.todo_skip, name="todo-skip"),
    path("<uuid:reminder>/postpone/", views.todo_postpone, name="todo-postpone"),
    path("<uuid:reminder>/done/", views.todo_done, name="todo-done"),
    path("<uuid:reminder>/call/", views.todo_call_outcome, name="todo-call-outcome"),
    path("<uuid:reminder>/letter.pdf", views.todo_letter_pdf, name="todo-letter-pdf"),
    path("<uuid:reminder>/letter/print/", views.todo_letter_print, name="todo-letter-print"),
    path("<uuid:reminder>/letter/posted/", views.todo_letter_posted, name="todo-letter-posted"),
    path(
        "<uuid:reminder>/attachments/<uuid:attachment>/",
        views.todo_attachment,
        name="todo-attachment",
    ),
]
