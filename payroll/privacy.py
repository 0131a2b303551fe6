"""What of a worker's bank account may be shown: its last four characters.

A payslip is handed out, printed and photographed, and the wage sheet circulates in the office;
only the bank-transfer file (payroll.outputs.bank_transfer_csv) needs, and keeps, the number."""

SHOWN = 4


def mask_account(number: str | None) -> str:
    """ "6217 0000 1234 5678" → "****5678"; a number of four characters or fewer is hidden
    whole ("****"); no number → ""."""
    digits = "".join((number or "").split())
    if not digits:
        return ""
    return "****" + (digits[-SHOWN:] if len(digits) > SHOWN else "")
