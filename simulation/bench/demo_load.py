"""`manage.py bench demo_load --minutes 30`: the embedded demo under five people at once.

Builds a fresh demo (`migrate` and `seed_demo` on a new SQLite file, nothing else in the
environment: no PostgreSQL, Redis or MQTT, exactly `make demo`), starts `run_demo` (daphne, the
in-process periodic jobs and the factory-floor simulator) as its own process, then lets five
people use it for --minutes: the manager, the planner, the supervisor, a merchant's buyer and a
supplier's sales person each sign in and walk the pages their home and each page link to,
clicking about once a second; the manager also polls the factory screen's data as the screen
does; the supplier and the planner confirm purchase orders with the quantities and dates the
form shows (the supplier's valid confirmation that once answered "Server Error (500)").

Counted: requests by status, any 5xx (with its page), confirmations, and in the server's log
"database is locked", tracebacks and simulator restarts. The last line printed is one JSON
object; `failure` is set (and the command fails) when there was any 5xx, "database is locked"
or simulator crash.
"""

import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import HTTPCookieProcessor, Request, build_opener

from django.conf import settings

from simulation.chain import free_tcp_port

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "seamline-demo"
PEOPLE = {
    "manager": "zz-lusong-manager",
    "planner": "zz-lusong-planner",
    "supervisor": "zz-lusong-supervisor",
    "merchant": "m-curve-buyer",
    "supplier": "s-fabric-sales",
}
CONFIRMERS = ("supplier", "planner")
# Pages a person does not "walk": signing out, switching language, the admin, files.
SKIP = re.compile(r"^/(logout|i18n|admin|static|media|jsi18n)|\.(png|jpg|svg|css|js|ico)$")
LINK = re.compile(r'href="(/[^"#]*)"')
PURCHASE_ORDER = re.compile(r'href="(/inventory/purchase-orders/\d+/)"')
LOG_PATTERNS = {
    "database_locked": "database is locked",
    "tracebacks": "Traceback (most recent call last)",
    "simulator_crashes": "simulator stopped; restarting",
    "simulator_retries": "simulator: ingest failed",
    "server_errors_logged": "Internal Server Error",
}


def add_arguments(parser) -> None:
    parser.add_argument("--minutes", type=float, default=1.0, help="how long the five click")
    parser.add_argument("--rate", type=float, default=5.0, help="simulated events per second")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between clicks")
    parser.add_argument("--workdir", default="", help="keep the database and log here")


