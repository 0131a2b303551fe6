"""Forms of the shell pages, and the kit every HTML page's form is built on.

`PageForm` / `PageModelForm`: Bootstrap widgets, a field with errors is marked `is-invalid`
and renders its messages as `invalid-feedback` next to it (`{{ form.x.as_field_group }}` or
`core/forms/feedback.html`), and every model choice is narrowed to what the acting
organization may see (`visible_to`, fails closed), so another tenant's id is "not a valid
choice". `apply_domain_error(form, error)` puts a service's refusal back onto the form."""

from collections.abc import Iterable, Mapping
from contextlib import suppress

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.models import ApiToken, User
from core.roles import ROLES_BY_KIND, Role
from core.services import china_mobile_normalize

FIELD_TEMPLATE = "core/forms/field.html"
NON_FIELD_KEYS = {None, "__all__", "non_field_errors"}


class BootstrapBoundField(BoundField):
    """Adds `is-invalid` to the widget of a field that has errors (kept with its own class)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            widget = widget or self.field.widget
            own = attrs.get("class") or widget.attrs.get("class", "")
            attrs["class"] = f"{own} is-invalid".strip()
        return attrs


def _bootstrap_class(widget: forms.Widget) -> str | None:
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return None
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class PageFormMixin:
    """Bootstrap rendering with field errors, and model choices scoped to the organization."""

    bound_field_class = BootstrapBoundField

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.prepare_fields()

    def prepare_fields(self) -> None:
        """Style and scope the fields; a form that adds fields in its __init__ calls it again."""
        for field in self.fields.values():
            field.template_name = field.template_name or FIELD_TEMPLATE
            css = _bootstrap_class(field.widget)
            if css and "class" not in field.widget.attrs:
                field.widget.attrs["class"] = css
            scoped = getattr(field, "scoped_to_organization", False)
            if isinstance(field, forms.ModelChoiceField) and not scoped:
                queryset = field.queryset
                # Every tenant model's queryset has visible_to; the few global ones (users) don't.
                if hasattr(queryset, "visible_to"):
                    field.queryset = queryset.visible_to(self.organization)
                field.scoped_to_organization = True

    # How a service's error keys name this form's fields where they differ (an argument
    # `worker` typed as `badge`, an entry `lines[0].quantity` typed as `quantity_12`);
    # apply_domain_error follows it. A form that builds a service's lists fills it in clean().
    service_fields: dict[str, str] = {}

    # Fields drawn without a place of their own (an action chosen by its button): their errors
    # are shown above the form, as hidden fields' are.
    errors_above = ()

    @property
    def top_errors(self) -> list[str]:
        """What is shown above the form: errors of no field, of hidden fields and of the fields
        named in `errors_above`."""
        unplaced = [
            f"{field.label}: {error}" if field.label else str(error)
            for field in self
            if field.is_hidden or field.name in self.errors_above
            for error in field.errors
        ]
        return [*self.non_field_errors(), *unplaced]


class PageForm(PageFormMixin, forms.Form):
    """A form of an HTML page (see the module docstring)."""


class PageModelForm(PageFormMixin, forms.ModelForm):
    """A model form of an HTML page (see the module docstring)."""


def _texts(messages) -> Iterable[str]:
    if isinstance(messages, Mapping):
        for key, inner in messages.items():
            for text in _texts(inner):
                yield f"{key}: {text}"
    elif isinstance(messages, list | tuple):
        for inner in messages:
            yield from _texts(inner)
    else:
        yield str(messages)


def apply_domain_error(
    form: forms.BaseForm, error: DomainError, *, fields: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the form it came from: each field error next to its field
    (`fields`, with the form's own `service_fields`, maps a service's error key to the form's
    field name where they differ); above the form, the message (unless a field already says
    the same) and any error of no field of this form."""
    fields = {**getattr(form, "service_fields", {}), **(fields or {})}
    message = str(error.message)
    above, at_fields = [], set()
    for key, texts in error.errors.items():
        name = fields.get(key, key)
        for text in _texts(texts):
            if name in form.fields:
                form.add_error(name, text)
                at_fields.add(text)
            elif name in NON_FIELD_KEYS:
                above.append(text)
            elif text != message:
                above.append(f"{key}: {text}")
    for text in ([] if message in at_fields else [message]) + above:
        form.add_error(None, text)


def submit_form(request, form: forms.BaseForm, call, success) -> bool:
    """The page's write: when the form is valid, `call(form.cleaned_data)` (a service call);
    done, `success` (a text, or a function of what the call returned) is flashed and True
    returned for the view to redirect. A refusal goes back onto the form (apply_domain_error)
    and False is returned for the view to show the page again with the input kept. An unbound
    form (another form of the page was sent) does nothing."""
    if not form.is_valid():
        return False
    try:
        result = call(form.cleaned_data)
    except DomainError as error:
        apply_domain_error(form, error)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def errors_text(form: forms.BaseForm) -> str:
    """A refused form's errors on one line, for a one-button action that answers with a
    message rather than the page (a row of a list)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        parts += [f"{label}: {e}" if label else str(e) for e in errors]
    return " ".join(parts)


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or phone"),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "class": "form-control form-control-lg",
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control form-control-lg"}
        ),
    )

    def clean_username(self):
        # A mobile number is stored as its 11 digits (core.services.username_normalize): one
        # typed with spaces, dashes or +86 signs in too.
        username = self.cleaned_data["username"]
        with suppress(ValidationError):
            return china_mobile_normalize(username) or username
        return username


class ApiTokenForm(PageForm):
    name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ApiToken.Scope.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}),
    )


class ProfileForm(PageModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "language"]
        widgets = {
            "first_name": forms.TextInput(attrs={"class": "form-control"}),
            "last_name": forms.TextInput(attrs={"class": "form-control"}),
            "phone": forms.TextInput(attrs={"class": "form-control"}),
            "language": forms.Select(attrs={"class": "form-select"}),
        }


class LanguageForm(PageForm):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class OrganizationSwitchForm(PageForm):
    organization = forms.IntegerField(min_value=1)


class MembershipAddForm(PageForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(self.organization)


class InvitationAnswerForm(PageForm):
    """The invited person's answer to one invitation."""

    invitation = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class MembershipChangeForm(PageForm):
    action = forms.ChoiceField(
        choices=[("role", _("Save")), ("deactivate", _("Remove"))], initial="role"
    )
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(self.organization)

    def clean(self):
        data = super().clean()
        if data.get("action") == "role" and not data.get("role"):
            self.add_error("role", _("Choose a role."))
        return data


def role_choices(organization) -> list[tuple[str, str]]:
    """The roles offered to an organization of this kind (the service checks them again)."""
    kinds = ROLES_BY_KIND.get(getattr(organization, "kind", None), ())
    return [(role, Role(role).label) for role in sorted(kinds)]


class JoinForm(PageForm):
    """A brand-new person's login, made as they accept an invitation link. The invitation's
    own username, when it names one, is shown and not editable."""

    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        required=False,
        help_text=_("A mainland China mobile number (e.g. 13812345678) or a username."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)
    service_fields = {"password": "password1"}

    def __init__(self, *args, invitation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if invitation is not None and invitation.username:
            self.fields["username"].initial = invitation.username
            self.fields["username"].disabled = True
            self.fields["username"].help_text = _("The invitation is for this username.")

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", _("The two passwords differ."))
        return data
