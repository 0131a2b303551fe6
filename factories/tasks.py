"""Celery tasks of factories/: take ids, call a service, safe to run twice.

`data_export_run` lives next to the service that queues it (factories/data_exports.py).
"""

from factories.data_exports import data_export_run, data_exports_purge_task

__all__ = ["data_export_run", "data_exports_purge_task"]
