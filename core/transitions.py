"""One mechanism for every aggregate's state machine: a table of allowed moves, and one way to
apply a move that writes the new state and its audit entries together.

Each aggregate declares its table once, in its own app's services, and every status change goes
through `transitions_apply` (or `transition_apply` for one object). A move the table does not
allow raises NotAllowed (`invalid_transition`) before anything is written. A move is one UPDATE
of the moved rows and one insert of their django-auditlog entries, however many rows move, so the
hot paths (a scan moving a bundle, packing moving a size's bundles, converting a thousand orders)
stay a few statements. Nowhere else in the domain code writes a status with `.update()`
(tests/core/test_transitions.py keeps it so).
"""

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.audit import audit_updates_record
from core.errors import Conflict, NotAllowed


class TransitionTable:
    """The states of one model's `field` and, for each, the states it may move to."""

    def __init__(
        self,
        model: type[models.Model],
        moves: Mapping[str, Iterable[str]],
        *,
        field: str = "status",
    ):
        self.model = model
        self.field = field
        self.labels = dict(model._meta.get_field(field).choices)
        self.moves = {str(state): frozenset(map(str, targets)) for state, targets in moves.items()}
        named = set(self.moves).union(*self.moves.values())
        unknown = named - set(self.labels)
        missing = set(self.labels) - set(self.moves)
        if unknown or missing:
            # A table that forgets a state (or names one the model lacks) is a programming error.
            raise ImproperlyConfigured(
                f"{model.__name__}.{field} transitions: unknown {sorted(unknown)}, "
                f"missing {sorted(missing)}"
            )

    def targets(self, state: str) -> frozenset[str]:
        return self.moves[str(state)]

    def allowed(self, state: str, to: str) -> bool:
        return str(to) in self.moves[str(state)]

    def label(self, state: str) -> str:
        return str(self.labels[str(state)])

    def refusal(self, state: str, to: str) -> NotAllowed:
        return NotAllowed(
            _("This %(object)s is %(state)s; it cannot become %(target)s.")
            % {
                "object": self.model._meta.verbose_name,
                "state": self.label(state),
                "target": self.label(to),
            },
            code="invalid_transition",
            errors={self.field: [_("Not allowed from %(state)s.") % {"state": self.label(state)}]},
        )

    def check(self, instance: models.Model, to: str) -> None:
        """Raise NotAllowed unless `instance` may move from its current state to `to`."""
        state = getattr(instance, self.field)
        if not self.allowed(state, to):
            raise self.refusal(state, to)


@transaction.atomic
def transitions_apply(
    *,
    table: TransitionTable,
    instances: Sequence[models.Model],
    to: str,
    by=None,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
) -> int:
    """Move `instances` (locked and fresh: select_for_update) to `to`, all or none.

    `values` are other fields written with the move (approved_at, cleared_at, ...). One UPDATE
    writes the rows, one insert their audit entries (with `reason`, and `by` when the audit
    context names no actor); the instances are updated in memory. Refused, nothing written:
    a move the table does not allow (NotAllowed), or a row whose state changed since it was read
    (Conflict). Returns the number of rows moved.
    """
    if not instances:
        return 0
    for instance in instances:
        table.check(instance, to)
    values = dict(values or {})
    before = [copy.copy(instance) for instance in instances]
    for instance in instances:
        setattr(instance, table.field, to)
        for name, value in values.items():
            setattr(instance, name, value)
    read_states = {getattr(old, table.field) for old in before}
    moved = table.model._base_manager.filter(
        pk__in=[instance.pk for instance in instances],
        **{f"{table.field}__in": read_states},
    ).update(**{table.field: to}, **values)
    if moved != len({instance.pk for instance in instances}):
        raise Conflict(
            _("This %(object)s was changed meanwhile; reload it and try again.")
            % {"object": table.model._meta.verbose_name},
            code="changed_meanwhile",
        )
    audit_updates_record(
        changed=list(zip(before, instances, strict=True)),
        fields=[table.field, *values],
        by=by,
        note=reason,
    )
    return moved


def transition_apply(
    *,
    table: TransitionTable,
    instance: models.Model,
    to: str,
    by=None,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
) -> models.Model:
    """Move one locked instance to `to` (see `transitions_apply`); returns it, moved."""
    transitions_apply(table=table, instances=[instance], to=to, by=by, reason=reason, values=values)
    return instance
