"""Forms of collaborative credit: they read every field; the services check the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone

from accounts.models import User
from core.forms import MonthInput
from core.paging import page_number_field
from credit import core
from credit.models import AuthorList, PortfolioTrainee
from network.models import Membership, Site

if TYPE_CHECKING:
    from projects.models import Project


class RulesForm(forms.Form):
    consortium_name = forms.CharField(
        label="Consortium name (the group author)", max_length=200, strip=True
    )
    min_complete_records = forms.IntegerField(
        label="At least this many complete records",
        required=False,
        min_value=1,
        max_value=100_000,
        help_text="A record counts when every instrument of it is marked complete. "
        "Leave empty if records alone do not qualify.",
    )
    min_validations = forms.IntegerField(
        label="At least this many validation checks",
        required=False,
        min_value=1,
        max_value=100_000,
        help_text="Data queries raised or closed, and records locked or signed.",
    )
    site_leads_qualify = forms.BooleanField(label="Site leads qualify", required=False)
    writing_committee_qualify = forms.BooleanField(
        label="Writing committee members qualify", required=False
    )
    credit_roles_qualify = forms.BooleanField(
        label="People with an agreed CRediT role on the study's project qualify", required=False
    )
    grouping = forms.ChoiceField(label="Group the list", choices=AuthorList.Grouping.choices)
    project = forms.IntegerField(
        label="Project id (for CRediT roles)",
        required=False,
        min_value=1,
        help_text="The number in the project's address, /projects/<number>/. Optional.",
    )

    def clean_project(self) -> Project | None:
        from projects.models import Project

        pk = self.cleaned_data.get("project")
        if pk is None:
            return None
        project = Project.objects.filter(pk=pk).first()
        if project is None:
            raise forms.ValidationError(f"There is no project number {pk}.")
        return project

    def rules(self) -> core.Rules:
        data = self.cleaned_data
        return core.Rules(
            consortium_name=data["consortium_name"],
            min_complete_records=data["min_complete_records"],
            min_validations=data["min_validations"],
            site_leads_qualify=data["site_leads_qualify"],
            writing_committee_qualify=data["writing_committee_qualify"],
            credit_roles_qualify=data["credit_roles_qualify"],
            grouping=data["grouping"],
        )


class NameForm(forms.Form):
    given_names = forms.CharField(label="Given names", max_length=120, required=False)
    family_name = forms.CharField(label="Family name", max_length=120)
    orcid = forms.CharField(
        label="ORCID iD",
        max_length=40,
        required=False,
        help_text="e.g. 0000-0002-1825-0097. Optional, but PubMed links it to your record.",
    )
    affiliation = forms.CharField(
        label="Affiliation",
        max_length=300,
        required=False,
        help_text="As it should be printed: department, hospital, city, country.",
    )

    def clean_orcid(self) -> str:
        value: str = self.cleaned_data["orcid"].strip()
        problem = core.orcid_problem(value) if value else None
        if problem:
            raise forms.ValidationError(problem)
        return core.clean_orcid(value)


class CorrectNameForm(NameForm):
    reason = forms.CharField(
        label="Why the name changes",
        max_length=500,
        required=False,
        help_text="Needed once the list is locked; kept in the audit trail.",
    )


class CommitteeMemberForm(forms.Form):
    email = forms.EmailField(label="Email of the person")
    role = forms.CharField(label="Role on the writing committee", max_length=60, initial="Member")

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(f"Nobody has an account with the email {email}.")
        return person


class PeopleForm(forms.Form):
    """Which rows of the committee's "everyone and why" table to show."""

    SHOW = (("all", "Everyone"), ("in", "On the list"), ("out", "Not on the list"))

    show = forms.ChoiceField(choices=SHOW, required=False)
    q = forms.CharField(label="Name", max_length=100, required=False)
    page = page_number_field()


class UnlockForm(forms.Form):
    reason = forms.CharField(label="Why the list is reopened", max_length=500)


class DashboardSettingForm(forms.Form):
    public_summary = forms.BooleanField(
        label="Show the public summary (counts by region only, no names)", required=False
    )


class PortfolioStudyForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), empty_label=None)
    title = forms.CharField(max_length=300, label="Study title")
    reference = forms.CharField(
        max_length=40, required=False, label="Portfolio number (e.g. CPMS ID)"
    )
    target = forms.IntegerField(
        min_value=1, max_value=100_000, label="This site's recruitment target"
    )

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        sites: list[Site],
        initial: MutableMapping[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        field = self.fields["site"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Site.objects.filter(pk__in=[s.pk for s in sites]).order_by("name")
        field.help_text = "A site where you are the site lead."


class RecruitmentMonthForm(forms.Form):
    month = forms.DateField(
        label="Month",
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MonthInput(),
        help_text="e.g. 2026-03.",
        error_messages={"invalid": "Give the month as year and month, e.g. 2026-03."},
    )
    recruited = forms.IntegerField(
        min_value=0, max_value=10_000, label="Participants recruited that month"
    )

    def clean_month(self) -> dt.date:
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate():
            raise forms.ValidationError("Recruitment is recorded for a month that has begun.")
        return month


class PortfolioTraineeForm(forms.Form):
    email = forms.EmailField(label="Email of the trainee")
    part = forms.ChoiceField(choices=PortfolioTrainee.Part.choices, label="Their part")

    def __init__(self, data: Mapping[str, object] | None = None, *, site: Site) -> None:
        super().__init__(data)
        self.site = site

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(f"Nobody has an account with the email {email}.")
        at_site = Membership.objects.active().filter(site=self.site, person=person).exists()
        if not at_site:
            raise forms.ValidationError(f"{person} holds no role at {self.site}.")
        return person
