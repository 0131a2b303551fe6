"""Uploaded files (worker and style photos, defect photos) are served only through
`core.views.media`: signed in, acting for an organization that can see the row the file
belongs to. nginx never serves the media folder itself (deploy/nginx/seamline.conf).

Each app says which rows own the files under a folder, from its AppConfig.ready():

    media_register("workers/", Worker, "photo")

core imports no domain app: the registry is how it learns the owners. A file whose folder no
app registered is served to nobody.
"""

import mimetypes
import posixpath
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import AuthenticationFailed

from core import rls
from core.api.authentication import ApiTokenAuthentication


@dataclass(frozen=True)
class MediaOwner:
    """Files whose name starts with `prefix` belong to the `model` row whose `field` names them."""

    prefix: str
    model: type[models.Model]
    field: str


_OWNERS: list[MediaOwner] = []


def media_register(prefix: str, model: type[models.Model], field: str) -> None:
    owner = MediaOwner(prefix=prefix, model=model, field=field)
    if owner not in _OWNERS:
        _OWNERS.append(owner)


def media_owners() -> tuple[MediaOwner, ...]:
    """The registered upload folders and the rows that own their files."""
    return tuple(_OWNERS)


def clean_media_path(path: str) -> str | None:
    """The stored name a requested path stands for, or None for anything that climbs out
    (`..`), is absolute or is not a plain relative path."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    normal = posixpath.normpath(path)
    if normal != path or normal.startswith(("../", "./")) or normal in {".", ".."}:
        return None
    return normal


def media_owner_visible(name: str, organization) -> bool:
    """True when `organization` may see a row that owns the file `name`."""
    if organization is None:
        return False
    for owner in _OWNERS:
        if name.startswith(owner.prefix):
            rows = owner.model.objects.visible_to(organization).filter(**{owner.field: name})
            if rows.exists():
                return True
    return False


# Served inline only as these; anything else is a download, never a page of our origin.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def media(request, path: str):
    """One uploaded file, to a signed-in user (or an API token) whose acting organization sees
    the row it belongs to. Another tenant's file answers 404, exactly as a missing one does;
    without credentials a page visit is sent to sign in and an API call gets 401.

    With `MEDIA_ACCEL_REDIRECT` set (e.g. "/protected-media/"), nginx sends the bytes from an
    `internal` location after this check instead of the web process.
    """
    organization = getattr(request, "organization", None)
    if not request.user.is_authenticated:
        if not request.headers.get("Authorization"):
            return redirect_to_login(request.get_full_path())
        try:
            found = ApiTokenAuthentication().authenticate(request)
        except AuthenticationFailed as failure:
            return JsonResponse(
                {"code": "not_authenticated", "message": str(failure.detail)}, status=401
            )
        if found is None:
            return JsonResponse(
                {"code": "not_authenticated", "message": _("Sign in to see this file.")},
                status=401,
            )
        organization = found[1].organization
    name = clean_media_path(path)
    # The token's organization is known only here (no DRF view set it): look the owning row up
    # in its row-level-security scope.
    with rls.scope(rls.for_organization(organization)):
        visible = name is not None and media_owner_visible(name, organization)
    if not visible:
        raise Http404
    if not default_storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    if not inline:
        content_type = "application/octet-stream"
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    filename = posixpath.basename(name)
    response["Content-Disposition"] = (
        f'{"inline" if inline else "attachment"}; filename="{quote(filename)}"'
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
