"""Forms of the dashboards pages (the rules are the services')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm


class ProfileLinkForm(PageForm):
    """Share the factory's data profile with a lender or a customer for a number of days."""

    recipient = forms.CharField(label=_("Shared with"), max_length=200)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=30)
