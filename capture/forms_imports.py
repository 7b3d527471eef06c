"""Forms of the import and export pages: what is posted is read here, never from request.POST."""

from __future__ import annotations

from django import forms

from capture.forms import ExportForm as BaseExportForm

LARGEST_ID = 2**63 - 1  # the largest primary key any database holds


class ExportForm(BaseExportForm):
    raw = forms.BooleanField(
        required=False,
        label="Raw text for statistical software",
        help_text=(
            "CSV only. Without it, a text starting with =, +, - or @ gets a ' in front, so "
            "that a spreadsheet shows it instead of running it as a formula (numbers such "
            "as -1.5 stay as they are). Tick it for R, Stata or SPSS, and do not open that "
            "file in a spreadsheet. The R bundle is always raw."
        ),
    )


class ImportConfirmForm(forms.Form):
    """The confirmation of a previewed file: which upload to import."""

    confirm = forms.IntegerField(
        min_value=1,
        max_value=LARGEST_ID,
        error_messages={
            "required": "Say which previewed file to import.",
            "invalid": "The file to import is named by a number; upload the file again.",
            "min_value": "No previewed file has that number; upload the file again.",
            "max_value": "No previewed file has that number; upload the file again.",
        },
    )


class ProjectXmlForm(forms.Form):
    """A REDCap project XML to preview (REDCap: Project setup → Other functionality →
    Download metadata & data (XML))."""

    file = forms.FileField(
        label="REDCap project XML",
        help_text=(
            "The file REDCap's 'Download the project as XML' gives (CDISC ODM): the data "
            "dictionary, events, data access groups and, if you included them, the records."
        ),
    )

    without_records = forms.BooleanField(
        required=False,
        label="Leave the records out",
        help_text="Take the design only: dictionary, events, sites and repeating setup.",
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PROJECT_BYTES:
            raise forms.ValidationError("The file is over 200 MB: is it the right file?")
        return bytes(upload.read())


class ProjectXmlConfirmForm(forms.Form):
    """The confirmation of the previewed project XML: its SHA-256, as the preview showed."""

    digest = forms.RegexField(
        regex=r"^[0-9a-f]{64}$",
        error_messages={
            "required": "Say which previewed file to import; upload it again.",
            "invalid": "That is not a previewed file; upload it again.",
        },
    )
    without_records = forms.BooleanField(required=False)


MAX_PROJECT_BYTES = 200 * 1024 * 1024
