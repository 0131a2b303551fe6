"""Settings of the Celery worker started by test_webhook_worker.py: short back-off."""

from config.settings import *  # noqa: F403

ORDERS_WEBHOOK_RETRY_BASE_SECONDS = 1
