"""Forms of the devices pages: shapes and types only (the registry's rules are the services')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm
from devices.models import DeviceKind, Protocol
from factories.models import Station, Worker


def _text(placeholder, **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"placeholder": placeholder, **attrs})


class DeviceRegisterForm(PageForm):
    """One device; the station and the operator are typed as codes and must be the factory's."""

    code = forms.CharField(label=_("Code"), max_length=40, widget=_text(_("Code")))
    name = forms.CharField(label=_("Name"), max_length=100, required=False, widget=_text(_("Name")))
    kind = forms.ChoiceField(label=_("Kind"), choices=DeviceKind.choices)
    protocol = forms.ChoiceField(label=_("Protocol"), choices=Protocol.choices)
    vendor = forms.CharField(
        label=_("Vendor"), max_length=60, required=False, widget=_text(_("Vendor"))
    )
    model = forms.CharField(
        label=_("Model"), max_length=60, required=False, widget=_text(_("Model"))
    )
    station = forms.ModelChoiceField(
        label=_("Station code"),
        queryset=Station.objects.all(),
        to_field_name="code",
        required=False,
        widget=_text(_("Station code")),
        error_messages={"invalid_choice": _("No station of this factory has this code.")},
    )
    operator = forms.ModelChoiceField(
        label=_("Operator employee no."),
        queryset=Worker.objects.all(),
        to_field_name="employee_no",
        required=False,
        widget=_text(_("Operator employee no.")),
        error_messages={"invalid_choice": _("No worker of this factory has this number.")},
    )
    modbus_host = forms.CharField(
        label=_("Modbus host"),
        max_length=100,
        required=False,
        widget=_text(_("Modbus host (Modbus devices)")),
    )


class AlarmActionForm(PageForm):
    action = forms.ChoiceField(
        choices=[("acknowledge", _("Acknowledge")), ("clear", _("Clear"))],
    )


class RegisterMapForm(PageForm):
    """The vendor and model a register map is for (its registers are RegisterEntryForm rows)."""

    vendor = forms.CharField(label=_("Vendor"), max_length=60)
    model_name = forms.CharField(label=_("Model"), max_length=60)


class RegisterEntryForm(PageForm):
    """One register of a map. A row left blank is no register; the rules (a metric name, an
    address, a known type) are devices.services.register_map_checked's."""

    metric = forms.CharField(label=_("Metric"), max_length=60, required=False)
    address = forms.IntegerField(
        label=_("Address"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        initial="uint16",
        choices=[(name, name) for name in ("uint16", "int16", "uint32", "int32", "float32")],
    )
    scale = forms.FloatField(
        label=_("Scale"),
        required=False,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    table = forms.ChoiceField(
        label=_("Table"),
        required=False,
        initial="holding",
        choices=[("holding", _("Holding registers")), ("input", _("Input registers"))],
    )

    def entry(self) -> dict | None:
        """The register this row gives to the service, or None for a blank row."""
        data = self.cleaned_data
        if not data.get("metric") and data.get("address") is None:
            return None
        return {key: value for key, value in data.items() if value not in (None, "")}


RegisterEntryFormSet = forms.formset_factory(RegisterEntryForm, extra=3)
