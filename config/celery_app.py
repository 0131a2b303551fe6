"""The Celery application. Settings come from Django's CELERY_* settings.

Every task's base is `core.rls.ScopedTask`: a task's statements run for the factory its
`factory_id` argument names, for the platform when it is declared `rls="platform"`, and for
no tenant otherwise (row-level security, docs/operations.md).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("seamline", task_cls="core.rls:ScopedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
