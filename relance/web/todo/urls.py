from django.urls import path

from relance.web.todo import (
    call_views,
    exports,
    letter_views,
    message_views,
    request_views,
    views,
)

urlpatterns = [
    path("", views.todo_list, name="todo"),
    path("export.<str:fmt>", exports.todo_export, name="todo_export"),
    path("send/", views.todo_bulk, name="todo-bulk"),
    path("print/", views.todo_print, name="todo-print"),
    path("customer/<uuid:customer>/", views.todo_customer, name="todo-customer"),
    path(
        "requests/<uuid:request_id>/",
        request_views.debtor_request_page,
        name="todo-request",
    ),
    path(
        "requests/<uuid:request_id>/answer/",
        request_views.debtor_request_answer,
        name="todo-request-answer",
    ),
    path(
        "requests/<uuid:request_id>/file/",
        request_views.debtor_request_file,
        name="todo-request-file",
    ),
    path("<uuid:reminder>/", views.todo_detail, name="todo-detail"),
    path("<uuid:reminder>/preview/", message_views.todo_preview, name="todo-preview"),
    path("<uuid:reminder>/skip/", views.todo_skip, name="todo-skip"),
    path("<uuid:reminder>/bounce/", message_views.todo_bounce_fix, name="todo-bounce-fix"),
    path("<uuid:reminder>/postpone/", views.todo_postpone, name="todo-postpone"),
    path("<uuid:reminder>/done/", views.todo_done, name="todo-done"),
    path("<uuid:reminder>/call/", call_views.todo_call_outcome, name="todo-call-outcome"),
    path("<uuid:reminder>/letter.pdf", letter_views.todo_letter_pdf, name="todo-letter-pdf"),
    path("<uuid:reminder>/letter/print/", letter_views.todo_letter_print, name="todo-letter-print"),
    path(
        "<uuid:reminder>/letter/sent.pdf",
        letter_views.todo_letter_archived,
        name="todo-letter-archived",
    ),
    path(
        "<uuid:reminder>/letter/acknowledged/",
        letter_views.todo_letter_acknowledged,
        name="todo-letter-acknowledged",
    ),
    path(
        "<uuid:reminder>/letter/posted/",
        letter_views.todo_letter_posted,
        name="todo-letter-posted",
    ),
    path(
        "<uuid:reminder>/attachments/<uuid:attachment>/",
        message_views.todo_attachment,
        name="todo-attachment",
    ),
    path(
        "<uuid:reminder>/attachments/<uuid:attachment>/remove/",
        message_views.todo_attachment_remove,
        name="todo-attachment-remove",
    ),
]
