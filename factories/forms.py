"""Forms of the factories pages (the rules are the services')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm
from core.roles import OrgKind
from factories.models import District


class PartnershipInviteForm(PageForm):
    partner_code = forms.CharField(label=_("Merchant or supplier code"), max_length=40)


class PartnershipAnswerForm(PageForm):
    answer = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline")), ("end", _("End partnership"))]
    )


class TenantProvisionForm(PageForm):
    """The platform console's new tenant: the organization, its profile, its first owner."""

    kind = forms.ChoiceField(label=_("Kind"))
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Lower-case letters, digits and dashes; unique on the platform."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    district = forms.ModelChoiceField(
        label=_("District (factories)"), queryset=None, required=False
    )
    time_zone = forms.CharField(
        label=_("Time zone (factories)"), max_length=64, initial="Asia/Shanghai", required=False
    )
    city = forms.CharField(label=_("City (districts)"), max_length=100, required=False)
    province = forms.CharField(label=_("Province (districts)"), max_length=100, required=False)
    owner_username = forms.CharField(
        label=_("First owner's username or mobile number"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to let whoever receives the link choose one."),
    )
    owner_phone = forms.CharField(label=_("Send the link to phone"), max_length=40, required=False)
    owner_email = forms.CharField(label=_("Send the link to email"), max_length=254, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = OrgKind.choices
        # Every district is a choice: the console is the platform's, not a tenant's page.
        self.fields["district"].queryset = District.objects.filter(
            organization__is_active=True
        ).select_related("organization")


class TenantActiveForm(PageForm):
    """The console's deactivate / reactivate button."""

    active = forms.TypedChoiceField(
        choices=[("1", _("Reactivate")), ("0", _("Deactivate"))], coerce=lambda value: value == "1"
    )


class OwnerInviteForm(PageForm):
    """A new link for a tenant's owner role, named or open."""

    username = forms.CharField(max_length=150, required=False)
    phone = forms.CharField(max_length=40, required=False)
    email = forms.CharField(max_length=254, required=False)
