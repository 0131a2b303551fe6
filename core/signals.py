"""The few announcements a lower app makes for an upper app to act on in the same transaction.

Imports only go down the layers (docs/architecture.md), so when orders/ must let production/ act
on one of its orders, it sends one of these signals and production/ registers a receiver in its
AppConfig.ready(). A receiver runs synchronously inside the sender's transaction, calls its own
app's services, and may refuse by raising a DomainError or NotAllowed: the sender's transaction
then rolls back and nothing is written. Keep the list short; each signal is documented here.
"""

from django.dispatch import Signal

# orders.services.order_place: a merchant's order has just been placed (status PLACED, not yet
# counted as booked load). kwargs: order. production answers with the capable-to-promise date by
# calling orders.services.order_promise_set.
order_placed = Signal()

# orders.services.order_cancel, before the order's status changes. kwargs: order, reason, by.
# production refuses (NotAllowed) once cutting has started, else cancels the order's work orders
# through its own transition service, which frees their stock reservations and audits each.
order_cancelling = Signal()

# factories.anonymisation.worker_anonymise, after the worker's personal data was erased.
# kwargs: worker, pseudonym. payroll renames the worker's payslips to the pseudonym (their
# amounts stay).
worker_anonymised = Signal()
