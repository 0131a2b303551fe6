"""Thin HTML views of devices/: the registry, one device, alarms and dead letters."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error, errors_text
from core.roles import FACTORY_STAFF, FLOOR, MANAGERS
from core.tabular import read_table
from core.views import role_required
from devices import selectors, services
from devices.forms import AlarmActionForm, DeviceImportForm, DeviceRegisterForm
from devices.models import Alarm, DeadLetter, Device, MinuteRollup, TelemetryRecord


@role_required(FACTORY_STAFF)
def device_list(request):
    return _device_list_page(request)


def _device_list_page(request, *, register_form=None, import_form=None):
    devices = (
        Device.objects.visible_to(request.organization)
        .select_related("line", "station", "operator")
        .order_by("-is_active", "line__code", "code")
    )
    return render(
        request,
        "devices/device_list.html",
        {
            "devices": devices,
            "online": sum(1 for d in devices if d.is_online),
            "open_alarms": selectors.live_alarms(request.organization).count(),
            "can_manage": request.role in MANAGERS,
            "register_form": register_form or DeviceRegisterForm(organization=request.organization),
            "import_form": import_form or DeviceImportForm(),
        },
    )


@role_required(MANAGERS)
@require_POST
def device_register(request):
    """A refused registration comes back on the list page with the input kept."""
    form = DeviceRegisterForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            device = services.device_register(
                factory=request.organization.factory, data=form.cleaned_data, by=request.user
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Device %(code)s registered.") % {"code": device.code})
            return redirect("devices:list")
    return _device_list_page(request, register_form=form)


@role_required(MANAGERS)
@require_POST
def device_import(request):
    """All rows or none: the rows' errors come back above the import form."""
    form = DeviceImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            devices = services.devices_import(
                factory=request.organization.factory,
                rows=read_table(form.cleaned_data["file"]),
                by=request.user,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("%(n)d devices registered.") % {"n": len(devices)})
            return redirect("devices:list")
    return _device_list_page(request, import_form=form)


@role_required(FACTORY_STAFF)
def device_detail(request, pk):
    device = get_object_or_404(
        Device.objects.visible_to(request.organization).select_related(
            "line", "station", "operator", "register_map"
        ),
        pk=pk,
    )
    since = timezone.now() - timedelta(hours=1)
    last_hour = MinuteRollup.objects.filter(
        factory_id=device.factory_id, device=device, minute__gte=since
    ).aggregate(
        running=Sum("running_seconds"),
        idle=Sum("idle_seconds"),
        stopped=Sum("stopped_seconds"),
        stitches=Sum("stitches"),
        pieces=Sum("pieces"),
        arrivals=Sum("arrivals"),
    )
    return render(
        request,
        "devices/device_detail.html",
        {
            "device": device,
            "last_hour": last_hour,
            "records": TelemetryRecord.objects.filter(
                factory_id=device.factory_id, device=device
            ).order_by("-time")[:20],
            "alarms": device.alarms.exclude(state=Alarm.State.CLEARED),
            "can_manage": request.role in MANAGERS,
            "password": None,
        },
    )


device_detail.model = Device


@role_required(MANAGERS)
@require_POST
def device_credentials(request, pk):
    device = get_object_or_404(Device.objects.visible_to(request.organization), pk=pk)
    try:
        password = services.device_credentials_issue(device=device, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("devices:detail", pk=device.pk)
    device.refresh_from_db()
    # Rendered, never redirected or stored: the password is shown this once.
    return render(request, "devices/credentials.html", {"device": device, "password": password})


device_credentials.model = Device


@role_required(FACTORY_STAFF)
def alarm_list(request):
    state = request.GET.get("state", "live")
    if state == "live":
        alarms = selectors.live_alarms(request.organization)
    else:
        alarms = Alarm.objects.visible_to(request.organization)
    alarms = alarms.select_related("device", "station")
    return render(
        request,
        "devices/alarm_list.html",
        {"alarms": alarms[:200], "state": state, "can_act": request.role in FLOOR},
    )


@role_required(FLOOR)
@require_POST
def alarm_action(request, pk):
    alarm = get_object_or_404(Alarm.objects.visible_to(request.organization), pk=pk)
    form = AlarmActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("devices:alarms")
    try:
        if form.cleaned_data["action"] == "clear":
            services.alarm_clear(alarm=alarm, by=request.user)
        else:
            services.alarm_acknowledge(alarm=alarm, by=request.user)
        messages.success(request, _("Saved."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("devices:alarms")


alarm_action.model = Alarm


@role_required(MANAGERS)
def dead_letter_list(request):
    letters = DeadLetter.objects.visible_to(request.organization).select_related("device")[:200]
    return render(request, "devices/dead_letter_list.html", {"letters": letters})
