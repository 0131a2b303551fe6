"""Writes of factories/: provisioning tenants (with their factory or district profile),
partnerships between factories and their merchants and suppliers, and an operator's link to
their login."""

import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError, NotAllowed
from core.models import Invitation, Membership, Organization, User
from core.privacy import mask_account
from core.roles import OWNER_ROLE_BY_KIND, OrgKind, Role
from core.services import invitation_create, organization_create
from factories.badges import badge_normalise, workers_with_badge
from factories.models import (
    CalendarDay,
    District,
    Factory,
    Partnership,
    SewingLine,
    Shift,
    Station,
    Worker,
    WorkerSkill,
)

DEFAULT_TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Provisioned:
    """A tenant just provisioned, and the invitation for its first owner (if one was sent)."""

    organization: Organization
    invitation: Invitation | None


@transaction.atomic
def tenant_provision(
    *,
    kind: str,
    code: str,
    name: str,
    contact_phone: str = "",
    district: District | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    city: str = "",
    province: str = "",
    invite_owner: bool = True,
    owner_username: str = "",
    owner_phone: str = "",
    owner_email: str = "",
    by: User | None = None,
) -> Provisioned:
    """A new tenant: the organization (core), its profile (a factory's: district and time zone;
    a district's: city and province; merchants and suppliers have none), and, with
    `invite_owner`, an invitation for its first owner (the kind's owner role) as a link, named
    to `owner_username` or open when none is given. The platform console and the demo seed both
    provision through here. Refused, nothing written: any field error, all reported at once."""
    errors: dict[str, list] = {}
    time_zone = (time_zone or DEFAULT_TIME_ZONE).strip()
    if kind == OrgKind.FACTORY:
        if time_zone not in zoneinfo.available_timezones():
            errors["time_zone"] = [_("Unknown time zone, e.g. Asia/Shanghai.")]
        if district is not None and not district.organization.is_active:
            errors["district"] = [_("This district is not active.")]
    elif district is not None:
        errors["district"] = [_("Only a factory belongs to a district.")]
    organization = None
    try:
        organization = organization_create(
            kind=kind, code=code, name=name, contact_phone=contact_phone
        )
    except DomainError as error:
        errors = {**error.errors, **errors}
    if errors:
        raise DomainError(_("The tenant was not created."), errors=errors)
    if kind == OrgKind.FACTORY:
        Factory.objects.create(organization=organization, district=district, time_zone=time_zone)
    elif kind == OrgKind.DISTRICT:
        District.objects.create(
            organization=organization, city=(city or "").strip(), province=(province or "").strip()
        )
    invitation = None
    if invite_owner:
        try:
            invitation = invitation_create(
                organization=organization,
                role=OWNER_ROLE_BY_KIND[kind],
                username=owner_username,
                phone=owner_phone,
                email=owner_email,
                by=by,
            )
        except DomainError as error:
            # Raised out of this transaction: the organization and profile roll back too.
            raise DomainError(
                _("The tenant was not created."),
                errors={f"owner_{key}": value for key, value in error.errors.items()},
            ) from None
    return Provisioned(organization=organization, invitation=invitation)


PARTNER_KINDS = (OrgKind.MERCHANT, OrgKind.SUPPLIER)


@transaction.atomic
def partnership_invite(*, factory: Factory, partner_code: str, by: User) -> Partnership:
    """A factory invites a merchant or supplier (by its code) to work with it."""
    partner = Organization.objects.filter(code=partner_code, is_active=True).first()
    if partner is None or partner.kind not in PARTNER_KINDS:
        raise DomainError(
            _("No merchant or supplier has this code."),
            errors={"partner_code": [_("Unknown merchant or supplier.")]},
        )
    partnership = (
        Partnership.objects.select_for_update(no_key=True)
        .filter(factory=factory, partner=partner)
        .first()
    )
    if partnership is not None:
        if partnership.status in (Partnership.Status.INVITED, Partnership.Status.ACCEPTED):
            raise NotAllowed(_("This organization is already invited or a partner."))
        partnership.status = Partnership.Status.INVITED
        partnership.invited_by = by
        partnership.responded_by = None
        partnership.responded_at = None
        partnership.save()
        return partnership
    return Partnership.objects.create(
        factory=factory, partner=partner, invited_by=by, status=Partnership.Status.INVITED
    )


