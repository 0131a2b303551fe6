"""A merchant's webhook receiver for the demo, the end-to-end test and `bench chain`: a stdlib
HTTP server in a thread that checks each delivery's signature the way docs/api.md tells a
merchant to (none of orders/' signing code: it checks the documented algorithm, not our code)
and logs what it got.

`secrets()` returns the signing secrets it accepts (the endpoints registered for it); a request
whose signature matches none of them, or whose timestamp is stale, is answered 400 and counted
as refused, so the platform's delivery log shows it as failed.
"""

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from core import rls
from orders.models import WebhookEndpoint

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Seamline-Signature"
PATH = "/hooks/seamline"


def signature_verifies(secret: str, header: str, body: bytes, *, now: float, tolerance=300):
    """`Seamline-Signature: t=<unix seconds>,v1=<hex>`, hex = HMAC-SHA256(secret, "t.body")."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), given)


class WebhookReceiver:
    """Listens on `host:port` (0: a free port); `verified` and `refused` hold what came in."""

    def __init__(self, secrets: Callable[[], list[str]], *, host="127.0.0.1", port=0):
        self.secrets = secrets
        self.verified: list[dict] = []
        self.refused: list[dict] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.receive(self.headers.get(SIGNATURE_HEADER, ""), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True, name="webhook-receiver"
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def receive(self, header: str, body: bytes) -> int:
        now = time.time()
        secrets = self.secrets()
        ok = any(signature_verifies(secret, header, body, now=now) for secret in secrets)
        try:
            event = json.loads(body)
        except ValueError:
            event = {}
        entry = {
            "type": event.get("type"),
            "order": (event.get("data") or {}).get("order", {}).get("number"),
            "status": (event.get("data") or {}).get("order", {}).get("status"),
            "at": now,
        }
        with self._lock:
            (self.verified if ok else self.refused).append(entry)
        logger.info("webhook %s %s: %s", entry["type"], entry["order"], "ok" if ok else "REFUSED")
        return 200 if ok else 400

    def start(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


DEMO_PORT = 8199


def demo_url(port: int = DEMO_PORT) -> str:
    return f"http://127.0.0.1:{port}{PATH}"


def demo_receiver(port: int = DEMO_PORT) -> WebhookReceiver:
    """The demo merchant's receiver on loopback: it accepts the secrets of the endpoints
    registered at its URL (read from the database at each delivery, for the platform)."""
    url = demo_url(port)

    @rls.platform()
    def secrets() -> list[str]:
        return list(WebhookEndpoint.objects.filter(url=url).values_list("secret", flat=True))

    return WebhookReceiver(secrets, port=port)
