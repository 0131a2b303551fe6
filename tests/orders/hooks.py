"""A tiny local HTTP server that receives webhooks, and a verifier that knows only the
algorithm documented in docs/api.md (it imports nothing from the project)."""

import hashlib
import hmac
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance: int = 300) -> bool:
    """docs/api.md: Seamline-Signature is `t=<unix seconds>,v1=<hex>`, where hex is
    HMAC-SHA256 with the secret as key over `<t>.<raw body>`; refuse stale timestamps."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(now - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class Receiver:
    """Answers each POST with the next status in `statuses` (the last one repeats).

    `location` goes out as the Location header (a redirect), `reply` as the body, and
    `while_handling(request)` runs before the answer is sent (e.g. to look at the database while
    the worker waits for the reply). Every request, whatever its method, lands in `received`.
    """

    def __init__(
        self, statuses=(200,), *, host="127.0.0.1", location=None, reply=b"ok",
        while_handling=None,
    ):  # fmt: skip
        self.statuses = list(statuses)
        self.received: list[dict] = []
        self.host = host
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                request = {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                    "at": time.time(),
                }
                receiver.received.append(request)
                if while_handling is not None:
                    while_handling(request)
                index = min(len(receiver.received) - 1, len(receiver.statuses) - 1)
                self.send_response(receiver.statuses[index])
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST  # noqa: N815 - a followed redirect arrives as a GET

            def log_message(self, *args):
                pass

        server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
        self.server = server_class((host, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/hooks/seamline"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
