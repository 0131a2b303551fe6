"""WSGI entry point: what gunicorn serves for HTTP (deploy/web/gunicorn.conf.py).

HTTP goes through the same middleware either way (row-level security scope, acting
organization, factory time zone, audit context); config/asgi.py adds the WebSockets, which
daphne serves (deploy/web/serve). Live pushes from these processes reach daphne's consumers
through the Redis channel layer (dashboards/live.py runs its own loop thread here).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
