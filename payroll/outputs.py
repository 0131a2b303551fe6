"""Documents of a calculated period: payslips (PDF, Chinese), wage sheet (Excel), bank file (CSV).

The bank account is read from the worker through factories.selectors: masked on the payslip
and the wage sheet (no audit entry), in full in the bank file only, whose download is one read
recorded in the audit log (who, why, which workers), however many lines it has.

The bank file and the wage sheet list exactly the period's payslips with a positive total, so
the period total, the sum of the payslips and the sum of the bank-file lines always agree.
"""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm

from core.pdf import PdfCanvas
from core.tabular import Sheet, rows_to_csv, rows_to_xlsx
from factories.models import department_label
from factories.selectors import worker_accounts_full, worker_accounts_masked
from payroll.models import PayPeriod, Payslip

CENT = Decimal("0.01")
SLIP_PARTS = [
    ("piece_pay", "计件工资"),
    ("rework_deduction", "返工扣款"),
    ("time_pay", "计时工资"),
    ("bonus", "效率奖"),
    ("overtime_premium", "加班费"),
    ("adjustments", "调整"),
    ("minimum_top_up", "最低工资补差"),
]


def _in_chinese(label, value) -> str:
    """A label of the Chinese documents (payslip, wage sheet), whatever the clerk's language."""
    with translation.override("zh-hans"):
        return label(value)


def payable_payslips(period: PayPeriod):
    return Payslip.objects.filter(period=period, gross__gt=0).order_by("employee_no")


def payslip_documents(factory_id: int):
    """The payslips of the factory's approved and paid periods, a PDF per period, for its data
    export (core.tenant_archive): the pay records the factory keeps after it leaves."""
    periods = PayPeriod.objects.filter(
        factory_id=factory_id, status__in=PayPeriod.LOCKED
    ).select_related("factory__organization")
    for period in periods.order_by("starts_on", "pk"):
        slips = payable_payslips(period)
        if slips.exists():
            yield (
                f"payslips/{period.starts_on:%Y%m%d}-{period.ends_on:%Y%m%d}-{period.pk}.pdf",
                payslips_pdf(period, slips),
            )


def payslips_pdf(period: PayPeriod, payslips) -> bytes:
    """One A5 page per payslip, in Chinese (payslips are read by the operators themselves)."""
    pdf = PdfCanvas(pagesize=A5, title=f"工资条 {period.starts_on:%Y-%m-%d}")
    width, height = A5
    factory_name = period.factory.organization.name
    payslips = list(payslips)
    accounts = worker_accounts_masked(slip.worker_id for slip in payslips)
    for slip in payslips:
        y = height - 18 * mm
        pdf.font(14)
        pdf.drawString(14 * mm, y, f"{factory_name} 工资条")
        y -= 8 * mm
        pdf.font(10)
        pdf.drawString(
            14 * mm,
            y,
            f"工资期间：{period.starts_on:%Y年%m月%d日} 至 {period.ends_on:%Y年%m月%d日}",
        )
        y -= 6 * mm
        pdf.drawString(14 * mm, y, f"工号：{slip.employee_no}    姓名：{slip.worker_name}")
        y -= 6 * mm
        department = _in_chinese(department_label, slip.department)
        pdf.drawString(14 * mm, y, f"产线：{slip.line_name or '—'}    部门：{department}")
        y -= 6 * mm
        pdf.drawString(
            14 * mm,
            y,
            f"出勤天数：{slip.days_worked}    出勤分钟：{slip.attended_minutes}    "
            f"合格件数：{slip.good_pieces}",
        )
        y -= 9 * mm
        for field, label in SLIP_PARTS:
            value = getattr(slip, field)
            if field == "rework_deduction" and value:
                value = -value
            pdf.drawString(18 * mm, y, label)
            pdf.drawRightString(width - 18 * mm, y, f"{value:,.2f}")
            y -= 6 * mm
        pdf.line(18 * mm, y + 3 * mm, width - 18 * mm, y + 3 * mm)
        pdf.font(12)
        pdf.drawString(18 * mm, y - 2 * mm, "实发工资（元）")
        pdf.drawRightString(width - 18 * mm, y - 2 * mm, f"{slip.gross:,.2f}")
        pdf.font(8)
        pdf.drawString(14 * mm, 12 * mm, f"银行账号：{accounts.get(slip.worker_id) or '—'}")
        pdf.drawString(14 * mm, 8 * mm, "如有疑问，请在手机“我的工资”页面对相应明细提出异议。")
        pdf.showPage()
    return pdf.finish()


