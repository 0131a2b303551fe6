"""Cross-tenant isolation, discovered from the URL configuration itself.

Two complete worlds, "alpha" and "bravo", are built; every principal of alpha (a session user
for every role of its factory, merchant, supplier and district, and every API token) walks
every API route and every HTML view, and:
  * never sees a bravo object in a list, nor the text "bravo" anywhere in a response;
  * gets 401/403/404/405 for every method on a bravo object's detail routes and actions;
  * changes none of bravo's rows, and creates no row that points at a bravo object;
  * merchants, suppliers and district officials never see a factory's internal rows;
  * every filter of every list, given bravo's values, shows nothing of bravo, and a filter by
    id answers bravo's id exactly like an id that exists nowhere (no existence oracle);
  * every custom POST action, given bravo's ids in its body, changes nothing of bravo and
    creates nothing that points at bravo;
  * no session of alpha joins a WebSocket group of bravo, on any WebSocket route.
New endpoints are covered the day they are added; nothing may be excluded here.
"""

import io
import json
import zipfile
from collections import defaultdict

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from core import rls
from core.media import media_owners
from core.models import TenantErasure, User
from core.roles import ROLES_BY_KIND, OrgKind
from core.tenancy import TenantModel
from core.tenant_archive import archive_bytes
from devices.models import IngestSession
from factories.tenancy import FactoryOwned
from tests.api_routes import api_routes, list_routes_with_filters, model_choice_filters, walk
from tests.worlds import build_world

pytestmark = pytest.mark.django_db

REFUSED = {401, 403, 404, 405}
NOT_ROUTES = ("admin/", "i18n/", "jsi18n/", "api/schema/", "api/docs/", "static/")
GLOBAL_MODELS = {User}  # people may act for several organizations; reached via Membership
# The ingest processes' MQTT sessions are the platform's own: no tenant's data, no route. So are
# the reports of erased tenants (counts only, kept after the tenant's rows are gone).
PLATFORM_MODELS = {IngestSession, TenantErasure}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in settings.PROJECT_APPS]


def route_kwargs(entry) -> list[str]:
    return list(entry.pattern.regex.groupindex)


def snapshot_pks():
    return {model: set(model.objects.values_list("pk", flat=True)) for model in project_models()}


def rows_of(pks_by_model):
    return {
        model: list(model.objects.filter(pk__in=pks).order_by("pk").values())
        for model, pks in pks_by_model.items()
        if pks
    }


@pytest.fixture
def worlds(db):
    alpha = build_world("alpha")
    before = snapshot_pks()
    bravo = build_world("bravo")
    after = snapshot_pks()
    bravo.pks = {model: after[model] - before[model] for model in after}
    return alpha, bravo, after


def principals(world):
    """(label, client, organization kind) for every role and token of a world."""
    for kind, roles in ROLES_BY_KIND.items():
        for role in sorted(roles):
            client = APIClient()
            client.force_login(world.users[role])
            yield f"session:{role}", client, kind
    for label, key in world.tokens.items():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        yield f"token:{label}", client, label.split("-")[0]


def view_model(entry):
    callback = entry.callback
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    queryset = getattr(cls, "queryset", None)
    if queryset is not None:
        return queryset.model
    return getattr(cls, "model", None) or getattr(callback, "model", None)


def allowed_methods(entry):
    actions = getattr(entry.callback, "actions", None)
    if actions:
        return sorted(actions)
    return ["get", "post", "put", "patch", "delete"]


def payload_from(entry, obj, bravo):
    """What a caller would send to create `obj`: bravo's own object, serialized."""
    cls = getattr(entry.callback, "cls", None)
    serializer_class = getattr(cls, "serializer_class", None)
    if serializer_class is None:
        return {}
    request = type(
        "R",
        (),
        {
            "organization": bravo.factory_org,
            "user": bravo.owner,
            "query_params": {},
            "method": "GET",
        },
    )()
    try:
        return json.loads(
            json.dumps(serializer_class(obj, context={"request": request}).data, default=str)
        )
    except Exception:  # a serializer that needs a real request: send an empty body instead
        return {}