@transaction.atomic
def partnership_respond(*, partnership: Partnership, accept: bool, by: User) -> Partnership:
    """The invited merchant or supplier accepts or declines."""
    partnership = Partnership.objects.select_for_update(no_key=True).get(pk=partnership.pk)
    if partnership.status != Partnership.Status.INVITED:
        raise NotAllowed(_("Only an open invitation can be answered."))
    partnership.status = Partnership.Status.ACCEPTED if accept else Partnership.Status.DECLINED
    partnership.responded_by = by
    partnership.responded_at = timezone.now()
    partnership.save(update_fields=["status", "responded_by", "responded_at"])
    return partnership


@transaction.atomic
def partnership_end(*, partnership: Partnership, by: User) -> Partnership:
    partnership = Partnership.objects.select_for_update(no_key=True).get(pk=partnership.pk)
    if partnership.status == Partnership.Status.ENDED:
        raise NotAllowed(_("This partnership has already ended."))
    partnership.status = Partnership.Status.ENDED
    partnership.responded_by = by
    partnership.responded_at = timezone.now()
    partnership.save(update_fields=["status", "responded_by", "responded_at"])
    return partnership


def is_partner(*, factory_id: int, organization: Organization) -> bool:
    return Partnership.objects.filter(
        factory_id=factory_id, partner=organization, status=Partnership.Status.ACCEPTED
    ).exists()


def require_partner(*, factory_id: int, organization: Organization) -> None:
    """Only accepted partners may place orders with, or receive purchase orders from, a factory."""
    if not is_partner(factory_id=factory_id, organization=organization):
        raise DomainError(
            _("This organization is not a partner of the factory."),
            code="not_a_partner",
            errors={"factory": [_("Not a partner of this factory.")]},
        )


@transaction.atomic
def factory_cost_settings_update(
    *, factory: Factory, overhead_pct, machine_hour_rate, by: User | None
) -> Factory:
    """The owner sets the factory's costing figures: overhead % (on material and labour in a
    pre-cost) and the machine-hour rate (yuan per running hour, in actual costs). Refused,
    nothing written: a value that is not a number, negative or beyond its field's bounds."""
    values = {"overhead_pct": overhead_pct, "machine_hour_rate": machine_hour_rate}
    errors: dict[str, list] = {}
    for name, raw in values.items():
        field = Factory._meta.get_field(name)
        try:
            value = field.clean(raw, factory)
        except ValidationError as error:
            errors[name] = list(error.messages)
        else:
            values[name] = value
    if errors:
        raise DomainError(_("The cost settings are not valid."), errors=errors)
    locked = Factory.objects.select_for_update(no_key=True).get(pk=factory.pk)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(values))
    return locked


@transaction.atomic
def worker_user_link(*, worker: Worker, user: User, by: User | None) -> Worker:
    """Link an operator's record to their login, so they see their own pieces and pay and scan
    under their own badge. The login must be an active worker member of the factory and linked
    to no other operator of it; an operator already linked to another login keeps it."""
    worker = Worker.objects.select_for_update(no_key=True).get(pk=worker.pk)
    if worker.user_id == user.pk:
        return worker
    errors = {}
    if worker.user_id is not None:
        errors["worker"] = [_("This operator is already linked to another login.")]
    if not Membership.objects.filter(
        user=user, organization_id=worker.factory_id, role=Role.WORKER, is_active=True
    ).exists():
        errors["user"] = [_("The login must be a worker of this factory.")]
    elif Worker.objects.filter(factory_id=worker.factory_id, user=user).exists():
        errors["user"] = [_("This login is already linked to another operator.")]
    if errors:
        raise DomainError(_("The login was not linked."), code="worker_link", errors=errors)
    worker.user = user
    worker.save(update_fields=["user"])
    return worker


# --- Factory set-up: lines, stations, workers, shifts, calendar days -------------------------
# One write path for each list, shared by the set-up pages, their Excel imports and the API:
# the values are checked by the model's own fields and constraints (full_clean), a related row
# (a line's shift, a station's line) must be the factory's own, and a refusal names its field.
# Every row is written with save(), so the audit log records each create and change.

LINE_FIELDS = (
    "code",
    "name",
    "is_hanging",
    "planned_headcount",
    "efficiency",
    "is_active",
    "shift",
)
STATION_FIELDS = ("line", "code", "position", "machine_type")
WORKER_FIELDS = (
    "employee_no",
    "badge_id",
    "name",
    "line",
    "department",
    "grade",
    "bank_account",
    "hired_on",
    "left_on",
    "is_active",
)
SHIFT_FIELDS = ("code", "name", "starts_at", "ends_at", "break_minutes", "is_default")


