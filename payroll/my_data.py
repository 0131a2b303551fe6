"""A worker's own data copy ("my data" on the "my pay" page), as JSON and as Excel.

The contents are payroll.selectors.my_data (profile from factories, payslips, questions); the
download carries the full bank account, read once and audited as a read by the worker.
docs/privacy.md.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tabular import Sheet, rows_to_xlsx
from payroll.selectors import MY_PAYSLIP_FIELDS

PROFILE_LABELS = {
    "factory": gettext_lazy("Factory"),
    "employee_no": gettext_lazy("Employee number"),
    "badge_id": gettext_lazy("Badge"),
    "name": gettext_lazy("Name"),
    "line": gettext_lazy("Line"),
    "department": gettext_lazy("Department"),
    "grade": gettext_lazy("Skill grade"),
    "skills": gettext_lazy("Machine types"),
    "hired_on": gettext_lazy("Hired on"),
    "left_on": gettext_lazy("Left on"),
    "bank_account": gettext_lazy("Bank account"),
    "has_photo": gettext_lazy("Photo held"),
    "login": gettext_lazy("Login"),
    "login_phone": gettext_lazy("Login phone"),
}
QUESTION_FIELDS = ("day", "subject", "message", "status", "answer")


def profile_rows(profile: dict) -> list[tuple[str, object]]:
    """The profile as (label, value) lines, in the reader's language, for the page and Excel."""
    rows = []
    for key, label in PROFILE_LABELS.items():
        value = profile.get(key)
        if isinstance(value, list):
            value = ", ".join(value)
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        rows.append((str(label), "" if value is None else value))
    return rows


def my_data_json(data: dict) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def my_data_xlsx(data: dict) -> bytes:
    """Three sheets: the profile (field, value), the payslips and the questions."""
    payslip_fields = ("period_starts_on", "period_ends_on", *MY_PAYSLIP_FIELDS)
    return rows_to_xlsx(
        [
            Sheet(
                title=_("Profile"),
                rows=[[_("Field"), _("Value")], *profile_rows(data["profile"])],
                bold_rows=(1,),
            ),
            Sheet(
                title=_("Payslips"),
                rows=[
                    list(payslip_fields),
                    *[[slip[name] for name in payslip_fields] for slip in data["payslips"]],
                ],
                bold_rows=(1,),
                number_format="#,##0.00",
                numbers_from=2,
            ),
            Sheet(
                title=_("Questions"),
                rows=[
                    list(QUESTION_FIELDS),
                    *[[q[name] for name in QUESTION_FIELDS] for q in data["questions"]],
                ],
                bold_rows=(1,),
            ),
        ]
    )