def results_of(response):
    try:
        data = response.json()
    except ValueError:
        return []
    if isinstance(data, dict) and "results" in data:
        return data["results"]
    return data if isinstance(data, list) else []


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


def _leaks(label, url, response, model, kind, bravo, is_api) -> list[str]:
    found = []
    if "bravo" in response.content.decode(errors="replace"):
        found.append(f"{label} GET {url}: shows bravo's data")
    if is_api and model is not None:
        ids = {row.get("id") for row in results_of(response) if isinstance(row, dict)}
        leaked = ids & bravo.pks[model]
        if leaked:
            found.append(f"{label} GET {url}: lists bravo's {leaked}")
        internal = (
            issubclass(model, FactoryOwned)
            and model.scope_for.__func__ is FactoryOwned.scope_for.__func__
        )
        if internal and kind != OrgKind.FACTORY and ids:
            found.append(f"{label} GET {url}: a {kind} sees factory internals")
    return found


def test_every_project_model_is_tenant_scoped_and_populated(worlds):
    _alpha, bravo, _after = worlds
    unscoped = [
        m.__name__
        for m in project_models()
        if not issubclass(m, TenantModel) and m not in GLOBAL_MODELS | PLATFORM_MODELS
    ]
    assert unscoped == []
    empty = [m.__name__ for m in project_models() if not bravo.pks[m] and m not in PLATFORM_MODELS]
    assert empty == [], "populate these models in tests/worlds/<app>.py"


def bravo_media_files(bravo, media_root) -> list[str]:
    """One uploaded file of bravo's in every registered upload folder, stored and named on its
    owning row (the media route takes a file's name, not an id)."""
    names = []
    for owner in media_owners():
        pk = min(bravo.pks[owner.model])
        name = f"{owner.prefix}bravo-{pk}.png"
        (media_root / owner.prefix).mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(b"\x89PNG\r\n\x1a\n")
        owner.model.objects.filter(pk=pk).update(**{owner.field: name})
        names.append(name)
    return names


