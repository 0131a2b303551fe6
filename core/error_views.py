"""The error pages: 403, 404, 500 and a refused CSRF check, branded, translated and phone-width.

403 and 404 (and the CSRF page) extend base.html, so a signed-in user keeps the navigation. The
500 page is rendered without a request context: the database, or a context processor, may be
what failed, so it touches neither (core/templates/500.html)."""

from django.http import HttpResponseForbidden, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def forbidden(request, exception=None):
    return HttpResponseForbidden(loader.render_to_string("403.html", request=request))


@requires_csrf_token
def not_found(request, exception=None):
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


@requires_csrf_token
def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: the form was stale or cookies are off; say so, don't blame."""
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", request=request))
