"""Thin HTML views of devices/: the registry, one device, register maps, alarms and dead
letters."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error, errors_text
from core.roles import FACTORY_STAFF, FLOOR, MANAGERS
from core.sheet_lists import export_response, sheet_import_page
from core.views import role_required
from devices import selectors, services
from devices.forms import (
    AlarmActionForm,
    DeviceRegisterForm,
    RegisterEntryFormSet,
    RegisterMapForm,
)
from devices.models import Alarm, DeadLetter, Device, MinuteRollup, RegisterMap, TelemetryRecord
from devices.sheets import DEVICES, REGISTER_MAPS, device_records, register_map_records


@role_required(FACTORY_STAFF)
def device_list(request):
    return _device_list_page(request)


def _device_list_page(request, *, register_form=None):
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
def device_import(request):
    """All rows or none (core.sheet_lists): a refused file comes back with each bad cell."""
    return sheet_import_page(
        request,
        sheet=DEVICES,
        write=lambda rows: services.devices_import(
            factory=request.organization.factory, rows=rows, by=request.user
        ),
        success=lambda devices: _("%(n)d devices registered or updated.") % {"n": len(devices)},
        done_url=reverse("devices:list"),
        template_url=reverse("devices:template"),
        export_url=reverse("devices:export"),
    )


@role_required(FACTORY_STAFF)
def devices_export(request):
    devices = (
        Device.objects.visible_to(request.organization)
        .select_related("line", "station", "operator", "gateway")
        .order_by("code")
    )
    return export_response(DEVICES, device_records(devices))


@role_required(MANAGERS)
def devices_template(request):
    return export_response(DEVICES, [])


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


# --- register maps -------------------------------------------------------------------------
REGISTER_FIELD = services.REGISTER_ERROR_KEY


@role_required(FACTORY_STAFF)
def register_map_list(request):
    """The factory's Modbus register maps: which register holds what, per vendor's model."""
    maps = (
        RegisterMap.objects.visible_to(request.organization)
        .annotate(device_count=Count("devices"))
        .order_by("vendor", "model_name")
    )
    return render(
        request,
        "devices/register_map_list.html",
        {"maps": maps, "can_manage": request.role in MANAGERS},
    )


@role_required(MANAGERS)
def register_map_new(request):
    return _register_map_page(request, None)


@role_required(MANAGERS)
def register_map_edit(request, pk):
    register_map = get_object_or_404(RegisterMap.objects.visible_to(request.organization), pk=pk)
    return _register_map_page(request, register_map)


register_map_edit.model = RegisterMap


def _register_map_page(request, register_map):
    """One form for the vendor and model, one row per register. A refusal puts each fault
    next to its cell (the service names them `registers.<i>.<field>`) with the input kept."""
    initial = {}
    rows_initial = []
    if register_map is not None:
        initial = {"vendor": register_map.vendor, "model_name": register_map.model_name}
        rows_initial = [
            {key: entry.get(key) for key in ("metric", "address", "type", "scale", "table")}
            for entry in register_map.registers
        ]
    data = request.POST if request.method == "POST" else None
    head = RegisterMapForm(data, initial=initial, organization=request.organization)
    rows = RegisterEntryFormSet(data, initial=rows_initial, prefix="registers")
    if data is not None and head.is_valid() and rows.is_valid():
        given = [(form, form.entry()) for form in rows.forms]
        given = [(form, entry) for form, entry in given if entry is not None]
        arguments = {
            "vendor": head.cleaned_data["vendor"],
            "model_name": head.cleaned_data["model_name"],
            "registers": [entry for _form, entry in given],
            "by": request.user,
        }
        try:
            if register_map is None:
                saved = services.register_map_create(
                    factory=request.organization.factory, **arguments
                )
            else:
                saved = services.register_map_update(register_map=register_map, **arguments)
        except DomainError as error:
            _register_map_errors(head, [form for form, _entry in given], error)
        else:
            messages.success(request, _("Register map %(map)s saved.") % {"map": saved})
            return redirect("devices:register-maps")
    return render(
        request,
        "devices/register_map_form.html",
        {"register_map": register_map, "form": head, "rows": rows},
    )


def _register_map_errors(head, row_forms, error: DomainError) -> None:
    at_rows = False
    for key, texts in error.errors.items():
        match = REGISTER_FIELD.fullmatch(key)
        if match and int(match[1]) < len(row_forms):
            row_forms[int(match[1])].add_error(match[2], texts)
            at_rows = True
    # The summary of the registers' faults goes above the form only when no row shows them.
    head_errors = {
        key: texts for key, texts in error.errors.items() if not REGISTER_FIELD.fullmatch(key)
    }
    summary = head_errors.pop("registers", [])
    if summary and not at_rows:
        head_errors["__all__"] = summary
    head_error = DomainError(error.message, errors=head_errors)
    apply_domain_error(head, head_error)


@role_required(FACTORY_STAFF)
def register_maps_export(request):
    maps = RegisterMap.objects.visible_to(request.organization).order_by("vendor", "model_name")
    return export_response(REGISTER_MAPS, register_map_records(maps))


@role_required(MANAGERS)
def register_maps_template(request):
    return export_response(REGISTER_MAPS, [])


@role_required(MANAGERS)
def register_maps_import(request):
    return sheet_import_page(
        request,
        sheet=REGISTER_MAPS,
        write=lambda rows: services.register_maps_import(
            factory=request.organization.factory, rows=rows, by=request.user
        ),
        success=lambda counts: (
            _("%(added)d register maps added, %(updated)d replaced.")
            % {"added": counts[0], "updated": counts[1]}
        ),
        done_url=reverse("devices:register-maps"),
        template_url=reverse("devices:register-maps-template"),
        export_url=reverse("devices:register-maps-export"),
    )
