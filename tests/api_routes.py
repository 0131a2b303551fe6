"""Discovery of the project's routes, views and filters from the URL configuration itself.

Shared by the isolation test and the architecture tests, so that an endpoint added tomorrow is
walked, filtered and checked without anyone listing it.
"""

import django_filters
from django.urls import URLPattern, URLResolver, get_resolver
from django_filters.rest_framework import DjangoFilterBackend

NOT_ROUTES = ("admin/", "i18n/", "jsi18n/", "api/schema/", "api/docs/", "static/", "media/")


def walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = ":".join(x for x in (namespace, ns) if x) or None
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield prefix + str(entry.pattern), name, entry


def project_routes():
    return [
        (route, name, entry)
        for route, name, entry in walk(get_resolver().url_patterns)
        if not route.startswith(NOT_ROUTES)
    ]


def api_routes():
    return [r for r in project_routes() if r[0].startswith("api/v1/")]


def view_class(entry):
    callback = entry.callback
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def route_kwargs(entry) -> list[str]:
    return list(entry.pattern.regex.groupindex)


def filterset_class(entry):
    """The FilterSet class the view's filter backend builds for its list, or None."""
    cls = view_class(entry)
    backends = [
        b for b in getattr(cls, "filter_backends", []) if issubclass(b, DjangoFilterBackend)
    ]
    if not backends or getattr(cls, "queryset", None) is None:
        return None
    view = cls(**getattr(entry.callback, "initkwargs", {}))
    view.action = "list"
    return backends[0]().get_filterset_class(view, cls.queryset)


def model_choice_filters(filterset) -> dict:
    """{query parameter: filter} for the filters that choose a row by id."""
    kinds = (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)
    return {name: f for name, f in filterset.base_filters.items() if isinstance(f, kinds)}


def list_routes_with_filters():
    """(route, url name, FilterSet class) for every list endpoint that filters, each once."""
    found = []
    for route, name, entry in api_routes():
        actions = getattr(entry.callback, "actions", None) or {}
        if route_kwargs(entry) or actions.get("get") != "list":
            continue
        filterset = filterset_class(entry)
        if filterset is not None:
            found.append((route, name, filterset))
    return found
