"""Forms of the inventory pages: types and shapes only (the rules are the services'). The
warehouse pages are used on phones, so quantities are text inputs with a decimal keypad."""

from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm
from core.limits import MeasureFormField
from inventory.models import Bin, Material, PurchaseOrderLine, PurchaseSuggestion
from inventory.services.catalogue import MATERIAL_FIELDS

GRADES = "1234"


def quantity_field(label="", **kwargs) -> forms.DecimalField:
    """Metres, kilograms, pieces: three decimals, typed on a phone's decimal keypad."""
    attrs = kwargs.pop("attrs", {})
    return MeasureFormField(
        label=label,
        widget=forms.TextInput(attrs={"inputmode": "decimal", **attrs}),
        **kwargs,
    )


class FabricInspectionForm(PageForm):
    """A four-point inspection of a roll: metres, usable width and defects by grade."""

    inspected_metres = quantity_field(_("Metres inspected"))
    width_cm = forms.DecimalField(
        label=_("Usable width (cm)"),
        max_digits=6,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    defects_1 = forms.IntegerField(
        min_value=0, required=False, initial=0, error_messages={"min_value": _("Zero or more.")}
    )
    defects_2 = forms.IntegerField(
        min_value=0, required=False, initial=0, error_messages={"min_value": _("Zero or more.")}
    )
    defects_3 = forms.IntegerField(
        min_value=0, required=False, initial=0, error_messages={"min_value": _("Zero or more.")}
    )
    defects_4 = forms.IntegerField(
        min_value=0, required=False, initial=0, error_messages={"min_value": _("Zero or more.")}
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Note")}),
    )
    service_fields = {f"defects.{g}": f"defects_{g}" for g in GRADES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for grade in GRADES:
            field = self.fields[f"defects_{grade}"]
            field.label = gettext("%(g)s-pt") % {"g": grade}
            field.widget.attrs["inputmode"] = "numeric"

    def clean(self):
        data = super().clean()
        data["defects"] = {g: data.pop(f"defects_{g}", None) or 0 for g in GRADES}
        return data

    def defect_fields(self):
        return [self[f"defects_{g}"] for g in GRADES]


class PurchaseOrderActionForm(PageForm):
    action = forms.ChoiceField(
        choices=[
            ("confirm", _("Confirm quantities and ship dates")),
            ("send", _("Send to supplier")),
            ("cancel", _("Cancel order")),
            ("receive", _("Receive")),
        ]
    )


def _plain(number: Decimal) -> Decimal:
    """A quantity as a number box shows it: 200.000 → 200 (not normalize()'s 2E+2, which the
    box would show as such), 1.500 → 1.5."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal.as_tuple().exponent > 0 else normal


class PurchaseOrderConfirmForm(PageForm):
    """The quantity and ship date of every line of a purchase order, one pair of fields a line."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            quantity = line.quantity if line.confirmed_quantity is None else line.confirmed_quantity
            self.fields[f"quantity_{line.pk}"] = quantity_field(
                _("Quantity"), initial=_plain(quantity)
            )
            self.fields[f"ship_date_{line.pk}"] = forms.DateField(
                label=_("Ship date"),
                initial=line.confirmed_ship_date or line.need_date,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        self.prepare_fields()
        self.service_fields = {
            f"lines[{i}].{name}": f"{name}_{line.pk}"
            for i, line in enumerate(self.lines)
            for name in ("quantity", "ship_date")
        }

    def clean(self):
        data = super().clean()
        data["lines"] = [
            {
                "line": line.pk,
                "quantity": data.get(f"quantity_{line.pk}"),
                "ship_date": data.get(f"ship_date_{line.pk}"),
            }
            for line in self.lines
        ]
        return {"lines": data["lines"]}

    def rows(self):
        """(line, its quantity field, its ship-date field) for the page."""
        return [
            (line, self[f"quantity_{line.pk}"], self[f"ship_date_{line.pk}"]) for line in self.lines
        ]


class LineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.material.code


class BinChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.code


class ReceiveForm(PageForm):
    """One roll or batch received against an open line of the order, into a bin."""

    line = LineChoiceField(
        label=_("Line"), queryset=PurchaseOrderLine.objects.none(), empty_label=None
    )
    code = forms.CharField(
        label=_("Roll or batch number"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("Roll or batch number")}),
    )
    dye_lot = forms.CharField(
        label=_("Dye lot"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Dye lot")}),
    )
    colour = forms.CharField(
        label=_("Colour"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Colour (if the fabric comes in several)")}),
    )
    quantity = quantity_field(_("Quantity"), attrs={"placeholder": _("Quantity")})
    bin = BinChoiceField(
        label=_("Bin"),
        queryset=Bin.objects.filter(is_active=True).order_by("code"),
        empty_label=None,
    )
    close = forms.BooleanField(label=_("Last delivery: close the line"), required=False)
    service_fields = {
        "lots": "code",
        "lots[0].code": "code",
        "lots[0].quantity": "quantity",
        "lots[0].dye_lot": "dye_lot",
    }

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        lines = order.lines.filter(is_closed=False).select_related("material")
        self.fields["line"].queryset = lines.visible_to(self.organization)

    def clean(self):
        data = super().clean()
        lot = {name: data.pop(name, None) for name in ("code", "quantity", "dye_lot", "colour")}
        data["lots"] = [lot]
        return data


class SuggestionsOrderForm(PageForm):
    suggestion = forms.ModelMultipleChoiceField(
        queryset=PurchaseSuggestion.objects.select_related("supplier", "material"),
        required=False,  # none chosen: the service says so
    )


class CycleCountStartForm(PageForm):
    barcode = forms.CharField(
        label=_("Bin"),
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "placeholder": "BIN:A-01",
                "autofocus": True,
            }
        ),
    )


class CycleCountActionForm(PageForm):
    action = forms.ChoiceField(
        choices=[
            ("record", _("Save counts")),
            ("submit", _("Submit")),
            ("approve", _("Approve and adjust")),
            ("reject", _("Reject (recount)")),
        ]
    )


class CycleCountForm(PageForm):
    """The counted quantity of each lot the ledger expects in the bin, and one more lot found."""

    scan_lot = forms.CharField(
        label=_("Another lot found here"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Another lot found here")}),
    )
    scan_quantity = quantity_field(
        _("Quantity"), required=False, attrs={"placeholder": _("Quantity")}
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            counted = line.counted_quantity
            self.fields[f"lot_{line.lot.code}"] = quantity_field(
                _("Counted"),
                required=False,
                initial=None if counted is None else _plain(counted),
                attrs={
                    "style": "max-width:8rem",
                    "aria-label": format_lazy("{} {}", _("Counted"), line.lot.code),
                },
            )
        self.prepare_fields()

    def clean(self):
        data = super().clean()
        entries, fields = [], {}
        for line in self.lines:
            name = f"lot_{line.lot.code}"
            if data.get(name) is not None:
                fields[f"entries[{len(entries)}].quantity"] = name
                entries.append({"lot": line.lot.code, "quantity": data[name]})
        if data.get("scan_lot"):
            fields[f"entries[{len(entries)}].quantity"] = "scan_quantity"
            fields[f"entries[{len(entries)}].lot"] = "scan_lot"
            entries.append({"lot": data["scan_lot"], "quantity": data.get("scan_quantity")})
        self.service_fields = {"lot": "scan_lot", **fields}
        return {"entries": entries}

    def rows(self):
        """(line, its counted field) for the page."""
        return [(line, self[f"lot_{line.lot.code}"]) for line in self.lines]


# --- set-up: materials, suppliers and their offers -----------------------------------------
class MaterialForm(PageForm):
    """A material's description, as the model defines its fields (the rules are
    inventory.services.material_create / material_update). On an edit the code is shown but
    fixed: BOM lines name the material by it."""

    DECIMALS = ("width_cm", "shrinkage_pct", "weight_gsm")

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Material, fields=MATERIAL_FIELDS))
        for name in self.DECIMALS:
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        if editing:
            self.fields["code"].disabled = True
        self.prepare_fields()


class SupplierAddForm(PageForm):
    """A supplier already on the platform, by its organization code: it is invited and, once it
    accepts, sees and confirms the factory's purchase orders in its portal."""

    code = forms.CharField(
        label=_("Supplier code"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("Supplier code"), "autocomplete": "off"}),
    )
    service_fields = {"partner_code": "code"}


class OfferForm(PageForm):
    """A supplier's offer of a material: price, minimum order and lead time. A new offer names
    its material; an edited one keeps it (a new material is a new offer)."""

    material = forms.ModelChoiceField(
        label=_("Material"),
        queryset=Material.objects.filter(is_active=True).order_by("code"),
        error_messages={"invalid_choice": _("No material of this factory is this one.")},
    )
    article_no = forms.CharField(
        label=_("Supplier's article number"), max_length=60, required=False
    )
    unit_price = forms.DecimalField(
        label=_("Unit price (yuan)"),
        max_digits=14,
        decimal_places=4,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    minimum_quantity = quantity_field(_("Minimum order quantity"), required=False)
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"),
        min_value=0,
        max_value=365,
        initial=7,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    is_preferred = forms.BooleanField(label=_("Preferred"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["material"]

    def clean_minimum_quantity(self):
        value = self.cleaned_data.get("minimum_quantity")
        return Decimal("0") if value is None else value


class OfferActionForm(PageForm):
    action = forms.ChoiceField(choices=[("save", _("Save")), ("remove", _("Remove"))])
