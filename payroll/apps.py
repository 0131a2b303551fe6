from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "payroll"
    verbose_name = _("Payroll")

    def ready(self) -> None:
        # A calculation's results (wage lines, days, payslips) are rebuilt in bulk from the
        # records; the period's own transitions (calculated, approved, paid) are the audit
        # trail. Logging each derived row would cost more than the calculation itself.
        from auditlog.registry import auditlog

        from payroll.models import Payslip, WageDay, WageLine

        for model in (WageLine, WageDay, Payslip):
            if auditlog.contains(model):
                auditlog.unregister(model)
