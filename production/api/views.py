"""Shop-floor endpoints: operation records, the plan, line balances, quality, packing."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.schema import ANY_OBJECT, LIST_OF_OBJECTS
from core.api.values import ValuesListMixin
from core.api.viewsets import TenantModelViewSet, TenantReadOnlyViewSet
from core.errors import DomainError
from core.pdf import pdf_response
from core.roles import FACTORY_STAFF, FLOOR, PAYROLL, PLANNING, QUALITY, WAREHOUSE, Role
from production import aql, pdf, selectors, services
from production.api import serializers as s
from production.models import (
    Bundle,
    Carton,
    DefectCode,
    FinalAudit,
    FinishedGoodsReceipt,
    Inspection,
    LineBalance,
    OperationRecord,
    ScheduleEntry,
    Shipment,
)

SCANNERS = FLOOR | {Role.WORKER}


def _factory(request):
    return request.organization.factory


class OperationRecordViewSet(ValuesListMixin, TenantReadOnlyViewSet, mixins.CreateModelMixin):
    """Operation records; created through the one recording service, voided never deleted."""

    queryset = OperationRecord.objects.select_related("worker", "operation")
    serializer_class = s.OperationRecordSerializer
    read_roles = FLOOR | PAYROLL
    action_roles = {"create": SCANNERS, "void": FLOOR}
    filterset_fields = ["work_order", "worker", "line", "work_date", "bundle", "is_rework"]

    def create(self, request, *args, **kwargs):
        body = s.OperationRecordCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["source"] == OperationRecord.Source.MANUAL and request.role not in FLOOR:
            raise DomainError(_("Only a supervisor may enter records by hand."))
        record = services.operation_record_create(
            factory=_factory(request),
            bundle=data["bundle"],
            operation=data["operation"],
            worker=data["badge"],
            station=data.get("station") or None,
            work_order=data.get("work_order"),
            good_pieces=data.get("good_pieces"),
            defective_pieces=data.get("defective_pieces", 0),
            is_rework=data.get("is_rework", False),
            source=data["source"],
            reason=data.get("reason", ""),
            external_event_id=data.get("external_event_id", ""),
            by=request.user,
        )
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        record = self.get_object()  # another factory's record is a 404 before anything else
        body = s.VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.operation_record_void(
            record=record, reason=body.validated_data["reason"], by=request.user
        )
        return Response(self.get_serializer(record).data)


class ScheduleEntryViewSet(TenantReadOnlyViewSet):
    """The plan: each open work order's line, start and finish, booked minutes per day."""

    queryset = ScheduleEntry.objects.select_related("work_order")
    serializer_class = s.ScheduleEntrySerializer
    read_roles = FACTORY_STAFF
    action_roles = {"replan": PLANNING, "move": PLANNING, "unpin": PLANNING, "weeks": FACTORY_STAFF}
    filterset_fields = ["line", "is_unplaced"]

    @extend_schema(request=None, responses={200: ANY_OBJECT})
    @action(detail=False, methods=["post"])
    def replan(self, request):
        plan = services.schedule_replan(factory=_factory(request))
        return Response(
            {"planned": len(plan.bookings), "late": len(plan.late), "unplaced": len(plan.unplaced)}
        )

    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        entry = self.get_object()
        body = s.MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.schedule_move(
            entry=entry,
            line=body.validated_data["line"],
            start=body.validated_data.get("start"),
            by=request.user,
            confirm=body.validated_data["confirm"],
        )
        return Response(self.get_serializer(entry).data)

    @action(detail=True, methods=["post"])
    def unpin(self, request, pk=None):
        entry = services.schedule_unpin(entry=self.get_object(), by=request.user)
        return Response(self.get_serializer(entry).data)

    @extend_schema(responses={200: LIST_OF_OBJECTS})
    @action(detail=False, methods=["get"])
    def weeks(self, request):
        """Load against capacity per week (SAM minutes)."""
        return Response(selectors.load_by_week(_factory(request)))


class LineBalanceViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    queryset = LineBalance.objects.all()
    serializer_class = s.LineBalanceSerializer
    read_roles = FLOOR
    write_roles = PLANNING | FLOOR
    filterset_fields = ["work_order", "line", "is_current"]

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        balance = services.line_balance_create(
            work_order=body.validated_data["work_order"],
            line=body.validated_data["line"],
            by=request.user,
        )
        return Response(self.get_serializer(balance).data, status=status.HTTP_201_CREATED)


class DefectCodeViewSet(TenantModelViewSet):
    queryset = DefectCode.objects.all()
    serializer_class = s.DefectCodeSerializer
    read_roles = QUALITY
    write_roles = QUALITY - {Role.SUPERVISOR}


class InspectionViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    queryset = Inspection.objects.prefetch_related("defects__defect_code")
    serializer_class = s.InspectionSerializer
    read_roles = QUALITY
    write_roles = QUALITY
    filterset_fields = ["kind", "work_order", "bundle", "result", "line"]

    def create(self, request, *args, **kwargs):
        body = s.InspectionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        inspection = services.inspection_record(
            factory=_factory(request),
            bundle=data.pop("bundle", "") or None,
            defects=[dict(d) for d in data.pop("defects", [])],
            by=request.user,
            **data,
        )
        return Response(self.get_serializer(inspection).data, status=status.HTTP_201_CREATED)


class FinalAuditViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    queryset = FinalAudit.objects.all()
    serializer_class = s.FinalAuditSerializer
    read_roles = QUALITY
    write_roles = QUALITY
    action_roles = {"plan": QUALITY}
    filterset_fields = ["work_order", "result"]

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        audit = services.final_audit_record(
            work_order=data["work_order"],
            lot_size=data["lot_size"],
            critical_found=data.get("critical_found", 0),
            major_found=data.get("major_found", 0),
            minor_found=data.get("minor_found", 0),
            level=data.get("level", aql.DEFAULT_LEVEL),
            aql_major=data.get("aql_major", aql.DEFAULT_MAJOR_AQL),
            aql_minor=data.get("aql_minor", aql.DEFAULT_MINOR_AQL),
            notes=data.get("notes", ""),
            by=request.user,
        )
        return Response(self.get_serializer(audit).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"])
    def plan(self, request):
        """The ISO 2859-1 plan for ?lot_size=&aql=&level= (normal inspection)."""
        try:
            plan = aql.sampling_plan(
                int(request.query_params.get("lot_size", 0)),
                request.query_params.get("aql", aql.DEFAULT_MAJOR_AQL),
                request.query_params.get("level", aql.DEFAULT_LEVEL),
            )
        except ValueError:
            raise DomainError(
                _("Give a lot size of at least 2 and one of the standard AQLs."),
                errors={"lot_size": [_("Invalid lot size or AQL.")]},
            )
        return Response(plan.__dict__ | {"inspect_all": plan.inspect_all})


class ReceiptViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    queryset = FinishedGoodsReceipt.objects.all()
    serializer_class = s.ReceiptSerializer
    read_roles = WAREHOUSE | FLOOR
    write_roles = WAREHOUSE
    filterset_fields = ["work_order", "colour", "size"]

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        receipt = services.finished_goods_receive(
            work_order=data["work_order"],
            colour=data["colour"],
            size=data["size"],
            quantity=data["quantity"],
            by=request.user,
        )
        return Response(self.get_serializer(receipt).data, status=status.HTTP_201_CREATED)


class HoldActions:
    """`hold` (with a reason) and `release` (with an optional note) of a bundle or carton:
    QC, supervisors, planners and managers (QUALITY) do both. `hold_service` and
    `release_service` name the production services; the object's field name is `noun`."""

    noun = ""
    hold_service = release_service = ""

    @extend_schema(request=s.HoldSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        target = self.get_object()  # another factory's is a 404 before anything else
        body = s.HoldSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service = getattr(services, self.hold_service)
        target = service(
            **{self.noun: target}, reason=body.validated_data["reason"], by=request.user
        )
        return Response(self.get_serializer(target).data)

    @extend_schema(request=s.HoldReleaseSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        target = self.get_object()
        body = s.HoldReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service = getattr(services, self.release_service)
        target = service(**{self.noun: target}, note=body.validated_data["note"], by=request.user)
        return Response(self.get_serializer(target).data)


class BundleViewSet(HoldActions, TenantReadOnlyViewSet):
    """Bundles (read), and their quality holds."""

    queryset = Bundle.objects.select_related("work_order")
    serializer_class = s.BundleSerializer
    read_roles = FACTORY_STAFF
    action_roles = {"hold": QUALITY, "release": QUALITY}
    filterset_fields = ["work_order", "status", "hold"]
    noun, hold_service, release_service = "bundle", "bundle_hold", "bundle_hold_release"


class CartonViewSet(HoldActions, TenantReadOnlyViewSet, mixins.CreateModelMixin):
    queryset = Carton.objects.prefetch_related("lines").select_related("work_order")
    serializer_class = s.CartonSerializer
    read_roles = WAREHOUSE | QUALITY
    write_roles = WAREHOUSE
    action_roles = {"label": WAREHOUSE | FLOOR, "hold": QUALITY, "release": QUALITY}
    noun, hold_service, release_service = "carton", "carton_hold", "carton_hold_release"
    filterset_fields = ["work_order", "shipment"]

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        contents: dict = {}
        for line in data["lines"]:
            key = (line["colour"], line["size"])
            contents[key] = contents.get(key, 0) + line["quantity"]
        carton = services.carton_pack(
            work_order=data["work_order"],
            contents=contents,
            gross_weight_kg=data.get("gross_weight_kg"),
            by=request.user,
        )
        return Response(self.get_serializer(carton).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def label(self, request, pk=None):
        carton = self.get_object()
        return pdf_response(pdf.carton_labels_pdf([carton]), f"carton-{carton.pk}.pdf")


class ShipmentViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    queryset = Shipment.objects.prefetch_related("cartons")
    serializer_class = s.ShipmentSerializer
    read_roles = WAREHOUSE | FLOOR
    write_roles = WAREHOUSE
    action_roles = {"packing_list": WAREHOUSE | FLOOR}
    filterset_fields = ["work_order", "order", "status"]

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        shipment = services.shipment_ship(
            work_order=data["work_order"],
            cartons=data["cartons"],
            carrier=data["carrier"],
            tracking_number=data.get("tracking_number", ""),
            by=request.user,
        )
        return Response(self.get_serializer(shipment).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"], url_path="packing-list")
    def packing_list(self, request, pk=None):
        shipment = self.get_object()
        cartons = shipment.cartons.prefetch_related("lines").order_by("number")
        return pdf_response(
            pdf.packing_list_pdf(shipment.work_order, cartons, shipment=shipment),
            f"packing-list-{shipment.number}.pdf",
        )
