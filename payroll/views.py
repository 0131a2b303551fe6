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
from core.forms import submit_form
from core.roles import FLOOR, PAYROLL, Role
from core.views import role_required
from payroll import forms, my_data, outputs, selectors, services
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
    """A one-button action (calculate, approve, pay): its refusal is a message on the page."""
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
    if request.method == "POST" and submit_form(
        request,
        form,
        lambda data: services.pay_period_open(factory=factory, by=request.user, **data),
        _("Pay period opened."),
    ):
        return redirect("payroll:periods")
    # ?show=unpaid: the periods still to calculate, approve or pay (the clerk's home card).
    unpaid = request.GET.get("show") == "unpaid"
    period_list = list(selectors.periods_of(factory, unpaid=unpaid))
    disputes = selectors.open_dispute_counts(factory)
    for period in period_list:
        period.open_disputes = disputes.get(period.pk, 0)
    return render(
        request, "payroll/periods.html", {"periods": period_list, "form": form, "unpaid": unpaid}
    )


@role_required(PAYROLL)
def period_detail(request, pk):
    period = _period(request, pk)
    return _period_page(request, period, forms.AdjustmentForm(organization=request.organization))


def _period_page(request, period, adjustment_form):
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
        "adjustment_form": adjustment_form,
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
    form = forms.PeriodApproveForm(request.POST)
    form.is_valid()  # a lone checkbox: anything but "checked" is "not confirmed"
    _run(
        request,
        lambda: services.pay_period_approve(
            period=period,
            by=request.user,
            confirm_open_disputes=form.cleaned_data.get("confirm", False),
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
    form = forms.AdjustmentForm(request.POST, organization=request.organization)
    if submit_form(
        request,
        form,
        lambda data: services.pay_adjustment_add(period=period, by=request.user, **data),
        _("Adjustment added; calculate the period again."),
    ):
        return redirect("payroll:period", pk=period.pk)
    return _period_page(request, period, form)


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
        outputs.bank_transfer_csv(period, by=request.user),
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
    return _disputes_page(request)


def _disputes_page(request, refused=None):
    """The disputes, each with its answer form (a refused answer's own, with its text kept)."""
    status = request.GET.get("status", Dispute.Status.OPEN)
    rows = list(selectors.disputes_for_clerk(_factory(request), status=status)[:200])
    for dispute in rows:
        dispute.answer_form = (
            refused
            if refused is not None and refused.dispute_id == dispute.pk
            else forms.DisputeAnswerForm(auto_id=f"dispute-{dispute.pk}-%s")
        )
    return render(request, "payroll/disputes.html", {"disputes": rows, "status": status})


@role_required(PAYROLL)
@require_POST
def dispute_answer(request, pk):
    dispute = get_object_or_404(Dispute.objects.visible_to(request.organization), pk=pk)
    form = forms.DisputeAnswerForm(request.POST, auto_id=f"dispute-{dispute.pk}-%s")
    if submit_form(
        request,
        form,
        lambda data: services.dispute_answer(dispute=dispute, by=request.user, **data),
        _("Answer sent."),
    ):
        return redirect("payroll:disputes")
    form.dispute_id = dispute.pk
    return _disputes_page(request, refused=form)


dispute_answer.model = Dispute


@role_required(ATTENDANCE)
def attendance(request):
    factory = _factory(request)
    # Two forms on one page: the hidden "clock" or "time" input says which one was sent.
    organization = request.organization
    # Each form its own ids: both have a worker and a reason.
    clock_form = forms.AttendanceForm(
        request.POST if "clock" in request.POST else None,
        organization=organization,
        auto_id="clock-%s",
    )
    time_form = forms.TimeEntryForm(
        request.POST if "time" in request.POST else None,
        organization=organization,
        auto_id="time-%s",
    )
    # Only the sent form is bound; an unbound one saves nothing.
    saved = submit_form(
        request,
        clock_form,
        lambda data: services.attendance_clock(
            factory=factory, by=request.user, source="supervisor", **data
        ),
        _("Recorded."),
    ) or submit_form(
        request,
        time_form,
        lambda data: services.time_entry_record(factory=factory, by=request.user, **data),
        _("Recorded."),
    )
    if saved:
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
    # Each form its own ids: the adjustment and the time rate both have a kind.
    adjustment_form = forms.RateAdjustmentForm(
        request.POST if "adjustment" in request.POST else None, auto_id="adjustment-%s"
    )
    time_rate_form = forms.TimeRateForm(
        request.POST if "time_rate" in request.POST else None, auto_id="time-rate-%s"
    )
    # Three forms on one page, told apart by a hidden input; only the sent one is bound.
    saved = (
        submit_form(
            request,
            policy_form,
            lambda data: services.pay_policy_update(
                factory=factory,
                by=request.user,
                **{f: data[f] for f in forms.PolicyForm.Meta.fields},
            ),
            _("Pay policy saved."),
        )
        or submit_form(
            request,
            adjustment_form,
            lambda data: services.rate_adjustment_set(factory=factory, by=request.user, **data),
            _("Rate adjustment saved."),
        )
        or submit_form(
            request,
            time_rate_form,
            lambda data: services.time_rate_set(factory=factory, by=request.user, **data),
            _("Time rate saved."),
        )
    )
    if saved:
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
    if request.method == "POST" and submit_form(
        request,
        form,
        lambda data: services.dispute_open(
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
            # ?disputes=open: the questions still waiting for an answer (the home's card).
            "disputes": selectors.my_disputes(worker, status=request.GET.get("disputes", ""))[:20],
            "payslips": payslips,
            "form": form,
            # What the platform holds about them, the account masked (no read is logged).
            "my_profile": my_data.profile_rows(selectors.my_data(worker)["profile"]),
        },
    )


@role_required(frozenset({Role.WORKER}))
def me_data(request, fmt: str):
    """The worker's own data copy (JSON or Excel), with their full bank account: one read of
    it, audited as theirs."""
    worker = selectors.worker_of(request.user, request.organization)
    if worker is None:
        raise Http404
    data = selectors.my_data(worker, full_account=True, by=request.user)
    if fmt == "json":
        return _download(
            my_data.my_data_json(data), "application/json", f"my-data-{worker.employee_no}.json"
        )
    return _download(
        my_data.my_data_xlsx(data),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"my-data-{worker.employee_no}.xlsx",
    )
