"""Thin HTML views of the factory's data page: the owner exports all the factory's data,
watches the job's progress and downloads the archive through its expiring link
(factories.data_exports)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.read_only import writes_while_read_only
from core.roles import OWNERS
from core.views import role_required
from factories.data_exports import LinkExpired, data_export_file, data_export_start
from factories.models import DataExport, Factory

RECENT = 5


def _exports(request):
    return DataExport.objects.visible_to(request.organization)


@role_required(OWNERS)
def data_page(request):
    exports = list(_exports(request)[:RECENT])
    return render(request, "factories/data/page.html", {"exports": exports})


@writes_while_read_only  # the owner takes the data away during a closure's grace
@require_POST
@role_required(OWNERS)
def data_export_new(request):
    try:
        data_export_start(factory=Factory.objects.get(pk=request.organization.pk), by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("factories:data")


@role_required(OWNERS)
def data_export_progress(request, pk):
    export = get_object_or_404(_exports(request), pk=pk)
    return render(request, "factories/data/_export.html", {"export": export})


data_export_progress.model = DataExport


@role_required(OWNERS)
def data_export_download(request, token):
    export = get_object_or_404(_exports(request).exclude(link_secret=""), link_secret=token)
    try:
        archive = data_export_file(export=export, secret=token)
    except LinkExpired as expired:
        return render(
            request,
            "factories/data/expired.html",
            {"export": export, "message": expired.message},
            status=410,
        )
    if archive is None:
        raise Http404
    return FileResponse(
        archive, as_attachment=True, filename=export.archive.name.rsplit("/", 1)[-1]
    )


data_export_download.model = DataExport
