"""Forms of the orders pages: shapes and types only (the rules are the services')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm
from orders.webhooks import validate_webhook_url


class UploadForm(PageForm):
    """One spreadsheet to import; the importer reports its rows' errors above the form."""

    file = forms.FileField(label=_("File"))

    def __init__(self, *args, accept: str = ".csv,.xlsx", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = accept


class OrderActionForm(PageForm):
    errors_above = ("action",)

    action = forms.ChoiceField(
        choices=[
            ("place", _("Place")),
            ("accept", _("Accept")),
            ("reject", _("Reject")),
            ("cancel", _("Cancel order")),
            ("deliver", _("Confirm delivery")),
        ]
    )
    reason = forms.CharField(
        label=_("Reason (to reject or cancel)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class VersionActionForm(PageForm):
    action = forms.ChoiceField(
        choices=[("release", _("Release (freeze)")), ("revise", _("Make a new version"))]
    )


class WebhookEndpointForm(PageForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        validators=[validate_webhook_url],
        widget=forms.URLInput(attrs={"placeholder": "https://shop.example.com/hooks/seamline"}),
    )


class QuotationForm(PageForm):
    """A quotation from the pre-cost: a margin % or a target price (the service checks which)."""

    merchant = forms.ChoiceField(label=_("Merchant"))
    margin_pct = forms.DecimalField(
        label=_("Margin % (of the price)"), max_digits=7, decimal_places=2, required=False
    )
    target_price = forms.DecimalField(
        label=_("or target price (yuan)"), max_digits=12, decimal_places=2, required=False
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(label=_("Notes"), max_length=1000, required=False)

    def __init__(self, *args, merchants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].choices = [(m.code, m.name) for m in merchants]


class QuotationActionForm(PageForm):
    errors_above = ("action",)

    action = forms.ChoiceField(
        choices=[("send", _("Send")), ("accept", _("Accept")), ("decline", _("Decline"))]
    )
    reason = forms.CharField(
        label=_("Reason (to decline)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
