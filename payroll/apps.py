from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.home import home_cards_register
from core.navigation import navigation_register


class PayrollConfig(AppConfig):
    name = "payroll"
    verbose_name = _("Payroll")

    def ready(self) -> None:
        from core.signals import worker_anonymised
        from payroll.navigation import HOME_CARDS, ITEMS
        from payroll.receivers import worker_anonymised_received

        # A leaver's payslips keep their amounts under the worker's pseudonym (docs/privacy.md).
        worker_anonymised.connect(
            worker_anonymised_received, dispatch_uid="payroll.worker_anonymised"
        )

        navigation_register(ITEMS)
        home_cards_register(HOME_CARDS)

        # A factory's data export carries the payslips of its approved periods as PDFs.
        from core.tenant_archive import archive_documents_register
        from payroll.outputs import payslip_documents

        archive_documents_register(payslip_documents)

        # Our choice sets share field names (kind, source) with other apps': name them.
        overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
        overrides.update(
            {
                "PeriodKindEnum": "payroll.models.PeriodKind",
                "RateAdjustmentKindEnum": "payroll.models.RateAdjustment.Kind",
                "TimeKindEnum": "payroll.models.TimeKind",
                "EntrySourceEnum": "payroll.models.EntrySource",
            }
        )
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "payroll-machine-down-import",
            {"task": "payroll.tasks.machine_down_import_yesterday", "schedule": 6 * 3600.0},
        )

        # A calculation's results (wage lines, days, payslips) are rebuilt in bulk from the
        # records; the period's own transitions (calculated, approved, paid) are the audit
        # trail. Logging each derived row would cost more than the calculation itself.
        # Imported here, not at module level: models load after the AppConfigs.
        from auditlog.registry import auditlog

        from payroll.models import Payslip, WageDay, WageLine

        for model in (WageLine, WageDay, Payslip):
            if auditlog.contains(model):
                auditlog.unregister(model)
