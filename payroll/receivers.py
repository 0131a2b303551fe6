"""payroll's answers to the lower apps' announcements (core.signals)."""

from payroll.services import payslips_pseudonymise


def worker_anonymised_received(sender, *, worker, pseudonym, **kwargs) -> None:
    payslips_pseudonymise(worker=worker, pseudonym=pseudonym)
