from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack, cast

from django import forms
from django.db.models import QuerySet

from accounts.models import User
from core.forms import (
    DateInput,
    FormData,
    FormFiles,
    FormOptions,
    ModelFormOptions,
    NameChoiceField,
)
from core.paging import page_number_field
from core.words import MIN_WORDS
from network.models import Region, Site
from people.models import Term
from projects.board import SORTS, BoardQuery
from projects.models import (
    CreditRole,
    Degree,
    Folder,
    Milestone,
    Project,
    ProjectRole,
    ResearchType,
    RoleKind,
    Status,
    Task,
)
from projects.workspace import upload_limit_mb

if TYPE_CHECKING:
    from projects.selectors import TeamRow
    from projects.services import AgreementLine


def _terms_of(kind: str, empty: str = "Any") -> forms.ModelChoiceField:
    return NameChoiceField(
        queryset=Term.objects.filter(kind=kind), required=False, empty_label=empty
    )


class BoardForm(forms.Form):
    """The board's filters; they live in the URL so that a search can be shared."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    research_type = forms.ChoiceField(
        label="Research type", choices=[("", "Any type"), *ResearchType.choices], required=False
    )
    subspecialty = _terms_of(Term.Kind.SUBSPECIALTY)
    modality = _terms_of(Term.Kind.MODALITY)
    region = NameChoiceField(
        queryset=Region.objects.all(), required=False, empty_label="Any region"
    )
    site = NameChoiceField(queryset=Site.objects.all(), required=False, empty_label="Any site")
    max_hours = forms.IntegerField(
        label="Hours a week I can give", required=False, min_value=1, max_value=40
    )
    quick_win = forms.BooleanField(label="Quick wins only", required=False)
    sort = forms.ChoiceField(
        choices=[("fit", "Fit for me"), ("newest", "Newest"), ("hours", "Fewest hours")],
        required=False,
    )
    page = page_number_field()

    def to_query(self) -> BoardQuery:
        data = self.cleaned_data
        return BoardQuery(
            text=data["q"],
            research_type=data["research_type"],
            subspecialty=data["subspecialty"].pk if data["subspecialty"] else None,
            modality=data["modality"].pk if data["modality"] else None,
            region=data["region"].pk if data["region"] else None,
            site=data["site"].pk if data["site"] else None,
            max_hours=data["max_hours"],
            quick_win=data["quick_win"],
            sort=data["sort"] if data["sort"] in SORTS else "fit",
            page=data["page"] or 1,
        )


class ProjectForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    subspecialty = _terms_of(Term.Kind.SUBSPECIALTY, "—")
    modality = _terms_of(Term.Kind.MODALITY, "—")
    mentor = forms.ModelChoiceField(
        label="Supervising mentor",
        queryset=User.objects.filter(mentor_profile__isnull=False, is_active=True).order_by(
            "full_name"
        ),
        required=False,
        empty_label="—",
        help_text="Anyone but you is asked first; they are shown once they confirm.",
    )
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.all(),
        required=False,
        help_text="Hold Ctrl (⌘ on a Mac) to choose more than one.",
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "research_type",
            "subspecialty",
            "modality",
            "timing",
            "centres",
            "mentor",
            "sites",
            "primary_outcome",
            "ethics",
            "audit_registration",
            "data_protection",
            "cases",
            "minutes_collection",
            "minutes_reading",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "primary_outcome": "One sentence: what the study measures first.",
            "cases": "For the effort estimate; 0 if the project collects no cases.",
        }

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        instance: Project | None = None,
        **options: Unpack[ModelFormOptions],
    ) -> None:
        super().__init__(data, files, instance=instance, **options)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        if self.instance.pending_mentor_id:
            # Asked and not yet answered: keep asking them unless the lead changes it.
            self.initial["mentor"] = self.instance.pending_mentor_id
            self.fields["mentor"].help_text = "Asked; shown once they confirm."


class RoleForm(forms.ModelForm):
    class Meta:
        model = ProjectRole
        fields = ["kind", "hours_per_week", "duration_weeks", "description"]
        labels = {"kind": "Help wanted", "hours_per_week": "Hours a week"}


class OptionalRoleForm(RoleForm):
    """A row of the new-project form: left empty, it adds no role."""

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        instance: ProjectRole | None = None,
        **options: Unpack[ModelFormOptions],
    ) -> None:
        super().__init__(data, files, instance=instance, **options)
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.required = False
        kind.choices = [("", "—"), *RoleKind.choices]
        self.empty_permitted = True
        self.use_required_attribute = False


RoleFormSet = forms.formset_factory(OptionalRoleForm, extra=3, max_num=9)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=Status.choices)
    note = forms.CharField(label="Why (optional)", required=False, max_length=500)


class ApplicationForm(forms.Form):
    note = forms.CharField(
        label="Why you, and what you bring",
        help_text=f"At least {MIN_WORDS} words: your experience, your time, when you could start.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    accept_load = forms.BooleanField(
        label="I can take this on alongside my current projects", required=False
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(label="Reply (optional)", required=False, max_length=1000)


DEGREE_CHOICES = [("", "—"), *Degree.choices]


class DeclareForm(forms.Form):
    """A member's own CRediT declaration: one choice per role."""

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        initial_roles: dict[str, str] | None = None,
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        for role, label in CreditRole.choices:
            self.fields[role] = forms.ChoiceField(
                label=label,
                choices=DEGREE_CHOICES,
                required=False,
                initial=(initial_roles or {}).get(role, ""),
            )