# It walks every route as every role, so it grows with the API: a hang guard well above its
# running time on a loaded machine (about 10 minutes at load 9), not a timing assertion.
@pytest.mark.timeout(1800)
def test_no_route_lets_alpha_see_or_touch_bravo(worlds, settings, tmp_path):
    alpha, bravo, all_pks_at_start = worlds
    settings.MEDIA_ROOT = tmp_path
    bravo_files = bravo_media_files(bravo, tmp_path)
    assert bravo_files
    bravo_rows_before = rows_of(bravo.pks)
    routes = [
        (route, name, entry)
        for route, name, entry in walk(get_resolver().url_patterns)
        if not route.startswith(NOT_ROUTES)
    ]
    api_routes = [r for r in routes if r[0].startswith("api/v1/")]
    html_routes = [r for r in routes if not r[0].startswith("api/")]
    assert len(api_routes) >= 10 and html_routes

    failures = []
    walked = defaultdict(int)
    # Phase 1 reads and refused writes on bravo's objects; phase 2 posts bravo-shaped bodies
    # (which may legitimately create alpha's own rows, so the text check runs before it).
    for phase in ("read", "write"):
        for label, client, kind in principals(alpha):
            for route, name, entry in api_routes + html_routes:
                is_api = route.startswith("api/")
                token_on_html = label.startswith("token:") and not is_api
                kwargs = route_kwargs(entry)
                model = view_model(entry)
                if kwargs == ["path"] and phase == "read":  # uploaded files, by name
                    for path in bravo_files:
                        url = reverse(name, kwargs={"path": path})
                        response = client.get(url)
                        walked[route] += 1
                        if response.status_code not in REFUSED and not _is_login_redirect(response):
                            failures.append(f"{label} GET {url}: {response.status_code}")
                    continue
                if kwargs == ["path"]:
                    continue
                if kwargs == ["token"] and phase == "read":
                    # A link carrying a secret (an invitation's /join/<token>/): whoever holds
                    # the token may use it, so what is walked is that nothing else opens it —
                    # neither a made-up token nor one of bravo's ids in its place — for reading
                    # or for posting (bravo's rows are checked unchanged below).
                    if model is None:
                        failures.append(f"{route}: a route with a token names its model")
                        continue
                    for token in ("no-such-token", str(min(bravo.pks[model]))):
                        url = reverse(name, kwargs={"token": token})
                        for method in ("get", "post"):
                            response = getattr(client, method)(url)
                            walked[route] += 1
                            # An API token on a signed-in page is sent to sign in, as on the
                            # pages that take an id (an export's download link).
                            if token_on_html and _is_login_redirect(response):
                                continue
                            if response.status_code not in REFUSED:
                                failures.append(
                                    f"{label} {method.upper()} {url}: "
                                    f"{response.status_code}, expected a refusal"
                                )
                    continue
                if kwargs == ["token"]:
                    continue
                if kwargs:
                    if kwargs != ["pk"] or model is None:
                        failures.append(f"{route}: routes with ids take `pk` and name their model")
                        continue
                    if phase == "write":
                        continue
                    bravo_pk = min(bravo.pks[model])
                    url = reverse(name, kwargs={"pk": bravo_pk})
                    methods = allowed_methods(entry) if is_api else ["get", "post"]
                    bravo_object = model.objects.get(pk=bravo_pk)
                    for method in methods:
                        if method in ("get", "delete", "head", "options"):
                            response = getattr(client, method)(url)
                        else:
                            payload = payload_from(entry, bravo_object, bravo)
                            response = getattr(client, method)(url, payload, format="json")
                        walked[route] += 1
                        if token_on_html and _is_login_redirect(response):
                            continue
                        if response.status_code not in REFUSED:
                            failures.append(
                                f"{label} {method.upper()} {url}: "
                                f"{response.status_code}, expected a refusal"
                            )
                    continue
                url = reverse(name)
                if phase == "read":
                    response = client.get(url)
                    walked[route] += 1
                    if response.status_code == 200:
                        failures += _leaks(label, url, response, model, kind, bravo, is_api)
                elif is_api and "post" in allowed_methods(entry) and model is not None:
                    payload = payload_from(
                        entry, model.objects.get(pk=min(bravo.pks[model])), bravo
                    )
                    client.post(url, payload, format="json")
                    walked[route] += 1

    assert not failures, "\n".join(failures)
    assert rows_of(bravo.pks) == bravo_rows_before, "bravo's rows changed"
    assert new_rows_pointing_at(bravo, all_pks_at_start) == []
    assert set(walked) == {route for route, _n, _e in api_routes + html_routes}


def new_rows_pointing_at(bravo, pks_at_start) -> list[str]:
    """Fields of rows created since `pks_at_start` that point at one of bravo's objects."""
    new_rows_pointing_at_bravo = []
    bravo_factory_id = bravo.factory.pk
    for model in project_models():
        new_pks = set(model.objects.values_list("pk", flat=True)) - pks_at_start[model]
        for row in model.objects.filter(pk__in=new_pks):
            for field in model._meta.concrete_fields:
                target = field.related_model
                # People are global (one person may work for several organizations).
                if field.is_relation and target in bravo.pks and target not in GLOBAL_MODELS:
                    value = getattr(row, field.attname)
                    if value in bravo.pks[target] or (
                        field.name == "factory" and value == bravo_factory_id
                    ):
                        new_rows_pointing_at_bravo.append(f"{model.__name__}.{field.name}")
    return new_rows_pointing_at_bravo


def bravo_value(model, field_name, bravo):
    """A value of `field_name` on one of bravo's rows of `model` (None if bravo has none)."""
    row = (
        model.objects.filter(pk__in=bravo.pks[model])
        .exclude(**{f"{field_name}__isnull": True})
        .order_by("pk")
        .values_list(field_name, flat=True)
        .first()
    )
    return row


