"""Django wiring for Seamline. config/ and core/ together are the design card's "platform/"."""

from .celery_app import app as celery_app

__all__ = ["celery_app"]
