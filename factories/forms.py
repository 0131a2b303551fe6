"""Forms of the factories pages (the rules are the services')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm
from core.models import User
from core.roles import OrgKind, Role
from factories.models import CalendarDay, District, SewingLine, Shift, Station, Worker


class PartnershipInviteForm(PageForm):
    partner_code = forms.CharField(label=_("Merchant or supplier code"), max_length=40)


class PartnershipAnswerForm(PageForm):
    answer = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline")), ("end", _("End partnership"))]
    )


# --- Factory set-up ----------------------------------------------------------------------
# The fields come from the models (labels, lengths, choices); the rules stay the services'.
def _model_form(model, names, widgets=None) -> type[PageForm]:
    fields = forms.fields_for_model(model, fields=names, widgets=widgets or {})
    return type(f"{model.__name__}Fields", (PageForm,), dict(fields))


class LineForm(
    _model_form(
        SewingLine,
        ["code", "name", "is_hanging", "planned_headcount", "efficiency", "shift", "is_active"],
    )
):
    pass


class StationForm(_model_form(Station, ["line", "code", "position", "machine_type"])):
    pass


class WorkerForm(
    _model_form(
        Worker,
        [
            "employee_no",
            "badge_id",
            "name",
            "line",
            "department",
            "grade",
            "hired_on",
            "left_on",
            "bank_account",
            "is_active",
        ],
        widgets={
            "hired_on": forms.DateInput(attrs={"type": "date"}),
            "left_on": forms.DateInput(attrs={"type": "date"}),
        },
    )
):
    skills = forms.CharField(
        label=_("Machine types"),
        required=False,
        max_length=500,
        help_text=_("Comma-separated, e.g. lockstitch, overlock."),
    )

    def clean_skills(self):
        text = self.cleaned_data.get("skills") or ""
        return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


class ShiftForm(
    _model_form(
        Shift,
        ["code", "name", "starts_at", "ends_at", "break_minutes", "is_default"],
        widgets={
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        },
    )
):
    pass


class CalendarDayForm(PageForm):
    """The factory's own word on one date; no kind gives the date back to the calendar."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Follow the calendar"))] + list(CalendarDay.Kind.choices),
    )
    overtime_minutes = forms.IntegerField(
        label=_("Overtime minutes"), min_value=0, max_value=720, required=False, initial=0
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)


class WorkerLinkForm(PageForm):
    """Link a worker to a login that is already a worker member of the factory."""

    user = forms.ModelChoiceField(label=_("Login"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The factory's active worker members: the service checks it again.
        self.fields["user"].queryset = User.objects.filter(
            memberships__organization=self.organization,
            memberships__role=Role.WORKER,
            memberships__is_active=True,
        ).order_by("username")
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.username} {user.get_full_name()}".strip()
        )


class WorkerInviteForm(PageForm):
    """Invite the worker's login (by username or phone) with the worker role."""

    username = forms.CharField(label=_("Username or phone"), max_length=150)


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


class ClosureConfirmForm(PageForm):
    """The owner types the factory's code to confirm its closure (it cannot be undone after
    the grace period)."""

    code = forms.CharField(label=_("Type the factory's code to confirm"), max_length=40)

    def __init__(self, *args, factory_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.factory_code = factory_code

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if code != self.factory_code:
            raise forms.ValidationError(_("This is not the factory's code."))
        return code
