"""Thin HTML views of factory set-up: lines, stations, workers, shifts and the calendar, each a
list with add / edit forms and an Excel import and export (core.sheet_lists); the workers'
badge cards and login link; the set-up checklist. Every write is a factories service."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error, submit_form
from core.pdf import pdf_response
from core.privacy import mask_account
from core.roles import FACTORY_STAFF, FLOOR, MANAGERS, PAYROLL, PLANNING, OrgKind, Role
from core.services import invitation_create
from core.setup_checklist import checklist_for
from core.sheet_lists import SheetList, export_response, sheet_import_page
from core.views import role_required
from factories import services, sheets
from factories.badge_cards import badge_cards_pdf
from factories.badges import badge_normalise
from factories.calendar import calendar_days
from factories.clock import factory_today, month_first, month_last, week_first
from factories.forms import (
    CalendarDayForm,
    LineForm,
    ShiftForm,
    StationForm,
    WorkerForm,
    WorkerInviteForm,
    WorkerLinkForm,
)
from factories.models import CalendarDay, SewingLine, Shift, Station, Worker
from factories.selectors import account_is

SETUP_ROLES = MANAGERS | PLANNING


def _factory(request):
    organization = request.organization
    if organization is None or organization.kind != OrgKind.FACTORY:
        raise Http404
    return organization.factory


@dataclass(frozen=True)
class SetupList:
    """One set-up list: its model, form, sheet, services and who may read and write it."""

    key: str
    model: type
    title: str
    add_label: str
    form: type
    sheet: SheetList
    records: Callable
    create: Callable
    update: Callable
    importer: Callable
    row_title: Callable
    row_detail: Callable
    read_roles: frozenset
    write_roles: frozenset
    select_related: tuple = ()
    initial: Callable = lambda obj: {}  # noqa: E731
    search_fields: tuple = ("code", "name")


def _model_initial(obj, names):
    return {name: getattr(obj, name) for name in names}


LISTS = {
    "lines": SetupList(
        key="lines",
        model=SewingLine,
        title=gettext_lazy("Lines"),
        add_label=gettext_lazy("Add a line"),
        form=LineForm,
        sheet=sheets.LINES,
        records=sheets.line_records,
        create=services.line_create,
        update=lambda obj, data, by: services.line_update(line=obj, data=data, by=by),
        importer=services.lines_import,
        row_title=lambda line: f"{line.code} · {line.name}",
        row_detail=lambda line: " · ".join(
            filter(
                None,
                [
                    _("Hanging line") if line.is_hanging else "",
                    _("%(n)s people") % {"n": line.planned_headcount},
                    str(line.shift or ""),
                    "" if line.is_active else _("Inactive"),
                ],
            )
        ),
        read_roles=FACTORY_STAFF,
        write_roles=MANAGERS,
        select_related=("shift",),
        initial=lambda obj: _model_initial(obj, LineForm.base_fields),
    ),
    "stations": SetupList(
        key="stations",
        model=Station,
        title=gettext_lazy("Stations"),
        add_label=gettext_lazy("Add a station"),
        form=StationForm,
        sheet=sheets.STATIONS,
        records=sheets.station_records,
        create=services.station_create,
        update=lambda obj, data, by: services.station_update(station=obj, data=data, by=by),
        importer=services.stations_import,
        row_title=lambda station: f"{station.code} · {station.line.name}",
        search_fields=("code", "line__name", "machine_type"),
        row_detail=lambda station: " · ".join(
            filter(
                None,
                [
                    _("position %(n)s") % {"n": station.position}
                    if station.position is not None
                    else "",
                    station.machine_type,
                ],
            )
        ),
        read_roles=FACTORY_STAFF,
        write_roles=MANAGERS,
        select_related=("line",),
        initial=lambda obj: _model_initial(obj, StationForm.base_fields),
    ),
    "workers": SetupList(
        key="workers",
        model=Worker,
        title=gettext_lazy("Workers"),
        add_label=gettext_lazy("Add a worker"),
        form=WorkerForm,
        sheet=sheets.WORKERS,
        records=sheets.worker_records,
        create=services.worker_create,
        update=lambda obj, data, by: services.worker_update(worker=obj, data=data, by=by),
        importer=services.workers_import,
        row_title=lambda worker: f"{worker.employee_no} · {worker.name}",
        search_fields=("employee_no", "badge_id", "name", "line__name"),
        row_detail=lambda worker: " · ".join(
            filter(
                None,
                [
                    worker.badge_id,
                    str(worker.line or ""),
                    _("login linked") if worker.user_id else "",
                    "" if worker.is_active else _("Inactive"),
                ],
            )
        ),
        read_roles=FLOOR | PAYROLL,
        write_roles=MANAGERS,
        select_related=("line",),
        initial=lambda obj: {
            **_model_initial(obj, [n for n in WorkerForm.base_fields if n != "skills"]),
            "skills": ", ".join(services.worker_skills(obj)),
            # The form shows the account masked; given back unchanged, it is kept.
            "bank_account": mask_account(obj.bank_account),
        },
    ),
    "shifts": SetupList(
        key="shifts",
        model=Shift,
        title=gettext_lazy("Shifts"),
        add_label=gettext_lazy("Add a shift"),
        form=ShiftForm,
        sheet=sheets.SHIFTS,
        records=sheets.shift_records,
        create=services.shift_create,
        update=lambda obj, data, by: services.shift_update(shift=obj, data=data, by=by),
        importer=services.shifts_import,
        row_title=lambda shift: f"{shift.code} · {shift.name}",
        row_detail=lambda shift: " · ".join(
            filter(
                None,
                [
                    f"{shift.starts_at:%H:%M}–{shift.ends_at:%H:%M}",
                    _("%(n)s min break") % {"n": shift.break_minutes},
                    _("default") if shift.is_default else "",
                ],
            )
        ),
        read_roles=FACTORY_STAFF,
        write_roles=MANAGERS,
        initial=lambda obj: _model_initial(obj, ShiftForm.base_fields),
    ),
}


def _search(spec: SetupList, query: str) -> Q:
    """Rows whose searchable fields contain the text; a badge in any written form ("B41");
    a worker by their whole bank account (its keyed hash: the number is stored encrypted)."""
    condition = Q()
    for field in spec.search_fields:
        condition |= Q(**{f"{field}__icontains": query})
    if "badge_id" in spec.search_fields:
        condition |= Q(badge_id=badge_normalise(query))
    if spec.model is Worker:
        condition |= account_is(query)
    return condition


def _list_view(spec: SetupList):
    @role_required(spec.read_roles)
    def view(request):
        factory = _factory(request)
        rows = spec.model.objects.visible_to(request.organization).select_related(
            *spec.select_related
        )
        total = rows.count()
        query = request.GET.get("q", "").strip()[:60]
        if query:
            rows = rows.filter(_search(spec, query))
        return render(
            request,
            "factories/setup/list.html",
            {
                "spec": spec,
                "rows": [
                    {"obj": obj, "title": spec.row_title(obj), "detail": spec.row_detail(obj)}
                    for obj in rows
                ],
                "can_write": request.role in spec.write_roles,
                "factory": factory,
                "query": query,
                "total": total,
            },
        )

    view.__name__ = f"{spec.key}_list"
    return view


def _form_page(request, spec: SetupList, form, obj=None, extra=None):
    return render(
        request,
        f"factories/setup/{'worker' if spec.key == 'workers' and obj else 'form'}.html",
        {"spec": spec, "form": form, "obj": obj, **(extra or {})},
        status=400 if form.is_bound and form.errors else 200,
    )


def _new_view(spec: SetupList):
    @role_required(spec.write_roles)
    def view(request):
        factory = _factory(request)
        form = spec.form(request.POST or None, organization=request.organization)
        if request.method == "POST" and submit_form(
            request,
            form,
            lambda data: spec.create(factory=factory, data=data, by=request.user),
            _("Saved."),
        ):
            return redirect(f"factories:{spec.key}")
        return _form_page(request, spec, form)

    view.__name__ = f"{spec.key}_new"
    return view


def _worker_extra(request, worker, link_form=None, invite_form=None):
    return {
        "link_form": link_form or WorkerLinkForm(organization=request.organization),
        "invite_form": invite_form or WorkerInviteForm(),
        "can_write": request.role in MANAGERS,
    }


def _edit_view(spec: SetupList):
    @role_required(spec.read_roles)
    def view(request, pk):
        obj = get_object_or_404(spec.model.objects.visible_to(request.organization), pk=pk)
        can_write = request.role in spec.write_roles
        if request.method == "POST" and not can_write:
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = spec.form(data, organization=request.organization, initial=spec.initial(obj))
        if data is not None and submit_form(
            request,
            form,
            lambda cleaned: spec.update(obj, cleaned, request.user),
            _("Saved."),
        ):
            return redirect(f"factories:{spec.key}")
        extra = _worker_extra(request, obj) if spec.key == "workers" else {}
        return _form_page(request, spec, form, obj, {"can_write": can_write, **extra})

    view.__name__ = f"{spec.key}_edit"
    view.model = spec.model
    return view


def _import_view(spec: SetupList):
    @role_required(spec.write_roles)
    def view(request):
        factory = _factory(request)
        return sheet_import_page(
            request,
            sheet=spec.sheet,
            write=lambda rows: spec.importer(factory=factory, rows=rows, by=request.user),
            success=lambda saved: _("%(n)d rows imported.") % {"n": len(saved)},
            done_url=reverse(f"factories:{spec.key}"),
            template_url=reverse(f"factories:{spec.key}-template"),
            export_url=reverse(f"factories:{spec.key}-export"),
        )

    view.__name__ = f"{spec.key}_import"
    return view


def _export_view(spec: SetupList):
    @role_required(spec.read_roles)
    def view(request):
        return export_response(spec.sheet, spec.records(_factory(request)))

    view.__name__ = f"{spec.key}_export"
    return view


def _template_view(spec: SetupList):
    @role_required(spec.read_roles)
    def view(request):
        _factory(request)
        return export_response(spec.sheet, [], filename=f"{spec.sheet.name}-template")

    view.__name__ = f"{spec.key}_template"
    return view


def list_urls() -> list:
    """The routes of every set-up list (list, new, edit, import, export, template)."""
    patterns = []
    for key, spec in LISTS.items():
        patterns += [
            path(f"setup/{key}/", _list_view(spec), name=key),
            path(f"setup/{key}/new/", _new_view(spec), name=f"{key}-new"),
            path(f"setup/{key}/<int:pk>/", _edit_view(spec), name=f"{key}-edit"),
            path(f"setup/{key}/import/", _import_view(spec), name=f"{key}-import"),
            path(f"setup/{key}/export.xlsx", _export_view(spec), name=f"{key}-export"),
            path(f"setup/{key}/template.xlsx", _template_view(spec), name=f"{key}-template"),
        ]
    return patterns


# --- Workers: login link, invitation, badge cards ----------------------------------------
def _worker(request, pk) -> Worker:
    return get_object_or_404(
        Worker.objects.visible_to(request.organization).select_related("line", "user"), pk=pk
    )


def _worker_page(request, worker, **forms):
    spec = LISTS["workers"]
    form = WorkerForm(organization=request.organization, initial=spec.initial(worker))
    return render(
        request,
        "factories/setup/worker.html",
        {"spec": spec, "form": form, "obj": worker, **_worker_extra(request, worker, **forms)},
        status=400,
    )


@role_required(MANAGERS)
@require_POST
def worker_link(request, pk):
    """Link the worker to an existing worker login of the factory (factories' one service)."""
    worker = _worker(request, pk)
    form = WorkerLinkForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            services.worker_user_link(
                worker=worker, user=form.cleaned_data["user"], by=request.user
            )
        except DomainError as error:
            apply_domain_error(form, error, fields={"worker": "__all__"})
        else:
            messages.success(request, _("Login linked."))
            return redirect("factories:workers-edit", pk=worker.pk)
    return _worker_page(request, worker, link_form=form)


worker_link.model = Worker


@role_required(MANAGERS)
@require_POST
def worker_invite(request, pk):
    """Invite the worker's login with the worker role (core's invitation service); once they
    accept, the login is linked here."""
    worker = _worker(request, pk)
    form = WorkerInviteForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            invitation_create(
                organization=request.organization,
                username=form.cleaned_data["username"],
                role=Role.WORKER,
                by=request.user,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(username)s. Link the login here once it is accepted.")
                % {"username": form.cleaned_data["username"]},
            )
            return redirect("factories:workers-edit", pk=worker.pk)
    return _worker_page(request, worker, invite_form=form)


worker_invite.model = Worker


@role_required(MANAGERS)
def worker_badges(request):
    """Badge cards of the active workers (one line with ?line=<id>), ten to an A4 page."""
    factory = _factory(request)
    workers = (
        Worker.objects.visible_to(request.organization)
        .filter(is_active=True)
        .select_related("line")
    )
    line = request.GET.get("line")
    if line:
        if not line.isdigit():
            raise Http404
        workers = workers.filter(line_id=int(line))
    content = badge_cards_pdf(list(workers), factory_name=factory.organization.name)
    return pdf_response(content, "badges.pdf")


@role_required(MANAGERS)
def worker_badge(request, pk):
    """One worker's badge card."""
    worker = _worker(request, pk)
    content = badge_cards_pdf([worker], factory_name=_factory(request).organization.name)
    return pdf_response(content, f"badge-{worker.employee_no}.pdf")


worker_badge.model = Worker


# --- Calendar -----------------------------------------------------------------------------
def _month(request, factory) -> date:
    # A refused form posts back to the same address, ?month= included.
    text = request.GET.get("month") or ""
    try:
        year, month = (int(part) for part in text.split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return month_first(factory_today(factory))


def _calendar_page(request, factory, form, *, status=200):
    first = _month(request, factory)
    last = month_last(first)
    entries = calendar_days(factory, first, last)
    # Weeks start on Monday, as factories.clock.week_first does.
    leading = (first - week_first(first)).days
    cells = [None] * leading + [entries[day] for day in sorted(entries)]
    cells += [None] * (-len(cells) % 7)
    previous = month_first(first - date.resolution)
    following = last + date.resolution
    return render(
        request,
        "factories/setup/calendar.html",
        {
            "month": first,
            "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)],
            "previous": f"{previous:%Y-%m}",
            "next": f"{following:%Y-%m}",
            "form": form,
            "can_write": request.role in PLANNING,
            "can_confirm": request.role in MANAGERS,
            "factory": factory,
            "today": factory_today(factory),
            "overrides": CalendarDay.objects.visible_to(request.organization).filter(
                date__range=(first, last)
            ),
            "sheet": sheets.CALENDAR_DAYS,
        },
        status=status,
    )


@role_required(FACTORY_STAFF)
def calendar(request):
    """The month from the one calendar (factories.calendar): working days, 调休, holidays and
    the factory's own days; planners and managers mark a date."""
    factory = _factory(request)
    if request.method == "POST":
        if request.role not in PLANNING:
            raise PermissionDenied
        form = CalendarDayForm(request.POST, organization=request.organization)
        if submit_form(
            request,
            form,
            lambda data: services.calendar_day_set(
                factory=factory,
                date=data["date"],
                kind=data["kind"] or None,
                overtime_minutes=data["overtime_minutes"] or 0,
                note=data["note"],
                by=request.user,
            ),
            _("Saved."),
        ):
            return redirect(
                f"{reverse('factories:calendar')}?month={form.cleaned_data['date']:%Y-%m}"
            )
        return _calendar_page(request, factory, form, status=400)
    day = request.GET.get("date")
    initial = {"date": day} if day else {}
    return _calendar_page(
        request, factory, CalendarDayForm(organization=request.organization, initial=initial)
    )


@role_required(MANAGERS)
@require_POST
def calendar_confirm(request):
    services.factory_calendar_confirm(factory=_factory(request), by=request.user)
    messages.success(request, _("Calendar confirmed."))
    return redirect("factories:setup")


@role_required(PLANNING)
def calendar_import(request):
    factory = _factory(request)
    return sheet_import_page(
        request,
        sheet=sheets.CALENDAR_DAYS,
        write=lambda rows: services.calendar_days_import(
            factory=factory, rows=rows, by=request.user
        ),
        success=lambda saved: _("%(n)d rows imported.") % {"n": len(saved)},
        done_url=reverse("factories:calendar"),
        template_url=reverse("factories:calendar-template"),
        export_url=reverse("factories:calendar-export"),
    )


@role_required(FACTORY_STAFF)
def calendar_export(request):
    return export_response(sheets.CALENDAR_DAYS, sheets.calendar_day_records(_factory(request)))


@role_required(FACTORY_STAFF)
def calendar_template(request):
    _factory(request)
    return export_response(sheets.CALENDAR_DAYS, [], filename="calendar-template")


# --- Checklist ----------------------------------------------------------------------------
@role_required(SETUP_ROLES)
def setup(request):
    """What the factory still lacks before its first order, each with a count and a link."""
    _factory(request)
    items = checklist_for(request.organization, request.role)
    return render(
        request,
        "factories/setup/checklist.html",
        {"items": items, "done": sum(1 for item in items if item["done"])},
    )