def demo_environment(database: Path) -> dict:
    """`make demo`'s environment: the embedded defaults on a SQLite file of its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "MQTT_URL", "DATABASE_APP_ROLE")
        and not k.startswith(("CELERY_", "DJANGO_ALLOW"))
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "ORDERS_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env: dict, *args: str, log) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        check=True,
        timeout=900,
    )


class _Forms(HTMLParser):
    """The POST forms of a page: action and the values a person submitting it as shown sends."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "selects": []}
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            return
        fields = self._form["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind != "submit" or a["name"] == "action":
                fields.setdefault(a["name"], a.get("value") or "")
        elif tag == "select":
            self._form["selects"].append(a["name"])
        elif tag == "textarea":
            self._textarea = a["name"]
            fields.setdefault(a["name"], "")
        elif tag == "button" and a.get("type", "submit") == "submit":
            fields.setdefault(a["name"], a.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None


def _option_values(html: str) -> dict[str, str]:
    """The selected (else first) option of every select, by name."""
    chosen = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        options = re.findall(r"<option([^>]*)>", body)
        values = [
            (re.search(r'value="([^"]*)"', o).group(1) if 'value="' in o else "", "selected" in o)
            for o in options
        ]
        selected = [v for v, s in values if s] or [v for v, _s in values[:1]]
        if selected:
            chosen[name] = selected[0]
    return chosen


def confirm_form(html: str) -> dict | None:
    """The purchase order's confirmation form as shown (its own quantities and dates)."""
    parser = _Forms()
    parser.feed(html)
    selects = _option_values(html)
    for form in parser.forms:
        if form["fields"].get("action") == "confirm":
            chosen = {name: selects[name] for name in form["selects"] if name in selects}
            return {"action": form["action"], "fields": {**form["fields"], **chosen}}
    return None


@dataclass
class Response:
    """What a person got back: the status, the final address, the page."""

    status_code: int
    url: str
    text: str
    content_type: str

    def json(self):
        return json.loads(self.text)


class Person:
    """One signed-in person clicking through the demo (a browser's cookies, redirects followed),
    counting what the server answered."""

    def __init__(self, base: str, role: str, username: str, think: float, seed: int):
        self.base, self.role, self.username, self.think = base, role, username, think
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies))
        self.random = random.Random(seed)
        self.links: list[str] = []
        self.statuses: Counter = Counter()
        self.server_errors: list[str] = []
        self.confirmed = 0
        self.failed_requests = 0
        self.outputs: list[int] = []  # the screen's output each time the manager polled it

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")

    def _request(self, method: str, path: str, data: dict | None = None, headers=None):
        body = urlencode(data).encode() if data is not None else None
        request = Request(urljoin(self.base, path), data=body, method=method)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with self.opener.open(request, timeout=60) as answer:
                response = Response(
                    answer.status,
                    answer.url,
                    answer.read().decode("utf-8", "replace"),
                    answer.headers.get("Content-Type", ""),
                )
        except HTTPError as error:  # 4xx and 5xx: an answer all the same
            response = Response(
                error.code,
                error.url,
                error.read().decode("utf-8", "replace"),
                error.headers.get("Content-Type", ""),
            )
        except Exception as error:  # noqa: BLE001 - counted: a refused or dropped connection
            self.failed_requests += 1
            self.server_errors.append(f"{method} {path}: {type(error).__name__}")
            return None
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.server_errors.append(f"{method} {path}: {response.status_code}")
        return response

    def sign_in(self) -> bool:
        page = self._request("GET", "/login/")
        if page is None:
            return False
        token = self.cookie("csrftoken")
        response = self._request(
            "POST",
            "/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": urljoin(self.base, "/login/")},
        )
        return response is not None and "/login/" not in urlsplit(response.url).path

    def _learn(self, html: str) -> None:
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if not SKIP.search(link) and link not in self.links:
                self.links.append(link)
        del self.links[300:]

    def click(self) -> None:
        if self.role == "manager" and self.random.random() < 0.3:
            data = self._request("GET", "/dashboards/data/?window=12h")  # as the screen does
            if data is not None and data.status_code == 200:
                self.outputs.append(data.json()["kpi"]["output"])
            return
        if self.role in CONFIRMERS and self.random.random() < 0.25:
            self.confirm_a_purchase_order()
            return
        path = self.random.choice(self.links) if self.links else "/"
        response = self._request("GET", path)
        if response is not None and "html" in response.content_type:
            self._learn(response.text)

    def confirm_a_purchase_order(self) -> None:
        listing = self._request("GET", "/inventory/purchase-orders/")
        orders = PURCHASE_ORDER.findall(listing.text) if listing is not None else []
        if not orders:
            return
        path = self.random.choice(orders)
        page = self._request("GET", path)
        form = confirm_form(page.text) if page is not None and page.status_code == 200 else None
        if form is None:
            return
        response = self._request(
            "POST",
            form["action"] or path,
            data=form["fields"],
            headers={"Referer": urljoin(self.base, path)},
        )
        if response is not None and response.status_code == 200 and response.url.endswith(path):
            self.confirmed += 1

    def run(self, until: float) -> None:
        if not self.sign_in():
            self.server_errors.append(f"{self.username} could not sign in")
            return
        home = self._request("GET", "/")
        if home is not None:
            self._learn(home.text)
        while time.monotonic() < until:
            self.click()
            time.sleep(self.random.expovariate(1 / self.think) if self.think else 0)


