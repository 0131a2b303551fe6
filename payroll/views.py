"""Payroll pages: periods and their documents for the clerk, attendance for supervisors, and
the operator's own pieces and pay on the phone. Thin: every rule is in payroll.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.roles import FLOOR, PAYROLL, Role
from core.views import role_required
from payroll import forms, outputs, selectors, services
from payroll.calculation import policy_for
from payroll.models import (
    AttendanceDay,
    Dispute,
    PayAdjustment,
    PayPeriod,
    Payslip,
    RateAdjustment,
    TimeEntry,
    TimeRate,
)

ATTENDANCE = FLOOR | PAYROLL


def _factory(request):
    return request.organization.factory


def _period(request, pk) -> PayPeriod:
    return get_object_or_404(PayPeriod.objects.visible_to(request.organization), pk=pk)


def _run(request, action, success: str) -> bool:
    """Call a service; show its refusal as a message instead of an error page."""
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error.message))
        return False
    messages.success(request, success)
    return True


@role_required(PAYROLL)
def periods(request):
    factory = _factory(request)
    form = forms.PeriodOpenForm(
        request.POST or None, initial={"kind": policy_for(factory).period_kind}
    )
    if request.method == "POST" and form.is_valid():
        opened = _run(
            request,
            lambda: services.pay_period_open(factory=factory, by=request.user, **form.cleaned_data),
            _("Pay period opened."),
        )
        if opened:
            return redirect("payroll:periods")
    period_list = list(selectors.periods_of(factory))
    disputes = selectors.open_dispute_counts(factory)
    for period in period_list:
        period.open_disputes = disputes.get(period.pk, 0)
    return render(request, "payroll/periods.html", {"periods": period_list, "form": form})


@role_required(PAYROLL)
def period_detail(request, pk):
    period = _period(request, pk)
    payslips = Payslip.objects.filter(period=period).order_by("employee_no")
    query = request.GET.get("q", "").strip()
    if query:
        payslips = payslips.filter(employee_no__icontains=query) | payslips.filter(
            worker_name__icontains=query
        )
    summary = selectors.period_summary(period)
    context = {
        "period": period,
        "figures": selectors.period_figures(period),
        "summary_rows": [
            (_("Piece pay"), summary["piece_pay"]),
            (_("Rework deduction"), -summary["rework_deduction"]),
            (_("Time pay"), summary["time_pay"]),
            (_("Efficiency bonus"), summary["bonus"]),
            (_("Overtime premium"), summary["overtime_premium"]),
            (_("Adjustments"), summary["adjustments"]),
            (_("Minimum-wage top-up"), summary["minimum_top_up"]),
            (_("Records"), period.records),
        ],
        "by_line": selectors.totals_by_line(period),
        "by_department": selectors.totals_by_department(period),
        "payslips": payslips[:200],
        "payslip_count": payslips.count(),
        "query": query,
        "open_disputes": services.open_disputes_of(period).count(),
        "adjustments": PayAdjustment.objects.filter(period=period).select_related("worker"),
        "adjustment_form": forms.AdjustmentForm(factory=_factory(request)),
    }
    return render(request, "payroll/period_detail.html", context)


period_detail.model = PayPeriod


@role_required(PAYROLL)
@require_POST
def period_calculate(request, pk):
    period = _period(request, pk)
    _run(
        request,
        lambda: services.pay_period_calculate(period=period, by=request.user),
        _("Wages calculated."),
    )
    return redirect("payroll:period", pk=period.pk)


period_calculate.model = PayPeriod


@role_required(PAYROLL)
@require_POST
def period_approve(request, pk):
    period = _period(request, pk)
    _run(
        request,
        lambda: services.pay_period_approve(
            period=period, by=request.user, confirm_open_disputes=bool(request.POST.get("confirm"))
        ),
        _("Pay period approved and locked."),
    )
    return redirect("payroll:period", pk=period.pk)


period_approve.model = PayPeriod


@role_required(PAYROLL)
@require_POST
def period_pay(request, pk):
    period = _period(request, pk)
    _run(
        request,
        lambda: services.pay_period_mark_paid(period=period, by=request.user),
        _("Pay period marked as paid."),
    )
    return redirect("payroll:period", pk=period.pk)


period_pay.model = PayPeriod


@role_required(PAYROLL)
@require_POST
def adjustment_add(request, pk):
    period = _period(request, pk)
    form = forms.AdjustmentForm(request.POST, factory=_factory(request))
    if form.is_valid():
        _run(
            request,
            lambda: services.pay_adjustment_add(
                period=period, by=request.user, **form.cleaned_data
            ),
            _("Adjustment added; calculate the period again."),
        )
    else:
        messages.error(request, _("Check the adjustment: %(errors)s") % {"errors": form.errors})
    return redirect("payroll:period", pk=period.pk)


adjustment_add.model = PayPeriod


def _download(content, content_type, filename) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(PAYROLL)
def period_wage_sheet(request, pk):
    period = _period(request, pk)
    return _download(
        outputs.wage_sheet_xlsx(period),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"wages-{period.starts_on:%Y%m%d}.xlsx",
    )


period_wage_sheet.model = PayPeriod


@role_required(PAYROLL)
def period_bank_file(request, pk):
    period = _period(request, pk)
    return _download(
        outputs.bank_transfer_csv(period),
        "text/csv; charset=utf-8",
        f"bank-{period.starts_on:%Y%m%d}.csv",
    )


period_bank_file.model = PayPeriod


@role_required(PAYROLL)
def period_payslips_pdf(request, pk):
    period = _period(request, pk)
    return _download(
        outputs.payslips_pdf(period, outputs.payable_payslips(period)),
        "application/pdf",
        f"payslips-{period.starts_on:%Y%m%d}.pdf",
    )


period_payslips_pdf.model = PayPeriod


@login_required
def payslip_pdf(request, pk):
    """A payslip as PDF: payroll staff for anyone, an operator for their own only."""
    slip = get_object_or_404(
        Payslip.objects.visible_to(request.organization).select_related("period"), pk=pk
    )
    if request.role == Role.WORKER:
        if slip.worker.user_id != request.user.pk or not slip.period.is_locked:
            raise Http404
    elif request.role not in PAYROLL:
        raise PermissionDenied
    return _download(
        outputs.payslips_pdf(slip.period, [slip]),
        "application/pdf",
        f"payslip-{slip.employee_no}-{slip.period.starts_on:%Y%m%d}.pdf",
    )


payslip_pdf.model = Payslip


@role_required(PAYROLL)
def disputes(request):
    status = request.GET.get("status", Dispute.Status.OPEN)
    return render(
        request,
        "payroll/disputes.html",
        {
            "disputes": selectors.disputes_for_clerk(_factory(request), status=status)[:200],
            "status": status,
            "form": forms.DisputeAnswerForm(),
        },
    )


@role_required(PAYROLL)
@require_POST
def dispute_answer(request, pk):
    dispute = get_object_or_404(Dispute.objects.visible_to(request.organization), pk=pk)
    form = forms.DisputeAnswerForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.dispute_answer(
                dispute=dispute, answer=form.cleaned_data["answer"], by=request.user
            ),
            _("Answer sent."),
        )
    else:
        messages.error(request, _("Write an answer."))
    return redirect("payroll:disputes")


dispute_answer.model = Dispute


@role_required(ATTENDANCE)
def attendance(request):
    factory = _factory(request)
    clock_form = forms.AttendanceForm(
        request.POST if "clock" in request.POST else None, factory=factory
    )
    time_form = forms.TimeEntryForm(
        request.POST if "time" in request.POST else None, factory=factory
    )
    posted = None
    if clock_form.is_bound and clock_form.is_valid():
        posted = lambda: services.attendance_clock(  # noqa: E731
            factory=factory, by=request.user, source="supervisor", **clock_form.cleaned_data
        )
    elif time_form.is_bound and time_form.is_valid():
        posted = lambda: services.time_entry_record(  # noqa: E731
            factory=factory, by=request.user, **time_form.cleaned_data
        )
    if posted is not None and _run(request, posted, _("Recorded.")):
        return redirect("payroll:attendance")
    days = AttendanceDay.objects.filter(factory=factory).select_related("worker")[:100]
    entries = TimeEntry.objects.filter(factory=factory).select_related("worker")[:50]
    return render(
        request,
        "payroll/attendance.html",
        {"clock_form": clock_form, "time_form": time_form, "days": days, "entries": entries},
    )


@role_required(PAYROLL)
def rates(request):
    factory = _factory(request)
    policy = policy_for(factory)
    policy_form = forms.PolicyForm(
        request.POST if "policy" in request.POST else None, instance=policy
    )
    adjustment_form = forms.RateAdjustmentForm(
        request.POST if "adjustment" in request.POST else None
    )
    time_rate_form = forms.TimeRateForm(request.POST if "time_rate" in request.POST else None)
    if request.method == "POST":
        done = False
        if policy_form.is_bound and policy_form.is_valid():
            done = _run(
                request,
                lambda: services.pay_policy_update(
                    factory=factory,
                    by=request.user,
                    **{f: policy_form.cleaned_data[f] for f in forms.PolicyForm.Meta.fields},
                ),
                _("Pay policy saved."),
            )
        elif adjustment_form.is_bound and adjustment_form.is_valid():
            done = _run(
                request,
                lambda: services.rate_adjustment_set(
                    factory=factory, by=request.user, **adjustment_form.cleaned_data
                ),
                _("Rate adjustment saved."),
            )
        elif time_rate_form.is_bound and time_rate_form.is_valid():
            done = _run(
                request,
                lambda: services.time_rate_set(
                    factory=factory, by=request.user, **time_rate_form.cleaned_data
                ),
                _("Time rate saved."),
            )
        if done:
            return redirect("payroll:rates")
    return render(
        request,
        "payroll/rates.html",
        {
            "policy_form": policy_form,
            "adjustment_form": adjustment_form,
            "time_rate_form": time_rate_form,
            "adjustments": RateAdjustment.objects.filter(factory=factory),
            "time_rates": TimeRate.objects.filter(factory=factory),
        },
    )


@role_required(frozenset({Role.WORKER}))
def me(request):
    """The operator's phone page: today's pieces and pay, and each day of the period."""
    worker = selectors.worker_of(request.user, request.organization)
    if worker is None:
        return render(request, "payroll/me.html", {"worker": None})
    form = forms.DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            lambda: services.dispute_open(
                worker=worker,
                day=data["day"],
                subject=data["subject"],
                message=data["message"],
                operation_id=data.get("operation"),
                by=request.user,
            ),
            _("Your question was sent to the payroll clerk."),
        ):
            return redirect("payroll:me")
    mine = selectors.my_earnings(worker)
    payslips = Payslip.objects.filter(
        worker=worker, period__status__in=PayPeriod.LOCKED
    ).select_related("period")[:6]
    return render(
        request,
        "payroll/me.html",
        {
            "worker": worker,
            "mine": mine,
            "disputes": selectors.my_disputes(worker)[:20],
            "payslips": payslips,
            "form": form,
        },
    )
