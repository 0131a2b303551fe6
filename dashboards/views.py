"""Thin HTML views: the factory screen and its data, merchant tracking, the district report and
its exports, the data profile and its share links."""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import rls
from core.errors import DomainError
from core.forms import submit_form
from core.pdf import pdf_response
from core.roles import DISTRICT, FACTORY_STAFF, MANAGERS, MERCHANTS
from core.views import role_required
from dashboards import exports, selectors, services
from dashboards.forms import ProfileLinkForm
from dashboards.models import ProfileLink
from factories.models import District, Factory


def _factory(request) -> Factory:
    return get_object_or_404(Factory.objects.visible_to(request.organization))


def dashboard_labels() -> dict:
    return {
        "output": _("Output"),
        "plan": _("Plan"),
        "qualified": _("Qualified rate"),
        "today": _("Today"),
        "running": _("Running"),
        "idle": _("Idle"),
        "stopped": _("Stopped"),
        "offline": _("Offline"),
        "bottleneck": _("Bottleneck:"),
        "due": _("due"),
        "expected": _("expected"),
        "missing": _("No data source connected yet."),
        "none": _("None right now."),
        "live": _("live"),
        "connecting": _("connecting…"),
        "reconnecting": _("reconnecting…"),
        "refused": _("not allowed"),
        "link_offline": _("offline"),
        "polling": _("Not live: the figures are fetched every few seconds until it reconnects."),
        "seconds": _("s"),
        "minutes": _("min"),
        "orders": _("orders"),
        "pieces": _("pieces"),
        "work_orders": _("work orders"),
        "waiting": _("still waiting"),
        "on_time": _("on time"),
        "synthetic": _(
            "Synthetic demo history: days without real records from %(first)s to %(last)s are "
            "generated, not measured."
        ),
    }


@role_required(FACTORY_STAFF)
def factory_dashboard(request):
    factory = _factory(request)
    window = request.GET.get("window", "12h")
    return render(
        request,
        "dashboards/factory.html",
        {
            "factory": factory,
            "window": window if window in selectors.WINDOWS else "12h",
            "windows": [
                ("12h", _("Last 12 hours")),
                ("week", _("This week")),
                ("month", _("This month")),
            ],
            "wall": request.GET.get("mode") == "wall",
            "labels": dashboard_labels(),
        },
    )


@role_required(FACTORY_STAFF)
@never_cache
def factory_dashboard_data(request):
    data = selectors.dashboard_data_cached(_factory(request), request.GET.get("window", "12h"))
    return JsonResponse(data)


@role_required(MERCHANTS)
def merchant_tracking(request):
    partial = request.headers.get("HX-Request")
    template = "dashboards/_tracking.html" if partial else "dashboards/tracking.html"
    return render(
        request,
        template,
        {
            "orders": selectors.merchant_tracking(request.organization),
            "refresh_seconds": refresh_seconds(request),
        },
    )


def _district(request) -> District:
    return get_object_or_404(District.objects.visible_to(request.organization))


def refresh_seconds(request) -> int:
    """How often a report page refreshes itself (a wall screen may ask for faster)."""
    try:
        return min(300, max(2, int(request.GET.get("refresh", 60))))
    except ValueError:
        return 60


@role_required(DISTRICT)
def district_report(request):
    report = selectors.district_report(_district(request))
    totals = [{"label": _("Sharing factories"), **report["sharing_total"]}]
    if report["all_total"]:
        totals.append({"label": _("All factories"), **report["all_total"]})
    context = {
        "report": report,
        "refresh_seconds": refresh_seconds(request),
        "columns": exports.figure_columns(),
        "totals": totals,
        "total_heads": [_("Total"), _("Factories")],
        "total_keys": ["label", "factories"],
        "category_heads": [_("Category"), _("Factories")],
        "category_keys": ["category", "factories"],
        "factory_heads": [_("Factory")],
        "factory_keys": ["name"],
        "trend": {
            "month_trend": report["month_trend"],
            "week_trend": report["week_trend"],
            "labels": {
                "output": _("Output"),
                "qualified": _("Qualified rate %"),
                "on_time": _("On-time delivery %"),
            },
        },
    }
    partial = request.headers.get("HX-Request")
    template = "dashboards/_district_tables.html" if partial else "dashboards/district.html"
    return render(request, template, context)


@role_required(DISTRICT)
def district_report_xlsx(request):
    report = selectors.district_report(_district(request))
    response = HttpResponse(exports.district_xlsx(report), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="district-{report["month"]}.xlsx"'
    return response


@role_required(DISTRICT)
def district_report_pdf(request):
    report = selectors.district_report(_district(request))
    return pdf_response(
        exports.district_pdf(report), f"district-{report['month']}.pdf", attachment=True
    )


def profile_table() -> dict:
    return {
        "columns": exports.figure_columns()[:6],
        "month_heads": [_("Month")],
        "month_keys": ["month"],
    }


@role_required(MANAGERS)
def factory_profile(request):
    factory = _factory(request)
    form = ProfileLinkForm(request.POST or None, organization=request.organization)
    if submit_form(
        request,
        form,
        lambda data: services.profile_link_create(factory=factory, by=request.user, **data),
        lambda link: _("Link created for %(who)s.") % {"who": link.recipient},
    ):
        return redirect("dashboards:profile")
    links = ProfileLink.objects.visible_to(request.organization).prefetch_related("views")
    return render(
        request,
        "dashboards/profile.html",
        {
            "profile": selectors.factory_profile(factory),
            "links": links,
            "factory": factory,
            "form": form,
            **profile_table(),
        },
    )


@role_required(MANAGERS)
@require_POST
def profile_link_revoke(request, pk):
    link = get_object_or_404(ProfileLink.objects.visible_to(request.organization), pk=pk)
    try:
        services.profile_link_revoke(link=link, by=request.user)
        messages.success(request, _("Link revoked."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("dashboards:profile")


profile_link_revoke.model = ProfileLink


@never_cache
def profile_shared(request):
    """What a lender or a new customer sees through a link: no login, logged every time."""
    # The token is the factory's capability (row-level security): found by the platform, then
    # everything else runs for the link's factory only.
    with rls.platform():
        link = (
            ProfileLink.objects.select_related("factory__organization")
            .filter(token=request.GET.get("t", "") or None)
            .first()
        )
    if link is None or not link.is_usable:
        raise Http404
    with rls.scope(rls.for_factory(link.factory_id)):
        profile = selectors.factory_profile(link.factory)
        services.profile_link_view_record(
            link=link,
            shown=profile,
            remote_addr=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        return render(
            request,
            "dashboards/profile_shared.html",
            {"profile": profile, "link": link, **profile_table()},
        )