def test_no_filter_lets_alpha_probe_bravo(worlds):
    """Every filter of every list, with bravo's values: a filter by id answers exactly like an
    id that exists nowhere, and no filter shows anything of bravo."""
    alpha, bravo, _after = worlds
    lists = list_routes_with_filters()
    assert len(lists) >= 30
    failures, probed = [], 0
    probed_as = set()  # one principal of each organization kind per list keeps this quick
    for label, client, kind in principals(alpha):
        for route, name, filterset in lists:
            url = reverse(name)
            if (route, kind) in probed_as or client.get(url).status_code != 200:
                continue
            probed_as.add((route, kind))
            model = filterset._meta.model
            by_id = model_choice_filters(filterset)
            for param, flt in filterset.base_filters.items():
                if param in by_id:
                    target = flt.queryset.model
                    missing = max(bravo.pks[target]) + 1_000_000
                    value = min(bravo.pks[target])
                    unknown = client.get(url, {param: missing})
                else:
                    field = flt.field_name.split("__")[0]
                    value = bravo_value(model, field, bravo)
                    if value is None:
                        continue
                    unknown = None
                response = client.get(url, {param: value})
                probed += 1
                if unknown is not None and (
                    response.status_code != unknown.status_code
                    or response.content != unknown.content
                ):
                    failures.append(
                        f"{label} GET {url}?{param}=<bravo's>: {response.status_code}, "
                        f"unlike a missing id ({unknown.status_code})"
                    )
                if response.status_code == 200:
                    failures += _leaks(label, f"{url}?{param}=", response, model, kind, bravo, True)
    assert probed > 100
    assert not failures, "\n".join(failures)


def websocket_routes():
    """(route, pattern, model its id names) for every WebSocket route of the project."""
    from config.websocket_urls import websocket_urlpatterns

    by_name = {m._meta.model_name: m for m in project_models()}
    for route, _name, entry in walk(websocket_urlpatterns):
        kwargs = route_kwargs(entry)
        models = [by_name.get(k.removesuffix("_id")) for k in kwargs]
        yield route, entry, kwargs, models


@pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
def test_no_websocket_route_lets_alpha_join_bravo():
    """Every WebSocket route, every session of alpha: bravo's ids are refused; alpha's own
    staff do get in (so the refusal is not just a broken route)."""
    from asgiref.sync import async_to_sync
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from config.websocket_urls import websocket_urlpatterns
    from tests.worlds import pks_by_model

    before = pks_by_model()
    alpha = build_world("alpha")
    middle = pks_by_model()
    build_world("bravo")
    after = pks_by_model()
    alpha_pks = {m: middle[m] - before[m] for m in after}
    bravo_pks = {m: after[m] - middle[m] for m in after}
    application = URLRouter(websocket_urlpatterns)

    async def connects(user, path) -> bool:
        socket = WebsocketCommunicator(application, path)
        socket.scope["user"] = user
        connected, _code = await socket.connect()
        if connected:
            await socket.disconnect()
        return connected

    routes = list(websocket_routes())
    assert routes
    failures, admitted = [], set()
    for route, _entry, kwargs, models in routes:
        if None in models:
            failures.append(f"{route}: each id names its model (<model>_id)")
            continue
        bravo_path = "/" + route
        alpha_path = "/" + route
        for kwarg, model in zip(kwargs, models, strict=True):
            bravo_path = bravo_path.replace(f"<int:{kwarg}>", str(min(bravo_pks[model])))
            alpha_path = alpha_path.replace(f"<int:{kwarg}>", str(min(alpha_pks[model])))
        for role, user in alpha.users.items():
            if async_to_sync(connects)(user, bravo_path):
                failures.append(f"{role} joined {bravo_path}")
            if async_to_sync(connects)(user, alpha_path):
                admitted.add(route)
    assert failures == []
    assert admitted == {route for route, *_ in routes}


def hostile_ids(bravo) -> dict:
    """A body naming bravo's objects under every foreign-key name the project uses, alone,
    as `<name>_id` and as a list `<name>s`."""
    body = {}
    for model in project_models():
        for field in model._meta.concrete_fields:
            target = field.related_model
            if not field.is_relation or target not in bravo.pks or not bravo.pks[target]:
                continue
            if target in GLOBAL_MODELS or field.name in body:
                continue
            bravo_id = min(bravo.pks[target])
            body[field.name] = bravo_id
            body[f"{field.name}_id"] = bravo_id
            body[f"{field.name}s"] = [bravo_id]
    return body