def run(options, stdout) -> dict:
    workdir = Path(options["workdir"] or tempfile.mkdtemp(prefix="seamline-demo-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "demo.sqlite3"
    for stale in workdir.glob("demo.sqlite3*"):
        stale.unlink()
    env = demo_environment(database)
    log_path = workdir / "run_demo.log"
    started = time.monotonic()
    with open(workdir / "setup.log", "w") as setup_log:
        _manage(env, "migrate", "--noinput", log=setup_log)
        _manage(env, "seed_demo", "--webhook-port", str(free_tcp_port()), log=setup_log)
    setup_seconds = time.monotonic() - started
    port = free_tcp_port()
    log = open(log_path, "w")  # noqa: SIM115 - the server writes to it until it stops
    server = subprocess.Popen(
        [sys.executable, "manage.py", "run_demo", "--host", "127.0.0.1", "--port", str(port)]
        + ["--webhook-port", str(free_tcp_port()), "--rate", str(options["rate"])],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    people = []
    try:
        deadline = time.monotonic() + 120
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log_path.read_text()[-2000:])
            time.sleep(0.3)
        stdout.write(f"demo_load: serving on {port}; five people for {options['minutes']} min")
        base = f"http://127.0.0.1:{port}"
        people = [
            Person(base, role, username, options["think"], seed=index)
            for index, (role, username) in enumerate(PEOPLE.items())
        ]
        until = time.monotonic() + options["minutes"] * 60
        threads = [threading.Thread(target=p.run, args=(until,), daemon=True) for p in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=options["minutes"] * 60 + 180)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        log.close()
    text = log_path.read_text(errors="replace")
    found = {name: text.count(pattern) for name, pattern in LOG_PATTERNS.items()}
    statuses = Counter()
    for person in people:
        statuses.update(person.statuses)
    server_errors = [error for person in people for error in person.server_errors]
    simulated = _simulated(database)
    outputs = [output for person in people for output in person.outputs]
    result = {
        "minutes": options["minutes"],
        "setup_seconds": round(setup_seconds, 1),
        "requests": sum(statuses.values()),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "by_person": {p.role: sum(p.statuses.values()) for p in people},
        "server_errors": len(server_errors),
        "server_error_pages": server_errors[:20],
        "confirmations": sum(p.confirmed for p in people),
        # The factory screen's output as the manager saw it: it moves while the floor runs.
        "screen_output_first": outputs[0] if outputs else None,
        "screen_output_last": outputs[-1] if outputs else None,
        "screen_output_changes": sum(
            1 for before, after in zip(outputs, outputs[1:], strict=False) if before != after
        ),
        **found,
        **simulated,
        "workdir": str(workdir),
    }
    problems = [
        name for name in ("server_errors", "database_locked", "simulator_crashes") if result[name]
    ]
    if problems:
        result["failure"] = "demo_load: " + ", ".join(f"{n}={result[n]}" for n in problems)
    return result


def _simulated(database: Path) -> dict:
    """What the simulator stored: hangers' departures from stations, how many were handed off
    to production (each at most once, keyed on device and sequence; the last second's may be
    cut off by the stop), and operation records sharing an event id (a scan counted twice)."""
    with sqlite3.connect(database) as db:
        departures = db.execute(
            "SELECT count(*) FROM devices_telemetryrecord WHERE kind = 'station.leave'"
        ).fetchone()[0]
        handed = db.execute("SELECT count(*) FROM devices_stationhandoff").fetchone()[0]
        recorded = db.execute(
            "SELECT count(*) FROM devices_stationhandoff WHERE outcome = 'recorded'"
        ).fetchone()[0]
        doubled = db.execute(
            "SELECT count(*) FROM (SELECT external_event_id FROM production_operationrecord "
            "WHERE external_event_id != '' GROUP BY external_event_id HAVING count(*) > 1)"
        ).fetchone()[0]
    return {
        "station_departures": departures,
        "hand_offs": handed,
        "hand_offs_recorded": recorded,
        "double_counted": doubled,
    }
