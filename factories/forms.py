"""Forms of the factories pages (the rules are the services')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm


class PartnershipInviteForm(PageForm):
    partner_code = forms.CharField(label=_("Merchant or supplier code"), max_length=40)


class PartnershipAnswerForm(PageForm):
    answer = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline")), ("end", _("End partnership"))]
    )