SHEET_COLUMNS = [
    ("employee_no", "工号"),
    ("worker_name", "姓名"),
    ("line_name", "产线"),
    ("department", "部门"),
    ("days_worked", "出勤天数"),
    ("attended_minutes", "出勤分钟"),
    ("good_pieces", "合格件数"),
    ("earned_minutes", "标准工时(分)"),
    *SLIP_PARTS,
    ("gross", "应发合计"),
    ("bank_account", "银行账号"),
]


def wage_sheet_xlsx(period: PayPeriod) -> bytes:
    """The period's wage sheet: one row per payslip, a total row, amounts as numbers."""
    rows: list[list] = [
        [f"{period.factory.organization.name} 工资表 {period}"],
        [label for _field, label in SHEET_COLUMNS],
    ]
    totals: dict[str, Decimal] = {}
    payslips = list(Payslip.objects.filter(period=period).order_by("employee_no"))
    accounts = worker_accounts_masked(slip.worker_id for slip in payslips)
    for slip in payslips:
        row = []
        for field, _label in SHEET_COLUMNS:
            if field == "bank_account":
                value = accounts.get(slip.worker_id, "")
            else:
                value = getattr(slip, field)
            if field == "department":
                value = _in_chinese(department_label, value)
            if isinstance(value, Decimal):
                totals[field] = totals.get(field, Decimal("0")) + value
            row.append(value)
        rows.append(row)
    rows.append(
        [
            "合计" if index == 0 else totals.get(field)
            for index, (field, _label) in enumerate(SHEET_COLUMNS)
        ]
    )
    return rows_to_xlsx(
        [
            Sheet(
                title=f"{period.starts_on:%Y-%m-%d}",
                rows=rows,
                bold_rows=(2, -1),
                number_format="#,##0.00",
                numbers_from=3,
            )
        ]
    )


BANK_HEADER = ["employee_no", "name", "bank_account", "amount", "reference"]


def bank_transfer_csv(period: PayPeriod, *, by) -> str:
    """One transfer per payslip with pay; UTF-8 with BOM for Excel. The full accounts are read
    once, as one audited read by `by` (the bank needs the numbers).

    The amount is a number written exactly with two decimals (never escaped); the text cells
    (employee number, name, account, reference) go through core's safe writer, so a name that
    starts with = + - @ arrives with a leading quote instead of running as a formula.
    """
    reference = _("Wages %(start)s–%(end)s") % {
        "start": f"{period.starts_on:%Y-%m-%d}",
        "end": f"{period.ends_on:%Y-%m-%d}",
    }
    rows = [BANK_HEADER]
    payslips = list(payable_payslips(period))
    accounts = worker_accounts_full(
        factory=period.factory,
        worker_ids=[slip.worker_id for slip in payslips],
        reason="bank transfer file",
        subject=f"Bank file {period.starts_on:%Y-%m-%d}–{period.ends_on:%Y-%m-%d}",
        by=by,
    )
    for slip in payslips:
        rows.append(
            [
                slip.employee_no,
                slip.worker_name,
                accounts.get(slip.worker_id, ""),
                slip.gross.quantize(CENT),
                reference,
            ]
        )
    return rows_to_csv(rows)