def test_no_action_takes_bravos_ids_in_its_body(worlds):
    """Every custom POST action, on alpha's own object (or its list), with bravo's ids in the
    body: no 5xx, nothing of bravo shown or changed, no new row points at bravo."""
    alpha, bravo, all_pks_at_start = worlds
    bravo_rows_before = rows_of(bravo.pks)
    hostile = hostile_ids(bravo)
    actions = []
    for route, name, entry in api_routes():
        mapping = getattr(entry.callback, "actions", None) or {}
        action = mapping.get("post")
        if action and action != "create":
            actions.append((route, name, entry))
    assert len(actions) >= 20
    # alpha's own object for each detail action, chosen before any action runs (an action such
    # as a replan may replace rows; one that has gone since is not posted to again)
    own_objects = {}
    failures = []
    for route, _name, entry in actions:
        if route_kwargs(entry):
            model = view_model(entry)
            own_objects[route] = model.objects.exclude(pk__in=bravo.pks[model]).order_by("pk")
            if not own_objects[route].exists():
                failures.append(f"{route}: alpha has no {model.__name__}")
            own_objects[route] = list(own_objects[route][:1])
    posted, tried_as = 0, set()
    for label, client, kind in principals(alpha):
        for route, name, entry in actions:
            if (route, kind) in tried_as:
                continue
            kwargs = {}
            body = {}
            if route_kwargs(entry):
                own = own_objects[route][0] if own_objects[route] else None
                if own is None or not type(own).objects.filter(pk=own.pk).exists():
                    continue
                kwargs = {"pk": own.pk}
                body = payload_from(entry, own, alpha)
            response = client.post(reverse(name, kwargs=kwargs), {**body, **hostile}, format="json")
            posted += 1
            if response.status_code in (401, 403):
                continue  # this principal may not; another of its kind may
            tried_as.add((route, kind))
            if response.status_code >= 500:
                failures.append(f"{label} POST {route}: {response.status_code}")
            if "bravo" in response.content.decode(errors="replace"):
                failures.append(f"{label} POST {route}: shows bravo's data")
    assert posted >= len(actions) // 2
    assert failures == []
    assert rows_of(bravo.pks) == bravo_rows_before, "bravo's rows changed"
    assert new_rows_pointing_at(bravo, all_pks_at_start) == []


def test_a_factorys_export_archive_holds_nothing_of_another_tenant(worlds):
    # Given two complete worlds, and alpha's export archive (written in alpha's scope)
    alpha, bravo, _all = worlds
    with rls.scope(rls.for_factory(alpha.factory.pk)):
        data = archive_bytes(tenant_id=alpha.factory.pk, about={"code": alpha.factory_org.code})
    bravo_ids = {model._meta.label_lower: pks for model, pks in bravo.pks.items()}
    failures = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        parts = [*manifest["tables"].items(), *manifest["references"].items()]
        assert len(manifest["tables"]) > 90
        for label, entry in parts:
            model = apps.get_model(label)
            for row in json.loads(archive.read(entry["json"])):
                # Then no row is one of bravo's, nor points at one of bravo's
                if row[model._meta.pk.attname] in bravo_ids.get(label, ()):
                    failures.append(f"{label} #{row[model._meta.pk.attname]} is bravo's")
                for field in model._meta.concrete_fields:
                    target = field.related_model
                    if not field.is_relation or field.attname not in row:
                        continue
                    if row[field.attname] in bravo_ids.get(target._meta.label_lower, ()):
                        failures.append(f"{label}.{field.name} points at bravo's")
        # and no file of it names bravo (bravo's codes, usernames and names all say "bravo")
        for name in archive.namelist():
            if b"bravo" in archive.read(name).lower():
                failures.append(f"{name} mentions bravo")
    assert failures == []
