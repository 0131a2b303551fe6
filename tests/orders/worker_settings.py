"""Settings of the Celery worker started by test_webhook_worker.py: short back-off."""

from config.settings import *  # noqa: F403

ORDERS_WEBHOOK_RETRY_BASE_SECONDS = 1
# The test receiver listens on loopback, which webhooks may not reach by default.
ORDERS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
