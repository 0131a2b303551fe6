"""gunicorn for Seamline's HTTP (config.wsgi): several worker processes, a few threads each.

Django's views are synchronous: under an ASGI server each process runs them on one thread, one
request at a time. Here each of WEB_WORKERS processes serves WEB_THREADS requests at once
(gthread: a thread waits on PostgreSQL or Redis while another runs), and WebSockets (/ws/) stay
with daphne (deploy/web/serve, deploy/nginx/seamline.conf). Measured: docs/scaling.md ("The API
under load"). Every setting has an environment variable, so compose and the bench tune it
without another file.
"""

import os

bind = [os.environ.get("WEB_BIND", "0.0.0.0:8000")]
# Two processes per core, then some: a request spends part of its time waiting on the database.
workers = int(os.environ.get("WEB_WORKERS", 2 * (os.cpu_count() or 1)))
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
threads = int(os.environ.get("WEB_THREADS", 4))
# Keep-alive between nginx (or an API client) and the workers; nginx closes idle ones first.
keepalive = int(os.environ.get("WEB_KEEPALIVE", 15))
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
graceful_timeout = 30
# A worker is replaced after this many requests (jittered), so slow leaks never pile up.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
backlog = 2048
# Django and the apps are imported once, in the master, before the workers fork: they start in
# a moment and share those pages (copy-on-write) instead of each importing everything again.
preload_app = os.environ.get("WEB_PRELOAD", "1") != "0"
# Errors to stderr; no access log by default (nginx keeps one), WEB_ACCESS_LOG=- to turn it on.
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "seamline-web"


def when_ready(server):
    """Before the workers fork: nothing the import opened (a database connection, a cache
    client) may be shared with them; each worker opens its own."""
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()
