from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from accounts.models import User
from network.models import Region, Role, Site


class MembershipGrantForm(forms.Form):
    email = forms.EmailField(label="Person's email", help_text="They must already have an account.")
    role = forms.ChoiceField(label="Role")
    reason = forms.CharField(label="Reason", max_length=500, required=False)

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in roles]

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].lower()
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(f"No account uses {email}. Send an invitation instead.")
        return person


class MembershipEndForm(forms.Form):
    reason = forms.CharField(
        label="Why does this role end?", max_length=500, widget=forms.TextInput()
    )


class SiteForm(forms.Form):
    name = forms.CharField(max_length=200)
    short_name = forms.CharField(max_length=40, required=False)
    kind = forms.ChoiceField(choices=Site.Kind.choices)
    region = forms.ModelChoiceField(queryset=Region.objects.all())
    city = forms.CharField(max_length=100, required=False)
    latitude = forms.DecimalField(max_digits=8, decimal_places=5, min_value=-90, max_value=90)
    longitude = forms.DecimalField(max_digits=8, decimal_places=5, min_value=-180, max_value=180)


class SiteFilterForm(forms.Form):
    q = forms.CharField(label="Search sites", required=False)
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), required=False, empty_label="All regions"
    )

    def apply(self, sites: QuerySet[Site]) -> QuerySet[Site]:
        if not self.is_valid():
            return sites
        if query := self.cleaned_data["q"]:
            sites = sites.filter(Q(name__icontains=query) | Q(city__icontains=query))
        if region := self.cleaned_data["region"]:
            sites = sites.filter(region=region)
        return sites
