"""Releasing a work order to cutting: only with its materials on hand (inventory's check), or
with a reason that inventory logs as an override. And the days lost to material while a work
order waited for its release (docs/production.md, "Days lost to material"): a work order still
planned after its need date with a material short is observed (`material_delays_observe`,
hourly, and at the release itself); its release closes each observed delay with the working
days lost and the cause inventory gives it."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Min

from core.realtime import notify
from factories.clock import factory_today
from factories.models import Factory
from inventory.selectors import shortage_causes
from inventory.services import material_release_check, material_release_guard
from production.models import MaterialDelay, MaterialRequirement, WorkOrder
from production.selectors.seed import material_days_lost
from production.services.work_orders import WORK_ORDER_TRANSITIONS, work_order_transition


@transaction.atomic
def work_order_release(*, work_order: WorkOrder, by, override_reason: str = "") -> WorkOrder:
    """Planned → cutting. Refused (`materials_short`) while materials are short, unless a
    reason is given. Released after its need date, the work order's material delays close."""
    work_order = WorkOrder.objects.select_for_update(no_key=True).get(pk=work_order.pk)
    # Refuse an illegal move before inventory logs an override for it.
    WORK_ORDER_TRANSITIONS.check(work_order, WorkOrder.Status.CUTTING)
    requirements = material_requirements(work_order)
    today = factory_today(work_order.factory)
    if override_reason.strip():
        # Released over a shortage: what is short now held it too.
        _observe(work_order, requirements, today)
    material_release_guard(
        work_order=work_order,
        requirements=requirements,
        by=by,
        override_reason=override_reason,
    )
    work_order_transition(
        work_order=work_order, to=WorkOrder.Status.CUTTING, by=by, reason=override_reason
    )
    _delays_close(work_order, today)
    notify(work_order.factory_id, "work_order_released", {"work_order": work_order.pk})
    return work_order


def material_requirements(work_order: WorkOrder) -> list[tuple[str, Decimal]]:
    """(material code, quantity) the work order needs: what inventory's check is handed."""
    return list(
        MaterialRequirement.objects.filter(
            factory_id=work_order.factory_id, work_order=work_order
        ).values_list("material_code", "quantity")
    )


def need_dates(factory: Factory, work_order_ids) -> dict[int, date]:
    """Each work order's need date: the earliest its materials are needed to start cutting."""
    return dict(
        MaterialRequirement.objects.filter(factory=factory, work_order_id__in=work_order_ids)
        .values("work_order_id")
        .annotate(need=Min("need_date"))
        .values_list("work_order_id", "need")
    )


@transaction.atomic
def material_delays_observe(*, factory: Factory, today: date | None = None) -> int:
    """Record a delay for each material short now on each planned work order whose need date
    has passed (the factory's today is later); returns how many new delays were recorded.
    Safe to run again: a material already recorded for the work order is left as it is."""
    today = today or factory_today(factory)
    waiting = list(
        WorkOrder.objects.filter(factory=factory, status=WorkOrder.Status.PLANNED).select_related(
            "factory"
        )
    )
    needs = need_dates(factory, [wo.pk for wo in waiting])
    created = 0
    for work_order in waiting:
        need = needs.get(work_order.pk)
        if need is not None and need < today:
            created += _observe(work_order, material_requirements(work_order), today, need)
    if created:
        notify(factory.pk, "material_delay", {"delays": created})
    return created


def _observe(work_order: WorkOrder, requirements, today: date, need: date | None = None) -> int:
    need = need or need_dates(work_order.factory, [work_order.pk]).get(work_order.pk)
    if need is None or need >= today:
        return 0
    short = [
        row["material_code"]
        for row in material_release_check(work_order=work_order, requirements=requirements)
    ]
    known = set(
        MaterialDelay.objects.filter(work_order=work_order, material_code__in=short).values_list(
            "material_code", flat=True
        )
    )
    new = [code for code in short if code not in known]
    if not new:
        return 0
    causes = shortage_causes(work_order.factory, codes=new, need_date=need)
    MaterialDelay.objects.bulk_create(
        MaterialDelay(
            factory_id=work_order.factory_id,
            work_order=work_order,
            material_code=code,
            need_date=need,
            cause=causes[code][0],
            detail=causes[code][1][:200],
        )
        for code in new
    )
    return len(new)


def _delays_close(work_order: WorkOrder, today: date) -> None:
    """The release ends the wait: each open delay gets the working days lost up to today and
    its cause as inventory sees it now (a late delivery may have turned out short)."""
    open_delays = list(MaterialDelay.objects.filter(work_order=work_order, released_on=None))
    if not open_delays:
        return
    need = open_delays[0].need_date
    causes = shortage_causes(
        work_order.factory, codes=[d.material_code for d in open_delays], need_date=need
    )
    days = material_days_lost(work_order.factory, need, today)
    for delay in open_delays:
        delay.released_on = today
        delay.days_lost = days
        delay.cause, detail = causes[delay.material_code]
        delay.detail = detail[:200]
    MaterialDelay.objects.bulk_update(open_delays, ["released_on", "days_lost", "cause", "detail"])
