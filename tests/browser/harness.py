"""The browser tests' shared parts: daphne serving the test database in its own process,
Chromium through Playwright, and a signed-in page at one viewport that collects console errors.

tests/conftest.py registers this module as a plugin, so `browser` and `server` are
fixtures everywhere.
"""

import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

# Listing every app makes the flush after each test TRUNCATE ... CASCADE, which PostgreSQL
# needs: auditlog's own (swapped-out) log table still points at users.
ALL_APPS = list(django_settings.INSTALLED_APPS)

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, available_apps=ALL_APPS),
]

BASE_DIR = Path(django_settings.BASE_DIR)
ARTIFACTS = BASE_DIR / "artifacts"
PASSWORD = "pw-Seamline-1"
PORTS = range(18900, 18950)
WAIT_MS = 15000


def free_port() -> int:
    # In random order: test runs side by side on one machine then rarely pick the same port.
    for port in random.sample(PORTS, len(PORTS)):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 18900-18949")


def database_url() -> str:
    db = django_settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


class Daphne:
    """daphne serving config.asgi on the test database, in its own process."""

    def __init__(self, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.env = env  # a variable set to None is left out of the server's environment

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "1", "CONN_MAX_AGE": "0"}
        env = {k: v for k, v in {**env, **self.env}.items() if v is not None}
        command = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)]
        self.process = subprocess.Popen(
            [sys.executable, *command, "config.asgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(self.process.stderr.read().decode()[-2000:])
            time.sleep(0.2)

    def stop(self) -> None:
        # daphne drains open WebSockets on SIGTERM; a restart does not wait for the pages.
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process.stderr.close()


@pytest.fixture
def server(transactional_db, settings, monkeypatch):
    """A running daphne, stopped before the test's tables are flushed (a daphne kept across
    tests leaves the next test's live page without its WebSocket)."""
    # Rollups rebuild in this process, where the events are published.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Playwright's sync API runs an event loop; the ORM calls between its steps are plain sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    daphne = Daphne()
    daphne.start()
    yield daphne
    daphne.stop()


@pytest.fixture(scope="module")
def browser():
    """Chromium for a module of browser tests. Playwright's sync API runs an event loop; the
    ORM calls between its steps are plain sync, so the module's tests (and their database
    set-up and flush) run with DJANGO_ALLOW_ASYNC_UNSAFE while it lives."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield chromium
        chromium.close()


class Visit:
    """A page at one viewport, signed in as `username` unless it is None, that collects
    console errors and every main-frame navigation with its HTTP status."""

    def __init__(self, browser, server: Daphne, username, viewport, *, locale=None):
        self.server = server.url
        options = {"viewport": {"width": viewport[0], "height": viewport[1]}}
        if locale:
            options["locale"] = locale
        self.context = browser.new_context(**options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.errors = []
        self.navigations = []  # (url, status) of every document the main frame loaded
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("response", self._response)
        if username is not None:
            self.login(username)

    def login(self, username: str, password: str = PASSWORD) -> None:
        self.page.goto(f"{self.server}/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def _console(self, message):
        # The shell has no favicon; the browser's own request for it is not the page's error.
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            self.errors.append(message.text)

    def _response(self, response):
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.navigations.append((response.url, response.status))

    def go(self, path: str) -> None:
        self.page.goto(f"{self.server}{path}")

    @property
    def server_errors(self) -> list:
        return [(url, status) for url, status in self.navigations if status >= 500]

    def text_becomes(self, selector: str, expected: str) -> None:
        self.page.wait_for_function(
            "([selector, expected]) => {"
            " const el = document.querySelector(selector);"
            " return el && el.textContent.trim() === expected; }",
            arg=[selector, expected],
            timeout=WAIT_MS,
        )

    def shot(self, name: str, *, close: bool = True) -> None:
        path = ARTIFACTS / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        if close:
            self.close()

    def close(self) -> None:
        self.context.close()
