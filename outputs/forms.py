from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q

from core.forms import DateInput
from core.uploads import size_problem
from formats.bibliography import BibliographyError, Format, decode
from formats.bibliography.identifiers import parse_identifiers
from outputs.citations import DEFAULT_STYLE, STYLE_CHOICES
from outputs.models import Author, Output
from outputs.services import AuthorIn
from people.models import INTEREST_KINDS, Term
from projects.models import Project

if TYPE_CHECKING:
    from accounts.models import User

MAX_IDENTIFIERS = 50


def theme_choices() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Term.objects.filter(kind__in=INTEREST_KINDS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Research themes group your outputs on a CV.",
    )


class OutputForm(forms.Form):
    """An output with its authors written one per line; carries the version it started from."""

    kind = forms.ChoiceField(choices=Output.Kind.choices)
    title = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    authors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One author per line, in order: “Family, Given” or “Given Family”. "
        "Add an ORCID iD and an affiliation after bars: "
        "“Müller, Jörg | 0000-0002-1825-0097 | Charité, Berlin”.",
    )
    more_authors = forms.BooleanField(
        required=False, label="There are more authors than listed (et al.)"
    )
    venue = forms.CharField(max_length=300, required=False, help_text="Journal, meeting or funder.")
    date = forms.DateField(required=False, widget=DateInput())
    date_precision = forms.ChoiceField(
        choices=Output.Precision.choices, initial=Output.Precision.DAY, label="Date known to the"
    )
    status = forms.ChoiceField(choices=Output.Status.choices, initial=Output.Status.PUBLISHED)
    doi = forms.CharField(label="DOI", max_length=200, required=False)
    pmid = forms.CharField(label="PMID", max_length=20, required=False)
    themes = theme_choices()
    abstract = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    volume = forms.CharField(max_length=50, required=False)
    issue = forms.CharField(max_length=50, required=False)
    pages = forms.CharField(
        max_length=50, required=False, help_text="First and last page: 123-130, or one page."
    )
    article_number = forms.CharField(
        max_length=50, required=False, help_text="For online journals without pages: e0123."
    )
    publisher = forms.CharField(max_length=300, required=False)
    issn = forms.CharField(label="ISSN", max_length=60, required=False)
    affiliations = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Affiliations of the work as a whole, one per line.",
    )
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, required=False, help_text="Grants only."
    )
    currency = forms.CharField(max_length=3, required=False, help_text="Grants only: GBP, USD…")
    ends_on = forms.DateField(
        required=False,
        widget=DateInput(),
        help_text="Grants only: when the funding ends.",
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        required=False,
        empty_label="No RadCollab project",
        help_text="One of your projects, if the output came from it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        initial: MutableMapping[str, object] | None = None,
        person: User | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        project = self.fields["project"]
        assert isinstance(project, forms.ModelChoiceField)
        if person is not None and person.is_authenticated:
            project.queryset = (
                Project.objects.filter(Q(members__person=person) | Q(lead=person))
                .distinct()
                .order_by("title")
            )

    def clean_authors(self) -> list[AuthorIn]:
        authors = []
        for number, line in enumerate(self.cleaned_data["authors"].splitlines(), start=1):
            name, orcid, affiliation = ([p.strip() for p in line.split("|", 2)] + ["", ""])[:3]
            if not name and not orcid and not affiliation:
                continue
            if not name:
                raise forms.ValidationError(f"Line {number} has an ORCID iD but no name.")
            if len(name) > 200:
                raise forms.ValidationError(f"Line {number}: a name is at most 200 characters.")
            authors.append(AuthorIn(name=name, orcid=orcid, affiliation=affiliation))
        if not authors:
            raise forms.ValidationError("An output needs at least one author.")
        return authors

    @classmethod
    def initial_from(cls, output: Output) -> dict[str, object]:
        authors = [_author_line(a) for a in output.authors.all()]
        return {
            **{
                field: getattr(output, field) for field in cls.base_fields if hasattr(output, field)
            },
            "authors": "\n".join(authors),
            "themes": list(output.themes.all()),
            "version": output.version,
        }

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("version", None)
        values["currency"] = values["currency"].upper()
        return values


def _author_line(author: Author) -> str:
    family, given = author.parts
    name = f"{family}, {given}" if given else family
    parts = [name, author.orcid, author.affiliation.replace("\n", "; ")]
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


class FilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Output.Kind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Output.Status.choices], required=False)
    theme = forms.ModelChoiceField(
        queryset=Term.objects.filter(kind__in=INTEREST_KINDS),
        required=False,
        empty_label="Any theme",
    )


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        choices=[("", "Detect from the file"), *((f.value, f.label) for f in Format)],
        required=False,
    )
    file = forms.FileField(required=False, help_text="A .bib, .ris, .nbib, .xml or .json file.")
    text = forms.CharField(
        label="Or paste the records",
        required=False,
        strip=False,  # entries are named by line: the lines must stay where they were
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload, pasted = data.get("file"), (data.get("text") or "").strip()
        if upload and pasted:
            raise forms.ValidationError("Upload a file or paste records, not both.")
        if not upload and not pasted:
            raise forms.ValidationError("Choose a file to upload or paste the records.")
        if upload:
            if problem := size_problem(upload, "bibliography"):
                raise forms.ValidationError(problem)
            try:
                data["content"], _ = decode(upload.read())
            except BibliographyError as error:
                reasons = "; ".join(p.message for p in error.problems)
                raise forms.ValidationError(
                    f"{upload.name} cannot be imported: {reasons}."
                ) from None
            data["filename"] = upload.name
        else:
            data["content"], data["filename"] = data["text"], ""
        return data


class IdentifierForm(forms.Form):
    """DOIs, PMIDs or ORCID iDs to look up; a malformed one is refused here, by name."""

    identifiers = forms.CharField(
        label="DOIs, PMIDs or ORCID iDs",
        help_text=(
            "One a line, up to 50: a DOI (10.1148/radiol.2020201234), a PubMed ID (31234567) "
            "or your ORCID iD (0000-0002-1825-0097) to bring in every work on your ORCID record."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocapitalize": "off"}),
        max_length=10_000,
    )

    def clean_identifiers(self) -> str:
        text = self.cleaned_data["identifiers"]
        found, problems = parse_identifiers(text, limit=MAX_IDENTIFIERS)
        if problems:
            raise forms.ValidationError([f"{p}." for p in problems])
        if not found:
            raise forms.ValidationError("Enter at least one DOI, PMID or ORCID iD.")
        return text


class ExportForm(FilterForm):
    """Which of my outputs to export (the list's filters), in which style and format."""

    style = forms.ChoiceField(
        label="Citation style", choices=STYLE_CHOICES, initial=DEFAULT_STYLE, required=False
    )
    format = forms.ChoiceField(
        choices=[
            ("pdf", "Citations (PDF)"),
            ("docx", "Citations (Word)"),
            ("bib", "BibTeX (.bib)"),
            ("ris", "RIS (.ris)"),
        ]
    )

    def clean_style(self) -> str:
        return self.cleaned_data.get("style") or DEFAULT_STYLE