def _own(factory: Factory, value, field: str, errors: dict) -> None:
    """A related row given by the caller must belong to the factory (a form scopes its choices,
    but a service is also reached from imports and the API)."""
    if value is not None and getattr(value, "factory_id", None) != factory.pk:
        errors.setdefault(field, []).append(_("Not one of this factory's."))


def _validated(instance, data: dict, fields: tuple[str, ...]) -> dict:
    """Put `data` on `instance` and check it with the model's own rules; the field errors."""
    for name in fields:
        if name in data:
            value = data[name]
            if value is None and not instance._meta.get_field(name).null:
                # A blank optional cell or field means the model's default, not NULL.
                value = instance._meta.get_field(name).get_default()
            setattr(instance, name, value)
    errors: dict[str, list] = {}
    try:
        instance.full_clean(exclude=["factory"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = {key: list(messages) for key, messages in error.message_dict.items()}
    for field, taken in _taken(instance).items():
        errors.setdefault(field, []).append(taken)
    return errors


def _taken_message(model) -> "Taken":
    return Taken(
        _("Already used by another %(thing)s in this factory.")
        % {"thing": model._meta.verbose_name}
    )


def _taken(instance) -> dict[str, str]:
    """The factory's unique fields (code, employee number, badge…) already used by another row,
    checked here so the error names the field rather than the constraint."""
    taken = {}
    model = type(instance)
    for constraint in model._meta.constraints:
        fields = [f for f in getattr(constraint, "fields", ()) if f != "factory"]
        if len(fields) != 1 or "factory" not in constraint.fields or constraint.condition:
            continue
        value = getattr(instance, fields[0])
        clash = model.objects.filter(factory_id=instance.factory_id, **{fields[0]: value})
        if value not in (None, "") and clash.exclude(pk=instance.pk).exists():
            taken[fields[0]] = _taken_message(model)
    return taken


class Taken(str):
    """The message of a unique value already used: a refusal made only of these is a conflict
    (409 `duplicate`, as the API has always answered a taken code), any other a bad request."""


def _refuse(message, errors: dict) -> None:
    if not errors:
        return
    messages = [text for texts in errors.values() for text in texts]
    if all(isinstance(text, Taken) for text in messages):
        raise Conflict(message, code="duplicate", errors=errors)
    raise DomainError(message, code="invalid", errors=errors)


def _save_setup_row(instance, factory: Factory, data: dict, fields, related=()) -> dict:
    """Check and save one row of a set-up list; the errors (nothing saved) or {}."""
    instance.factory = factory
    errors: dict[str, list] = {}
    for name in related:
        _own(factory, data.get(name), name, errors)
    if errors:
        return errors
    errors = _validated(instance, data, fields)
    if not errors:
        instance.save()
    return errors


@transaction.atomic
def line_create(*, factory: Factory, data: dict, by: User | None) -> SewingLine:
    """A new sewing line; refused (nothing written) with the fields at fault."""
    line = SewingLine()
    _refuse(
        _("The line was not saved."),
        _save_setup_row(line, factory, data, LINE_FIELDS, related=("shift",)),
    )
    return line


@transaction.atomic
def line_update(*, line: SewingLine, data: dict, by: User | None) -> SewingLine:
    line = SewingLine.objects.select_for_update(no_key=True).get(pk=line.pk)
    _refuse(
        _("The line was not saved."),
        _save_setup_row(line, line.factory, data, LINE_FIELDS, related=("shift",)),
    )
    return line


@transaction.atomic
def station_create(*, factory: Factory, data: dict, by: User | None) -> Station:
    station = Station()
    _refuse(
        _("The station was not saved."),
        _save_setup_row(station, factory, data, STATION_FIELDS, related=("line",)),
    )
    return station


@transaction.atomic
def station_update(*, station: Station, data: dict, by: User | None) -> Station:
    station = Station.objects.select_for_update(no_key=True).get(pk=station.pk)
    _refuse(
        _("The station was not saved."),
        _save_setup_row(station, station.factory, data, STATION_FIELDS, related=("line",)),
    )
    return station


def _skills_set(worker: Worker, skills: list[str]) -> None:
    """The machine types a worker can run: new ones added (at the worker's grade), ones no
    longer listed removed; a skill kept keeps its measured efficiency."""
    wanted = list(dict.fromkeys(skill.strip() for skill in skills if skill.strip()))
    current = {
        skill.machine_type: skill
        for skill in WorkerSkill.objects.filter(worker=worker, operation="")
    }
    for name, skill in current.items():
        if name not in wanted:
            skill.delete()
    for name in wanted:
        if name not in current:
            WorkerSkill.objects.create(
                factory_id=worker.factory_id, worker=worker, machine_type=name, grade=worker.grade
            )


def worker_skills(worker: Worker) -> list[str]:
    """The machine types a worker can run (the skills the set-up pages edit)."""
    return list(
        WorkerSkill.objects.filter(worker=worker, operation="")
        .exclude(machine_type="")
        .values_list("machine_type", flat=True)
    )


def _worker_save(worker: Worker, factory: Factory, data: dict) -> dict:
    if worker.bank_account and data.get("bank_account") == mask_account(worker.bank_account):
        # The masked number the edit form and the Excel export show, given back: unchanged.
        data = {key: value for key, value in data.items() if key != "bank_account"}
    if data.get("badge_id") is not None:
        # Stored in the one badge format, whichever door it came through (factories.badges);
        # a badge another worker holds in an older written form ("B0041") is taken too.
        data = {**data, "badge_id": badge_normalise(data["badge_id"])}
        others = Worker.objects.filter(factory=factory).exclude(pk=worker.pk)
        if workers_with_badge(others, data["badge_id"]).exists():
            return {"badge_id": [_taken_message(Worker)]}
    errors = _save_setup_row(worker, factory, data, WORKER_FIELDS, related=("line",))
    if not errors and data.get("skills") is not None:
        skills = data["skills"]
        if isinstance(skills, str):
            skills = skills.replace("，", ",").split(",")
        if any(len(skill.strip()) > 60 for skill in skills):
            return {"skills": [_("A machine type has at most 60 characters.")]}
        _skills_set(worker, skills)
    return errors


@transaction.atomic
def worker_create(*, factory: Factory, data: dict, by: User | None) -> Worker:
    """A new worker (employee number, badge, name, line, skills as machine types)."""
    worker = Worker()
    _refuse(_("The worker was not saved."), _worker_save(worker, factory, data))
    return worker


@transaction.atomic
def worker_update(*, worker: Worker, data: dict, by: User | None) -> Worker:
    worker = Worker.objects.select_for_update(no_key=True).get(pk=worker.pk)
    _refuse(_("The worker was not saved."), _worker_save(worker, worker.factory, data))
    return worker


def _shift_save(shift: Shift, factory: Factory, data: dict) -> dict:
    errors = _save_setup_row(shift, factory, data, SHIFT_FIELDS)
    if not errors and shift.is_default:
        # One default shift per factory: choosing a new one retires the old choice.
        for other in Shift.objects.filter(factory=factory, is_default=True).exclude(pk=shift.pk):
            other.is_default = False
            other.save(update_fields=["is_default"])
    return errors


@transaction.atomic
def shift_create(*, factory: Factory, data: dict, by: User | None) -> Shift:
    shift = Shift()
    _refuse(_("The shift was not saved."), _shift_save(shift, factory, data))
    return shift


@transaction.atomic
def shift_update(*, shift: Shift, data: dict, by: User | None) -> Shift:
    shift = Shift.objects.select_for_update(no_key=True).get(pk=shift.pk)
    _refuse(_("The shift was not saved."), _shift_save(shift, shift.factory, data))
    return shift


def _calendar_day_save(factory: Factory, data: dict) -> tuple[CalendarDay | None, dict]:
    day = data.get("date")
    if day is None:
        return None, {"date": [_("Required.")]}
    row = (
        CalendarDay.objects.select_for_update(no_key=True).filter(factory=factory, date=day).first()
    )
    if not data.get("kind"):
        # No kind: the factory drops its own word and the date follows the statutory
        # calendar and the working week again.
        if row is not None:
            row.delete()
        return None, {}
    row = row or CalendarDay(date=day)
    values = {
        "kind": data["kind"],
        "overtime_minutes": data.get("overtime_minutes") or 0,
        "note": data.get("note") or "",
    }
    errors = _save_setup_row(row, factory, values, ("kind", "overtime_minutes", "note"))
    return (None, errors) if errors else (row, {})


@transaction.atomic
def calendar_day_set(
    *,
    factory: Factory,
    date,
    kind: str | None,
    overtime_minutes: int = 0,
    note: str = "",
    by: User | None,
) -> CalendarDay | None:
    """The factory's own word on one date (a working day with overtime, a rest day, a
    holiday); `kind` None removes it, so the date follows the statutory calendar again."""
    row, errors = _calendar_day_save(
        factory,
        {"date": date, "kind": kind, "overtime_minutes": overtime_minutes, "note": note},
    )
    _refuse(_("The day was not saved."), errors)
    return row


# --- Imports: every row or none, upserted by the list's natural key --------------------------
def _import_rows(rows: list[dict], save_row) -> list:
    """Save each row with `save_row(index, row)` -> (object, errors); any error anywhere and
    the whole import is refused with `rows[i].field` keys (the sheet kit maps them to cells)."""
    saved, errors = [], {}
    for index, row in enumerate(rows):
        obj, row_errors = save_row(index, row)
        for field, messages in row_errors.items():
            errors[f"rows[{index}].{field}"] = messages
        saved.append(obj)
    _refuse(_("The file has errors; nothing was imported."), errors)
    return saved


def _by_code(model, factory: Factory, code, field: str, errors: dict):
    """A related row named by its code in an import (a station's line, a line's shift)."""
    if not code:
        return None
    found = model.objects.filter(factory=factory, code=code).first()
    if found is None:
        errors[field] = [
            _("No %(thing)s with the code %(code)s.")
            % {"thing": model._meta.verbose_name, "code": code}
        ]
    return found


def _with_related(row: dict, field: str, model, factory: Factory, errors: dict) -> dict:
    """The row with its related code (`field`) turned into the factory's row; a file without
    that column leaves the stored relation alone."""
    if field not in row:
        return dict(row)
    return {**row, field: _by_code(model, factory, row[field], field, errors)}


@transaction.atomic
def lines_import(*, factory: Factory, rows: list[dict], by: User | None) -> list[SewingLine]:
    """Lines by code: an existing code is updated, a new one added; `shift` is a shift code."""

    def save_row(index, row):
        errors: dict = {}
        data = _with_related(row, "shift", Shift, factory, errors)
        if errors:
            return None, errors
        line = SewingLine.objects.filter(factory=factory, code=row.get("code")).first()
        line = line or SewingLine()
        return line, _save_setup_row(line, factory, data, LINE_FIELDS, related=("shift",))

    return _import_rows(rows, save_row)


@transaction.atomic
def stations_import(*, factory: Factory, rows: list[dict], by: User | None) -> list[Station]:
    """Stations by code; `line` is the line's code."""

    def save_row(index, row):
        errors: dict = {}
        data = _with_related(row, "line", SewingLine, factory, errors)
        if errors:
            return None, errors
        station = Station.objects.filter(factory=factory, code=row.get("code")).first()
        station = station or Station()
        return station, _save_setup_row(station, factory, data, STATION_FIELDS, related=("line",))

    return _import_rows(rows, save_row)


@transaction.atomic
def workers_import(*, factory: Factory, rows: list[dict], by: User | None) -> list[Worker]:
    """Workers by employee number; `line` is a line code, `skills` a list of machine types."""

    def save_row(index, row):
        errors: dict = {}
        data = _with_related(row, "line", SewingLine, factory, errors)
        if errors:
            return None, errors
        worker = Worker.objects.filter(factory=factory, employee_no=row.get("employee_no"))
        worker = worker.first() or Worker()
        return worker, _worker_save(worker, factory, data)

    return _import_rows(rows, save_row)


@transaction.atomic
def shifts_import(*, factory: Factory, rows: list[dict], by: User | None) -> list[Shift]:
    """Shifts by code."""
    if sum(1 for row in rows if row.get("is_default")) > 1:
        first = next(i for i, row in enumerate(rows) if row.get("is_default"))
        raise DomainError(
            _("The file has errors; nothing was imported."),
            errors={
                f"rows[{i}].is_default": [_("Only one shift can be the default.")]
                for i, row in enumerate(rows)
                if row.get("is_default") and i != first
            },
        )

    def save_row(index, row):
        shift = Shift.objects.filter(factory=factory, code=row.get("code")).first() or Shift()
        return shift, _shift_save(shift, factory, row)

    return _import_rows(rows, save_row)


@transaction.atomic
def calendar_days_import(
    *, factory: Factory, rows: list[dict], by: User | None
) -> list[CalendarDay | None]:
    """The factory's own days by date (a row with no kind removes the date's own word)."""
    return _import_rows(rows, lambda index, row: _calendar_day_save(factory, row))


@transaction.atomic
def factory_calendar_confirm(*, factory: Factory, by: User | None) -> Factory:
    """The owner has looked over the calendar (holidays, 调休, the factory's own days)."""
    locked = Factory.objects.select_for_update(no_key=True).get(pk=factory.pk)
    locked.calendar_checked_at = timezone.now()
    locked.save(update_fields=["calendar_checked_at"])
    return locked
