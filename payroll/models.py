"""Models of payroll/."""
