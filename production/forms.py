"""Forms of production's pages: types and shapes only (every rule is the services'). The scan
and packing pages are used on phones: their inputs keep their ids, sizes and keypads."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import PageForm
from core.limits import MoneyFormField, QuantityFormField
from factories.models import SewingLine
from orders.models import Order, Quotation, StyleVersion
from production import aql
from production.models import Bundle, Carton, Inspection, WorkOrder

NUMBER = {"inputmode": "numeric"}


def _count(label="", *, required=False, initial=None, **attrs) -> forms.IntegerField:
    """A count of pieces: a whole number, zero or more, on a numeric keypad."""
    return QuantityFormField(
        label=label,
        min_value=0,
        required=required,
        initial=initial,
        error_messages={"min_value": _("Zero or more.")},
        widget=forms.NumberInput(attrs={"min": "0", **NUMBER, **attrs}),
    )


class NamedChoiceField(forms.ModelChoiceField):
    """A choice shown by the object's name (a line) or number (a work order)."""

    def label_from_instance(self, obj) -> str:
        return getattr(obj, "name", None) or str(obj)


# --- plan --------------------------------------------------------------------------------------
class ScheduleMoveForm(PageForm):
    line = NamedChoiceField(
        label=_("Line"), queryset=SewingLine.objects.filter(is_active=True), empty_label=None
    )
    start = forms.DateField(
        label=_("Start no earlier than"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    unpin = forms.BooleanField(required=False)
    confirm = forms.BooleanField(
        label=_("Move anyway, although it overloads the line"), required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)


# --- recording ---------------------------------------------------------------------------------
def _open_work_order_field() -> forms.ModelChoiceField:
    """The work order a typed bundle number belongs to (optional: a QR code says it)."""
    return NamedChoiceField(
        label=_("Work order"),
        queryset=WorkOrder.objects.exclude(
            status__in=[WorkOrder.Status.DONE, WorkOrder.Status.CANCELLED]
        ).order_by("number"),
        required=False,
        empty_label=_("— any open work order —"),
        error_messages={"invalid_choice": _("This work order is not open.")},
    )


class WorkOrderPick:
    """A form whose work order can be picked by one of the "which work order?" buttons shown
    under an ambiguous bundle number (`pick_work_order`): the pick is the form's work order."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("pick_work_order"):
            data = data.copy()
            data["work_order"] = data["pick_work_order"]
        super().__init__(data, *args, **kwargs)


class OperationRecordForm(WorkOrderPick, PageForm):
    """Bundle ticket, badge and operation as scanned or typed (the service resolves them in the
    factory, so another factory's ticket or badge is refused there). A typed bundle number is
    looked up in the chosen work order (production.services.bundle_resolve)."""

    work_order = _open_work_order_field()
    bundle = forms.CharField(
        label=_("Bundle ticket"),
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "inputmode": "text",
                "autocomplete": "off",
            }
        ),
    )
    badge = forms.CharField(
        label=_("Badge"),
        max_length=60,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-lg", "autocomplete": "off"}
        ),
    )
    operation = forms.CharField(label=_("Operation"), max_length=40)
    good_pieces = _count(_("Good pieces"), placeholder=_("whole bundle"))
    defective_pieces = _count(_("Defective"), initial=0)
    station = forms.CharField(
        label=_("Station"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("optional")}),
    )
    is_rework = forms.BooleanField(label=_("Rework"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. scanner broken, ticket torn")}),
    )
    service_fields = {"worker": "badge"}

    def __init__(self, *args, manual: bool, **kwargs):
        kwargs.setdefault("auto_id", "%s")  # the page's scanner script fills inputs by these ids
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = manual
        if not manual:
            # The scan page has no reason box: the service's "give a reason" (a supervisor
            # recording for another worker) is shown above the form instead of nowhere.
            self.errors_above = ("reason",)

    def clean(self):
        data = super().clean()
        data["worker"] = data.pop("badge", None)
        data["station"] = data.get("station") or None
        data["defective_pieces"] = data.get("defective_pieces") or 0
        return data


class VoidForm(PageForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class HoldForm(PageForm):
    """Hold or release one bundle or carton of a work order (its page's buttons)."""

    action = forms.ChoiceField(choices=[("hold", _("Hold")), ("release", _("Release"))])
    bundle = forms.ModelChoiceField(
        label=_("Bundle"), queryset=Bundle.objects.all(), required=False
    )
    carton = forms.ModelChoiceField(
        label=_("Carton"), queryset=Carton.objects.all(), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    service_fields = {"note": "reason"}

    def __init__(self, *args, work_order, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("bundle", "carton"):
            self.fields[name].queryset = self.fields[name].queryset.filter(work_order=work_order)

    def clean(self):
        data = super().clean()
        if bool(data.get("bundle")) == bool(data.get("carton")):
            raise forms.ValidationError(_("Choose one bundle or one carton."))
        return data


class LineBalanceForm(PageForm):
    line = NamedChoiceField(
        label=_("Line"),
        queryset=SewingLine.objects.filter(is_active=True),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select w-auto", "aria-label": _("Line")}),
    )
    rebalance = forms.BooleanField(required=False)
    hours = forms.IntegerField(min_value=1, max_value=24, required=False)

    def clean(self):
        data = super().clean()
        data["hours"] = data.get("hours") or 4
        return data


# --- quality -----------------------------------------------------------------------------------
class InspectionForm(WorkOrderPick, PageForm):
    """An inspection of a bundle (or a work order), with its defects by code."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=Inspection.Kind.choices, initial=Inspection.Kind.END_OF_LINE
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=Inspection.Result.choices, initial=Inspection.Result.PASS
    )
    work_order = _open_work_order_field()
    bundle = forms.CharField(label=_("Bundle ticket"), max_length=60, required=False)
    # Chosen from the bundle's routing, or typed as its code (the service resolves both).
    operation = forms.CharField(label=_("Operation"), max_length=40, required=False)
    badge = forms.CharField(
        label=_("Operator's badge (inline)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    checked_pieces = QuantityFormField(
        label=_("Checked"),
        min_value=None,
        widget=forms.NumberInput(attrs={"min": "1", **NUMBER}),
    )
    rejected_pieces = _count(pgettext_lazy("inspection", "Rejected pieces"), initial=0)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args, codes, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.codes = list(codes)
        for code in self.codes:
            self.fields[f"count_{code.code}"] = _count(_("Count"), style="width: 4.5rem")
            self.fields[f"rework_{code.code}"] = _count(_("To rework"), style="width: 4.5rem")
            self.fields[f"photo_{code.code}"] = forms.ImageField(
                label=_("Photo"),
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/*", "capture": "environment"}
                ),
            )
            for name in ("count", "rework", "photo"):
                field = self.fields[f"{name}_{code.code}"]
                field.widget.attrs["class"] = "form-control form-control-sm"
                field.widget.attrs["aria-label"] = f"{code.code} {code.display_name}: {field.label}"
        self.prepare_fields()

    def clean(self):
        data = super().clean()
        data["bundle"] = data.get("bundle") or None
        data["operation"] = data.get("operation") or None
        data["worker"] = data.pop("badge", None) or None
        data["rejected_pieces"] = data.get("rejected_pieces") or 0
        defects, fields = [], {"worker": "badge"}
        for code in self.codes:
            count = data.pop(f"count_{code.code}", None)
            rework = data.pop(f"rework_{code.code}", None)
            photo = data.pop(f"photo_{code.code}", None)
            if count:
                fields[f"defects.{len(defects)}.count"] = f"count_{code.code}"
                fields[f"defects.{len(defects)}.rework_pieces"] = f"rework_{code.code}"
                defects.append(
                    {
                        "code": code.code,
                        "count": count,
                        "rework_pieces": rework or 0,
                        "photo": photo,
                    }
                )
        data["defects"] = defects
        self.service_fields = fields
        return data

    def defect_rows(self):
        """(defect code, its count, rework and photo fields) for the page."""
        return [
            (
                code,
                self[f"count_{code.code}"],
                self[f"rework_{code.code}"],
                self[f"photo_{code.code}"],
            )
            for code in self.codes
        ]


class FinalAuditPlanForm(PageForm):
    """The look-up of a sampling plan (a GET form): lot size and the two AQLs."""

    lot_size = forms.IntegerField(min_value=2, required=False)
    aql_major = forms.ChoiceField(choices=[(a, a) for a in aql.AQLS], required=False)
    aql_minor = forms.ChoiceField(choices=[(a, a) for a in aql.AQLS], required=False)

    def chosen(self) -> dict:
        """What was looked up, valid and given."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class FinalAuditForm(PageForm):
    lot_size = forms.IntegerField(widget=forms.HiddenInput)
    aql_major = forms.CharField(max_length=8, widget=forms.HiddenInput)
    aql_minor = forms.CharField(max_length=8, widget=forms.HiddenInput)
    critical_found = _count(_("Critical"), required=True, initial=0)
    major_found = _count(_("Major"), required=True, initial=0)
    minor_found = _count(_("Minor"), required=True, initial=0)
    notes = forms.CharField(
        label=_("Notes"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Notes"), "aria-label": _("Notes")}),
    )


# --- packing -----------------------------------------------------------------------------------
class PackingStepForm(PageForm):
    step = forms.ChoiceField(
        choices=[("receive", _("Receive")), ("pack", _("Pack")), ("ship", _("Ship"))]
    )


class FinishedGoodsReceiveForm(PageForm):
    """Pieces of one colour × size received into the finished-goods store."""

    cell = forms.ChoiceField(
        label=_("Colour / size"), widget=forms.Select(attrs={"aria-label": _("Colour / size")})
    )
    quantity = QuantityFormField(
        label=_("Pieces"),
        min_value=None,
        widget=forms.NumberInput(
            attrs={"min": "1", "placeholder": _("Pieces"), "aria-label": _("Pieces"), **NUMBER}
        ),
    )
    service_fields = {"size": "cell", "colour": "cell"}

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].choices = [
            (f"{c['colour']}|{c['size']}", f"{c['colour']} / {c['size']}") for c in cells
        ]

    def clean(self):
        data = super().clean()
        cell = data.pop("cell", None)
        if cell:
            data["colour"], data["size"] = cell.split("|", 1)
        return data


class CartonPackForm(PageForm):
    """The pieces of each colour × size going into one carton."""

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = [(c["colour"], c["size"]) for c in cells]
        for colour, size in self.cells:
            self.fields[f"pack__{colour}__{size}"] = _count(
                f"{colour} / {size}", **{"aria-label": f"{colour} {size}"}
            )
        self.prepare_fields()

    def clean(self):
        data = super().clean()
        contents = {
            (colour, size): data[f"pack__{colour}__{size}"]
            for colour, size in self.cells
            if data.get(f"pack__{colour}__{size}")
        }
        self.service_fields = {f"{c}/{s}": f"pack__{c}__{s}" for c, s in self.cells}
        return {"contents": contents}

    def rows(self):
        """(colour / size, its field) for the page."""
        return [(f"{c} / {s}", self[f"pack__{c}__{s}"]) for c, s in self.cells]


class CartonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"#{obj.number}"


class ShipmentForm(PageForm):
    cartons = CartonChoiceField(
        label=_("Cartons"),
        queryset=Carton.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("Carrier"), "aria-label": _("Carrier")}),
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=60,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Tracking number"), "aria-label": _("Tracking number")}
        ),
    )

    def __init__(self, *args, work_order, **kwargs):
        super().__init__(*args, **kwargs)
        packed = Carton.objects.filter(work_order=work_order, shipment__isnull=True)
        self.fields["cartons"].queryset = packed.visible_to(self.organization).order_by("number")
        self.fields["cartons"].initial = [carton.pk for carton in self.fields["cartons"].queryset]

    def clean(self):
        data = super().clean()
        data["cartons"] = list(data.get("cartons") or [])
        return data


# --- doors at inventory's and orders' addresses ------------------------------------------------
class ReleaseForm(PageForm):
    work_order = NamedChoiceField(
        label=_("Work order"), queryset=WorkOrder.objects.filter(status=WorkOrder.Status.PLANNED)
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        data["override_reason"] = data.pop("reason", "")
        return data


class ConversionStartForm(PageForm):
    orders = forms.ModelMultipleChoiceField(
        queryset=Order.objects.filter(status=Order.Status.ACCEPTED), required=False
    )


class StyleVersionPickForm(PageForm):
    """Which released style the order grid is for (from the page's query or the posted grid)."""

    version = forms.ModelChoiceField(
        queryset=StyleVersion.objects.filter(status=StyleVersion.Status.RELEASED)
    )


class OrderGridForm(PageForm):
    """The order grid: one quantity a colour × size of the version, the delivery and price."""

    requested_date = forms.DateField(
        label=_("Delivery date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    unit_price = MoneyFormField(
        label=_("Unit price (yuan)"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    # An accepted quotation of this style prices the order (the service weighs its sizes).
    quotation = forms.ModelChoiceField(
        label=_("or the price of an accepted quotation"),
        queryset=Quotation.objects.none(),
        required=False,
    )
    ship_to = forms.CharField(
        label=_("Ship to"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, version, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.version = version
        # The merchant's own accepted quotations of this version (scoped here: the field's
        # queryset is set after PageForm scoped the fields).
        self.fields["quotation"].queryset = Quotation.objects.visible_to(self.organization).filter(
            version=version, status=Quotation.Status.ACCEPTED
        )
        self.cells = []
        for row, colour in enumerate(version.colours, start=1):
            for column, size in enumerate(version.sizes, start=1):
                name = f"q-{colour}-{size}"
                self.cells.append((colour, size, name))
                # A quantity is typed as a whole number; whether it may be negative, and the
                # order's minimum, are the service's to say.
                self.fields[name] = QuantityFormField(
                    label=size,
                    min_value=None,
                    required=False,
                    widget=forms.NumberInput(
                        attrs={"id": f"q-{row}-{column}", "min": "0", "step": "1", **NUMBER}
                    ),
                )
        self.prepare_fields()

    def clean(self):
        data = super().clean()
        quantities, fields = [], {}
        for colour, size, name in self.cells:
            if data.get(name) is not None:
                fields[f"quantities[{len(quantities)}]"] = name
                quantities.append({"colour": colour, "size": size, "quantity": data[name]})
        self.service_fields = fields
        return {
            "quantities": quantities,
            **{
                k: data.get(k)
                for k in ("requested_date", "unit_price", "ship_to", "notes", "quotation")
            },
        }

    def grid(self):
        """(colour, [its size fields]) for the page."""
        rows = {}
        for colour, _size, name in self.cells:
            rows.setdefault(colour, []).append(self[name])
        return list(rows.items())
