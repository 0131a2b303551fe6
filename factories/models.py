"""Factory profiles, districts, partnerships and the factory floor (lines, stations, workers)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.crypto import EncryptedTextField, KeyedHashField
from core.models import Organization, User
from core.roles import OrgKind
from core.tenancy import NOTHING, TenantModel
from factories.tenancy import FactoryOwned


class District(TenantModel):
    """An industrial district (e.g. Lusong, Zhuzhou) whose officials watch its cluster."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="district",
        limit_choices_to={"kind": OrgKind.DISTRICT},
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.organization.name

    @classmethod
    def scope_for(cls, org) -> Q:
        if org.kind == OrgKind.DISTRICT:
            return Q(pk=org.pk)
        if org.kind == OrgKind.FACTORY:
            return Q(factories__pk=org.pk)
        return NOTHING


class Category(models.TextChoices):
    KNIT = "knit", _("Knitwear")
    WOVEN = "woven", _("Woven")
    DENIM = "denim", _("Denim")
    PLUS_SIZE = "plus_size", _("Plus-size")
    CHILDRENS = "childrens", _("Children's wear")
    SPORTSWEAR = "sportswear", _("Sportswear")
    OUTERWEAR = "outerwear", _("Outerwear")
    WORKWEAR = "workwear", _("Workwear")
    UNDERWEAR = "underwear", _("Underwear")


def default_working_weekdays() -> list[int]:
    """Monday to Saturday: garment factories commonly work six days a week."""
    return [0, 1, 2, 3, 4, 5]


class StatutoryCalendar(models.TextChoices):
    """Where a factory's public holidays and adjusted working days come from."""

    CHINA = "CN", _("China (statutory holidays and adjusted working days)")
    NONE = "", _("None (the factory's own calendar only)")


