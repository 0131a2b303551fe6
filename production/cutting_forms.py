"""Forms of the cutting-room pages: which step was posted, the spread (a row per roll), the cut
(a field per size) and a re-cut. They shape the input; production's services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm
from production.models import Bundle, Lay

SPREAD_ROWS = 6
NUMBER = {"inputmode": "numeric"}
DECIMAL = {"inputmode": "decimal"}
ROLL_FIELDS = {  # form field prefix → (service key, placeholder, extra widget attributes)
    "lot": ("lot", _("Roll (scan or type)"), {"autocomplete": "off"}),
    "plies": ("plies", _("Plies"), NUMBER),
    "length": ("length_m", _("Metres"), DECIMAL),
    "end_bits": ("end_bits_m", _("End bits m"), DECIMAL),
    "shade": ("shade_group", _("Shade"), {}),
}


class LayStepForm(PageForm):
    step = forms.ChoiceField(
        choices=[("spread", _("Spread")), ("cut", _("Cut")), ("recut", _("Re-cut"))]
    )


class LaySpreadForm(PageForm):
    """Up to SPREAD_ROWS rolls; a row without a roll is left out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(SPREAD_ROWS):
            for prefix, (_key, placeholder, attrs) in ROLL_FIELDS.items():
                self.fields[f"{prefix}_{index}"] = forms.CharField(
                    required=False,
                    max_length=60,
                    widget=forms.TextInput(
                        attrs={"placeholder": placeholder, "aria-label": placeholder, **attrs}
                    ),
                )
        self.prepare_fields()

    def clean(self):
        data = super().clean()
        rolls, self.service_fields = [], {}
        for index in range(SPREAD_ROWS):
            if not (data.get(f"lot_{index}") or "").strip():
                continue
            roll = {key: data.get(f"{p}_{index}") or "" for p, (key, _t, _a) in ROLL_FIELDS.items()}
            roll["end_bits_m"] = roll["end_bits_m"] or "0"
            for prefix, (key, _t, _a) in ROLL_FIELDS.items():
                self.service_fields[f"rolls[{len(rolls)}].{key}"] = f"{prefix}_{index}"
            rolls.append(roll)
        return {"rolls": rolls}

    def rows(self):
        """Per roll row: its fields in ROLL_FIELDS order, for the page."""
        return [
            [self[f"{prefix}_{index}"] for prefix in ROLL_FIELDS] for index in range(SPREAD_ROWS)
        ]


class LayCutForm(PageForm):
    """The garments actually cut, one field per size on the lay's marker."""

    def __init__(self, *args, lay: Lay, **kwargs):
        super().__init__(*args, **kwargs)
        self.sizes = list(lay.planned_sizes())
        for size in self.sizes:
            self.fields[f"cut_{size}"] = forms.IntegerField(
                label=size,
                min_value=0,
                widget=forms.NumberInput(attrs={"min": "0", "aria-label": size, **NUMBER}),
            )
        self.prepare_fields()

    def clean(self):
        data = super().clean()
        self.service_fields = {f"cut.{size}": f"cut_{size}" for size in self.sizes}
        return {"cut": {size: data.get(f"cut_{size}") for size in self.sizes}}

    def rows(self):
        return [(size, self[f"cut_{size}"]) for size in self.sizes]


class RecutForm(PageForm):
    """Panels re-cut for a bundle of the lay, optionally from a roll (with its metres)."""

    bundle = forms.ModelChoiceField(queryset=Bundle.objects.none(), label=_("Bundle"))
    pieces = forms.IntegerField(
        label=_("Pieces"),
        min_value=1,
        widget=forms.NumberInput(attrs={"placeholder": _("Pieces"), **NUMBER}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Reason (defect)")}),
    )
    lot = forms.CharField(
        label=_("Roll"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("Roll (optional)")}),
    )
    length_m = forms.DecimalField(
        label=_("Metres"),
        required=False,
        min_value=0,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"placeholder": _("Metres"), "step": "0.01", **DECIMAL}),
    )

    def __init__(self, *args, lay: Lay, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundle"].queryset = Bundle.objects.filter(
            factory_id=lay.factory_id, lay=lay
        ).order_by("number")
        self.fields["bundle"].label_from_instance = lambda b: f"{b.number:04d} {b.size}"
        self.prepare_fields()
