from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Unpack

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from core.forms import FormData, FormFiles, FormOptions
from network.access import REQUESTABLE
from network.models import Region, Role, Site

if TYPE_CHECKING:  # the user model is reached through get_user_model() at run time
    from core.types import User


class MembershipGrantForm(forms.Form):
    email = forms.EmailField(label="Person's email", help_text="They must already have an account.")
    role = forms.ChoiceField(label="Role")
    reason = forms.CharField(label="Reason", max_length=500, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        roles: list[Role],
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in roles]

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].lower()
        person = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
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


class SiteSearchInput(forms.TextInput):
    """A text box with the network's sites as a searchable list (a `<datalist>`): type a
    few letters of the hospital or its town and pick it; no script needed."""

    template_name = "network/widgets/site_search.html"

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def get_context(
        self, name: str, value: object, attrs: dict[str, object] | None
    ) -> dict[str, object]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("list", f"{context['widget']['attrs']['id']}-list")
        context["widget"]["sites"] = Site.objects.select_related("region").only(
            "name", "city", "region__name"
        )
        return context


class HospitalField(forms.CharField):
    """A site of the network chosen by its name (or short name); None when left empty."""

    widget = SiteSearchInput

    def __init__(
        self,
        *,
        required: bool = True,
        label: str = "Your hospital",
        help_text: str = "Type a few letters of its name or town, then pick it.",
        max_length: int = 200,
    ) -> None:
        super().__init__(required=required, label=label, help_text=help_text, max_length=max_length)

    def clean(self, value: object) -> Site | None:
        text = super().clean(value)
        if not text:
            return None
        site = Site.objects.filter(Q(name__iexact=text) | Q(short_name__iexact=text)).first()
        if site is None:
            raise forms.ValidationError(
                f"“{text}” is not one of the network's hospitals: pick one from the list, "
                "or name yours under “My hospital is not listed”."
            )
        return site


def hospital_not_listed_field() -> forms.CharField:
    return forms.CharField(
        label="My hospital is not listed",
        required=False,
        max_length=300,
        help_text="Its name and town: the committee adds it and lets you in.",
    )


class JoinForm(forms.Form):
    """Join the network: your hospital from the list, or one that is not listed yet."""

    hospital = HospitalField(required=False)
    hospital_not_listed = hospital_not_listed_field()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        check_hospital_choice(self, data)
        return data


def check_hospital_choice(form: forms.Form, data: Mapping[str, object]) -> None:
    """One of the two, never neither nor both; the message on the field to change."""
    if "hospital" not in data:
        return  # the field's own error (an unknown hospital) is already shown
    not_listed = data.get("hospital_not_listed")
    named = not_listed.strip() if isinstance(not_listed, str) else ""
    if data["hospital"] is None and not named:
        form.add_error(
            "hospital", "Choose your hospital from the list, or name it if it is not listed."
        )
    elif data["hospital"] is not None and named:
        form.add_error(
            "hospital_not_listed", "Choose a hospital from the list or name one, not both."
        )


class RequestDecisionForm(forms.Form):
    """A site lead's or the committee's answer to a request."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    reason = forms.CharField(
        label="Reason (sent to the person when you decline)", max_length=1000, required=False
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.all(),
        required=False,
        label="Site they join",
        help_text="For a hospital that was not listed: add it first, then choose it here.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why: the person is emailed your reason.")
        return data


class RoleRequestForm(forms.Form):
    role = forms.ChoiceField(label="Role you ask for")
    site = forms.ModelChoiceField(
        queryset=Site.objects.all(),
        required=False,
        label="At which site",
        help_text="Needed for mentor and site lead; statisticians work network-wide.",
        error_messages={"invalid_choice": "That site is not in the network: choose one listed."},
    )
    reason = forms.CharField(
        label="Why you ask",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The committee reads it to decide, e.g. your post and research experience.",
        error_messages={"required": "Say why you ask for this role: the committee reads it."},
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in REQUESTABLE]
