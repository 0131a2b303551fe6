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
