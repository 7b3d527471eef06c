from __future__ import annotations

import zoneinfo
from typing import Any, Unpack

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context as allauth_context
from django import forms
from django.db.models import QuerySet

from accounts.adapters import invitation_in_session
from accounts.models import Invitation
from core.forms import FormData, FormFiles, FormOptions
from network.forms import HospitalField, check_hospital_choice, hospital_not_listed_field
from network.models import Site, TrainingScheme
from people.models import TraineeProfile


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        max_length=200,
        label="Full name",
        help_text="As it should appear in author lists.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    hospital = HospitalField(required=False)
    hospital_not_listed = hospital_not_listed_field()
    scheme = forms.ModelChoiceField(
        queryset=TrainingScheme.objects.all(),
        required=False,
        label="Training scheme",
        empty_label="Not in a scheme, or not listed",
    )
    grade = forms.ChoiceField(
        label="Grade", choices=[("", "Choose your grade"), *TraineeProfile.Grade.choices]
    )
    field_order = [
        "full_name",
        "email",
        "password1",
        "password2",
        "hospital",
        "hospital_not_listed",
        "scheme",
        "grade",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invitation = self._invitation()
        if invitation is not None and not self.is_bound:
            self.initial["email"] = invitation.email
        if invitation is not None and invitation.role:
            # The invitation carries the role and its place: no hospital to choose, no queue.
            for name in ("hospital", "hospital_not_listed", "scheme", "grade"):
                del self.fields[name]

    def clean(self) -> dict[str, object]:
        data: dict[str, object] = super().clean() or {}
        if "hospital" in self.fields:
            check_hospital_choice(self, data)
        return data

    @staticmethod
    def _invitation() -> Invitation | None:
        # allauth builds this form without the request; its context holds the current one.
        request = allauth_context.request
        return invitation_in_session(request) if request is not None else None

    def clean_email(self) -> str:
        email: str = super().clean_email().lower()
        invitation = self._invitation()
        if invitation is not None and invitation.email != email:
            raise forms.ValidationError(
                f"This invitation was sent to {invitation.email}; sign up with that address."
            )
        return email

    def clean_full_name(self) -> str:
        name: str = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Enter your name.")
        return name


# Days a new API token lasts (0: until it is revoked).
TOKEN_LIFETIMES = [(30, "In 30 days"), (90, "In 90 days"), (365, "In a year"), (0, "Never")]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What will use it, e.g. “audit export script”.",
    )
    expires_in = forms.TypedChoiceField(
        label="Expires",
        choices=TOKEN_LIFETIMES,
        coerce=int,
        initial=90,
        required=False,
        empty_value=90,  # type: ignore[arg-type]  # an int: the field coerces to int
        help_text="After this the token stops working; choose the shortest that will do.",
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To confirm that it is you.",
    )


def time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    # The version the form was drawn from: a save from an older one is an edit conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    full_name = forms.CharField(max_length=200, label="Full name")
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, label="Time zone", help_text="Deadlines are shown in this zone."
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(label="Role", required=False)
    site: forms.ModelChoiceField[Site] = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, label="Site"
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        roles: list[tuple[str, str]],
        sites: QuerySet[Site],
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [("", "No role yet"), *roles]
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ModelChoiceField)
        site_field.queryset = sites
