"""Celery application of the distributed mode (RELANCE_EXECUTION=celery).

Workers: ``celery -A relance worker``; the schedule: ``celery -A relance beat``. Tasks are
thin: they take ids and call one service, the same services the embedded mode runs inline.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")

app = Celery("relance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["relance.cycle", "relance.channels"])
app.conf.beat_schedule = {
    "daily-run": {
        "task": "relance.cycle.tasks.run_all_days",
        "schedule": crontab(hour=7, minute=0),
    },
    "send-outbox": {
        "task": "relance.channels.tasks.send_outbox",
        "schedule": 60.0,  # seconds
    },
    "send-sms": {
        "task": "relance.channels.tasks.send_sms",
        "schedule": 300.0,
    },
    "poll-mailbox": {
        "task": "relance.channels.tasks.poll_mailbox",
        "schedule": 300.0,
    },
}