class Factory(TenantModel):
    """A garment factory: the tenant. Its primary key is its organization's."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="factory",
        limit_choices_to={"kind": OrgKind.FACTORY},
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="factories",
        verbose_name=_("district"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    minimum_order_quantity = models.PositiveIntegerField(_("minimum order quantity"), default=100)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    rate_per_minute = models.DecimalField(
        _("piece-rate yuan per SAM minute"),
        max_digits=8,
        decimal_places=4,
        default=Decimal("0.3500"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Costing (factory-only, like rate_per_minute): overhead on material and labour in pre-costs,
    # and what an hour of machine running costs in actual costs.
    overhead_pct = models.DecimalField(
        _("overhead %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("500"))],
    )
    machine_hour_rate = models.DecimalField(
        _("machine-hour rate (yuan per hour)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10000"))],
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    working_weekdays = models.JSONField(
        _("working weekdays"),
        default=default_working_weekdays,
        blank=True,
        help_text=_("Weekdays the factory works by default: 0 is Monday, 6 is Sunday."),
    )
    statutory_calendar = models.CharField(
        _("statutory holidays"),
        max_length=8,
        choices=StatutoryCalendar.choices,
        default=StatutoryCalendar.CHINA,
        blank=True,
    )
    shares_with_district = models.BooleanField(
        _("shares its figures with the district"), default=False
    )
    # When the owner last looked over the calendar (holidays, 调休, the factory's own days) and
    # confirmed it: one of the set-up checklist's items.
    calendar_checked_at = models.DateTimeField(_("calendar checked at"), null=True, blank=True)
    # How long a worker's personal data is kept after they leave (PIPL: deleted when the purpose
    # ends). Two years by default: China's labour-contract and wage-payment rules ask employers
    # to keep contracts and wage records at least that long.
    personal_data_retention_days = models.PositiveIntegerField(
        _("keep leavers' personal data for (days)"),
        default=730,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text=_(
            "After this many days from their leaving date, a worker's name is replaced by a "
            "pseudonym and their bank account erased; pay amounts are kept."
        ),
    )

    class Status(models.TextChoices):
        """Active, or closing: read-only until the grace period ends, then erased
        (factories/closure.py; docs/operations.md, "Closing a tenant")."""

        ACTIVE = "active", _("Active")
        CLOSING = "closing", _("Closing")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    closing_requested_at = models.DateTimeField(_("closure requested at"), null=True, blank=True)
    # The last day (factory's calendar) of the grace period; the factory is erased after it.
    closing_grace_ends_on = models.DateField(_("read-only until"), null=True, blank=True)

    class Meta:
        verbose_name = _("factory")
        verbose_name_plural = _("factories")

    def __str__(self) -> str:
        return self.organization.name

    @property
    def code(self) -> str:
        return self.organization.code

    @classmethod
    def scope_for(cls, org) -> Q:
        if org.kind == OrgKind.FACTORY:
            return Q(pk=org.pk)
        if org.kind in (OrgKind.MERCHANT, OrgKind.SUPPLIER):
            # Partners see the profile of the factories they work with.
            return Q(
                pk__in=Partnership.objects.filter(
                    partner=org, status=Partnership.Status.ACCEPTED
                ).values("factory_id")
            )
        return NOTHING


class Partnership(FactoryOwned):
    """A merchant or supplier that a factory works with. Starts as an invitation."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    factory = models.ForeignKey(
        Factory, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("factory")
    )
    partner = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("partner"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.INVITED
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    responded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(fields=["factory", "partner"], name="partnership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.factory} ↔ {self.partner}"

    @classmethod
    def scope_for(cls, org) -> Q:
        if org.kind == OrgKind.FACTORY:
            return Q(factory_id=org.pk)
        if org.kind in (OrgKind.MERCHANT, OrgKind.SUPPLIER):
            return Q(partner=org)
        return NOTHING


class SewingLine(FactoryOwned):
    """A production line (often a hanging line) with its stations."""

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    is_hanging = models.BooleanField(_("hanging line"), default=True)
    planned_headcount = models.PositiveIntegerField(_("planned headcount"), default=0)
    efficiency = models.DecimalField(
        _("planned efficiency"), max_digits=4, decimal_places=2, default=Decimal("0.75")
    )
    is_active = models.BooleanField(_("active"), default=True)
    shift = models.ForeignKey(
        "factories.Shift",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("shift"),
        help_text=_("Without one, the factory's default shift applies."),
    )

    class Meta:
        verbose_name = _("sewing line")
        verbose_name_plural = _("sewing lines")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "code"], name="line_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Station(FactoryOwned):
    """A work station; on a hanging line it has a position along the rail."""

    line = models.ForeignKey(
        SewingLine, on_delete=models.CASCADE, related_name="stations", verbose_name=_("line")
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(_("position on the line"), null=True, blank=True)
    machine_type = models.CharField(_("machine type"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["line", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "code"], name="station_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


# The departments a factory names as words (a worker's `department` is free text, "sewing" by
# default): shown in the reader's language, never as the stored word. Any other department is
# the factory's own name and is shown as typed.
DEPARTMENT_LABELS = {
    "sewing": pgettext_lazy("department", "Sewing"),
    "cutting": pgettext_lazy("department", "Cutting"),
    "finishing": pgettext_lazy("department", "Finishing"),
    "ironing": pgettext_lazy("department", "Ironing"),
    "packing": pgettext_lazy("department", "Packing"),
    "quality": pgettext_lazy("department", "Quality control"),
    "warehouse": pgettext_lazy("department", "Warehouse"),
}


def department_label(value: str | None) -> str:
    """A department as the reader says it ("sewing" → 缝制 in Chinese); "—" for none."""
    key = (value or "").strip()
    if not key:
        return "—"
    return str(DEPARTMENT_LABELS.get(key.lower(), key))


class Worker(FactoryOwned):
    """A person on the factory's payroll: operator, helper, cutter, packer…"""

    employee_no = models.CharField(_("employee number"), max_length=20)
    badge_id = models.CharField(_("badge id"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="worker_profiles"
    )
    line = models.ForeignKey(
        SewingLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("line"),
    )
    department = models.CharField(_("department"), max_length=60, default="sewing")
    grade = models.PositiveSmallIntegerField(_("skill grade"), default=2)
    photo = models.ImageField(_("photo"), upload_to="workers/", blank=True)
    # Sensitive personal information (PIPL): encrypted at rest, searched by its keyed hash,
    # read in full only through factories.selectors (audited). docs/privacy.md.
    bank_account = EncryptedTextField(_("bank account"), plain_max_length=40, blank=True)
    bank_account_hash = KeyedHashField(_("bank account search key"), source="bank_account")
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # When the personal data was erased after the factory's retention period (the name is then
    # a pseudonym): factories.anonymisation.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["employee_no"]
        indexes = [
            models.Index(fields=["factory", "bank_account_hash"], name="worker_account_search"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["factory", "employee_no"], name="worker_no_unique"),
            models.UniqueConstraint(fields=["factory", "badge_id"], name="worker_badge_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_no} {self.name}"


class Shift(FactoryOwned):
    """A working shift (e.g. day shift 08:00–17:30 with a 90-minute lunch break)."""

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    break_minutes = models.PositiveIntegerField(_("break minutes"), default=60)
    is_default = models.BooleanField(_("default shift"), default=False)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "code"], name="shift_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def minutes(self) -> int:
        """Paid working minutes of the shift (a shift may run past midnight)."""
        start = self.starts_at.hour * 60 + self.starts_at.minute
        end = self.ends_at.hour * 60 + self.ends_at.minute
        span = end - start if end > start else end + 24 * 60 - start
        return max(span - self.break_minutes, 0)


class WorkerSkill(FactoryOwned):
    """What a worker can do: an operation (by routing code or name) or a machine type, with a
    skill grade and the efficiency measured from their operation records (1.00 = SAM pace)."""

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="skills", verbose_name=_("worker")
    )
    operation = models.CharField(_("operation"), max_length=100, blank=True)
    machine_type = models.CharField(_("machine type"), max_length=60, blank=True)
    grade = models.PositiveSmallIntegerField(_("skill grade"), default=2)
    efficiency = models.DecimalField(
        _("measured efficiency"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0.05"))],
    )
    measured_at = models.DateTimeField(_("measured at"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker skill")
        verbose_name_plural = _("worker skills")
        ordering = ["worker", "operation", "machine_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "worker", "operation", "machine_type"],
                name="worker_skill_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} · {self.operation or self.machine_type} · {self.efficiency}"


class CalendarDay(FactoryOwned):
    """The factory's own word on one date: a working day (with overtime), a rest day or a
    public holiday. It overrides the factory's working week and the statutory calendar; a date
    without a row follows those (see `factories.calendar`)."""

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("Working day")
        REST = "rest", _("Rest day")
        HOLIDAY = "holiday", _("Public holiday")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORKDAY)
    overtime_minutes = models.PositiveIntegerField(_("overtime minutes"), default=0)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "date"], name="calendar_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class LineDayPlan(FactoryOwned):
    """The planned headcount (and optionally efficiency) of a line on one day; without a row
    the line's own planned headcount and efficiency apply."""

    line = models.ForeignKey(
        SewingLine, on_delete=models.CASCADE, related_name="day_plans", verbose_name=_("line")
    )
    date = models.DateField(_("date"))
    headcount = models.PositiveIntegerField(_("planned headcount"))
    efficiency = models.DecimalField(
        _("planned efficiency"), max_digits=4, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("line day plan")
        verbose_name_plural = _("line day plans")
        ordering = ["date", "line"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "line", "date"], name="line_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.date}: {self.headcount}"


class DataExport(FactoryOwned):
    """An export of all the factory's data as one archive (core.tenant_archive), made by a
    Celery task; the owner's page reads its progress, and its download link expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    tables_done = models.PositiveIntegerField(_("tables done"), default=0)
    tables_total = models.PositiveIntegerField(_("tables"), default=0)
    # Stored under exports/, a folder core.media serves to nobody: the archive is downloaded
    # only through the job's expiring link.
    archive = models.FileField(_("archive"), upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    # The download link's secret (a "_secret" column: never itself in an archive).
    link_secret = models.CharField(max_length=64, blank=True, editable=False)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["factory", "-created_at"], name="data_export_factory_created")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status} {self.tables_done}/{self.tables_total}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return round(100 * self.tables_done / self.tables_total) if self.tables_total else 0

    @property
    def link_open(self) -> bool:
        """The archive is ready and its download link has not expired."""
        return (
            self.status == self.Status.DONE
            and self.expires_at is not None
            and timezone.now() < self.expires_at
        )