class AgreementFields(TypedDict):
    """One member's row of the agreement table: their fields of the form."""

    row: TeamRow
    position: forms.BoundField
    roles: list[forms.BoundField]


class AgreementForm(forms.Form):
    """The lead's reconciliation: each member's agreed roles and place in the author order."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        members: list[TeamRow],
        version: int,
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        self.members = members
        self.initial.setdefault("version", version)
        for row in members:
            member = row.member
            self.fields[f"m{member.pk}_position"] = forms.IntegerField(
                label=f"Author position of {member.person}",
                required=False,
                min_value=1,
                initial=member.author_position,
            )
            for role, label in CreditRole.choices:
                self.fields[f"m{member.pk}_{role}"] = forms.ChoiceField(
                    label=f"{label}, {member.person}",
                    choices=DEGREE_CHOICES,
                    required=False,
                    initial=row.agreed.get(role) or row.declared.get(role, ""),
                )

    def lines(self) -> list[AgreementLine]:
        from projects.services import AgreementLine

        data = self.cleaned_data
        return [
            AgreementLine(
                member_id=row.member.pk,
                position=data.get(f"m{row.member.pk}_position"),
                roles={
                    role: data.get(f"m{row.member.pk}_{role}", "")
                    for role in CreditRole.values
                    if data.get(f"m{row.member.pk}_{role}")
                },
            )
            for row in self.members
        ]

    def rows(self) -> list[AgreementFields]:
        """Form fields grouped per member, for the template's table."""
        return [
            AgreementFields(
                row=row,
                position=self[f"m{row.member.pk}_position"],
                roles=[self[f"m{row.member.pk}_{role}"] for role in CreditRole.values],
            )
            for row in self.members
        ]


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def _team_people(project: Project) -> QuerySet[User]:
    return User.objects.filter(project_memberships__project=project).order_by("full_name")


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        labels = {"title": "Milestone", "due_on": "Due on"}
        widgets = {"due_on": DateInput()}


class TaskForm(forms.Form):
    title = forms.CharField(label="Task", max_length=300)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="—")
    due_on = forms.DateField(label="Due on", required=False, widget=DateInput())
    milestone = forms.ModelChoiceField(
        queryset=Milestone.objects.none(), required=False, empty_label="—"
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        project: Project,
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        self.fields["owner"].queryset = _team_people(project)  # type: ignore[attr-defined]
        self.fields["milestone"].queryset = project.milestones.all()  # type: ignore[attr-defined]


class TaskEditForm(TaskForm):
    state = forms.ChoiceField(choices=Task.State.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TaskMoveForm(forms.Form):
    state = forms.ChoiceField(choices=Task.State.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="Held on", widget=DateInput())
    title = forms.CharField(max_length=200)
    notes = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}))


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", max_length=300, required=False)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="—")
    due_on = forms.DateField(label="Due on", required=False, widget=DateInput())

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        project: Project,
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        self.fields["owner"].queryset = _team_people(project)  # type: ignore[attr-defined]
        self.use_required_attribute = False


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=20)


class UploadForm(forms.Form):
    folder = forms.ChoiceField(choices=Folder.choices)
    name = forms.CharField(
        label="Document name",
        required=False,
        max_length=200,
        help_text="Uploading under an existing name adds a new version; empty uses the file name.",
    )
    file = forms.FileField()
    note = forms.CharField(label="What changed", required=False, max_length=500)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        **options: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **options)
        self.fields["file"].help_text = f"Up to {upload_limit_mb()} MB."


class MilestoneEditForm(forms.Form):
    title = forms.CharField(label="Milestone", max_length=200)
    due_on = forms.DateField(label="Due on", widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)


class MeetingEditForm(MeetingForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DocumentForm(forms.Form):
    folder = forms.ChoiceField(choices=Folder.choices)
    name = forms.CharField(label="Document name", max_length=200)


class VersionForm(forms.Form):
    """What a delete carries: the version of the thing as the person last saw it."""

    version = forms.IntegerField(widget=forms.HiddenInput)
