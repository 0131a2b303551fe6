"""Forms of the payroll pages (the rules are checked again by the services). Worker and period
choices are the acting organization's own (core.forms.PageForm scopes them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm, PageModelForm
from factories.models import Worker
from payroll.models import (
    AttendanceEvent,
    PayPeriod,
    PayPolicy,
    PeriodKind,
    RateAdjustment,
    TimeKind,
)

CONTROL = {"class": "form-control"}
SELECT = {"class": "form-select"}


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.employee_no} {obj.name}"


class PeriodOpenForm(PageForm):
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date", **CONTROL})
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=PeriodKind.choices, widget=forms.Select(attrs=SELECT)
    )


class AdjustmentForm(PageForm):
    worker = WorkerChoiceField(
        label=_("Worker"),
        queryset=Worker.objects.filter(is_active=True),
        widget=forms.Select(attrs=SELECT),
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=12, decimal_places=2, widget=forms.NumberInput(CONTROL)
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput(CONTROL))
    corrects_period = forms.ModelChoiceField(
        label=_("Corrects period"),
        queryset=PayPeriod.objects.filter(status__in=PayPeriod.LOCKED),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )


class AttendanceForm(PageForm):
    worker = WorkerChoiceField(
        label=_("Worker"),
        queryset=Worker.objects.filter(is_active=True),
        widget=forms.Select(attrs=SELECT),
    )
    at = forms.DateTimeField(
        label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local", **CONTROL})
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=AttendanceEvent.Direction.choices,
        widget=forms.Select(attrs=SELECT),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.TextInput(CONTROL))


class TimeEntryForm(PageForm):
    worker = WorkerChoiceField(
        label=_("Worker"),
        queryset=Worker.objects.filter(is_active=True),
        widget=forms.Select(attrs=SELECT),
    )
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date", **CONTROL}))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=TimeKind.choices, widget=forms.Select(attrs=SELECT)
    )
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=1, max_value=1440, widget=forms.NumberInput(CONTROL)
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.TextInput(CONTROL))


class PolicyForm(PageModelForm):
    class Meta:
        model = PayPolicy
        fields = [
            "period_kind", "minimum_monthly_wage", "standard_day_minutes",
            "standard_month_minutes", "rework_deduction_ratio", "bonus_threshold",
            "bonus_per_minute", "overtime_workday", "overtime_rest_day", "overtime_holiday",
        ]  # fmt: skip


class RateAdjustmentForm(PageForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=RateAdjustment.Kind.choices, widget=forms.Select(attrs=SELECT)
    )
    grade = forms.IntegerField(
        label=_("Grade"), required=False, min_value=0, widget=forms.NumberInput(CONTROL)
    )
    operation_code = forms.CharField(
        label=_("Operation code"), required=False, max_length=40, widget=forms.TextInput(CONTROL)
    )
    multiplier = forms.DecimalField(
        label=_("Multiplier"), max_digits=5, decimal_places=3, widget=forms.NumberInput(CONTROL)
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=200, widget=forms.TextInput(CONTROL)
    )


class TimeRateForm(PageForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=TimeKind.choices, widget=forms.Select(attrs=SELECT)
    )
    hourly_rate = forms.DecimalField(
        label=_("Yuan per hour"), max_digits=8, decimal_places=2, widget=forms.NumberInput(CONTROL)
    )


class DisputeForm(PageForm):
    day = forms.DateField(widget=forms.HiddenInput)
    operation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    subject = forms.CharField(max_length=200, widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("What is wrong?"), widget=forms.Textarea(attrs={"rows": 2, **CONTROL})
    )


class DisputeAnswerForm(PageForm):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(
            attrs={"rows": 1, "class": "form-control form-control-sm", "placeholder": _("Answer")}
        ),
    )


class PeriodApproveForm(PageForm):
    confirm = forms.BooleanField(required=False)


class CostSettingsForm(PageForm):
    """The factory's costing figures (the owner's; factories.services checks them again)."""

    overhead_pct = forms.DecimalField(
        label=_("Overhead %"), max_digits=5, decimal_places=2, min_value=0
    )
    machine_hour_rate = forms.DecimalField(
        label=_("Machine-hour rate (yuan per hour)"), max_digits=8, decimal_places=2, min_value=0
    )
