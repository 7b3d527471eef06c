"""Statistics pages: thin views over stats.access (who) and stats.services (what)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.services import audit_record
from capture.analysis_data import analysis_events, analysis_fields
from capture.services import audit_scope
from core.forms import copy_errors
from core.htmx import render_page
from core.ratelimit import ratelimit
from core.types import AuthedRequest
from formats.csvsafe import SpreadsheetSafeWriter
from stats import access, figures, services
from stats.forms import AnalysisForm, form_initial
from stats.inputs import CI_METHODS, RELEVANT, TRANSFORMS, WEIGHTS
from stats.models import AnalysisRun
from stats.report import cells, results_csv

if TYPE_CHECKING:
    from capture.models import Study
    from core.types import JSONObject, JSONValue
    from stats.results import Result, Table

HISTORY = 50
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "csv": "text/csv; charset=utf-8"}


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    studies = access.studies_for_analysis(request.user).order_by("title")
    return render(request, "stats/index.html", {"studies": studies})


@login_required
@ratelimit("statistics")
def study(request: AuthedRequest, pk: int) -> HttpResponse:
    """Choose an analysis and its fields; the run is queued and its page shows the result."""
    found = access.get_study(request.user, pk)
    initial = _initial(request, found)
    events = analysis_events(found)
    # A longitudinal study is analysed one event at a time: the first unless one is chosen.
    stored = initial.get("event", "")
    chosen = (
        request.POST.get("event")
        or request.GET.get("event")
        or (stored if isinstance(stored, str) else "")
    )
    names = [e.unique_name for e in events]
    event = chosen if chosen in names else (names[0] if names else "")
    initial["event"] = event
    fields = analysis_fields(request.user, found, event)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        data["event"] = event
    form = AnalysisForm(data, fields=fields, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.analysis_request(
                actor=request.user, study=found, settings=form.cleaned_data["settings"]
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            return redirect(run)
    runs = access.runs_of(request.user, found).select_related("requested_by")[:HISTORY]
    context = {
        "study": found,
        "form": form,
        "runs": runs,
        "fields": fields,
        "events": events,
        "event": event,
    }
    return render(request, "stats/study.html", context, status=400 if form.errors else 200)


def _initial(request: AuthedRequest, found: Study) -> dict[str, JSONValue]:
    """Start from an earlier run's settings when `?from=<run>` names one of this study's."""
    source = request.GET.get("from", "")
    if not source.isdigit():
        return {"analysis": "accuracy"}
    run = access.runs_of(request.user, found).filter(pk=int(source)).first()
    return form_initial(run.settings) if run else {"analysis": "accuracy"}


@login_required
def run(request: AuthedRequest, pk: int, run: int) -> HttpResponse:
    found = access.get_run(request.user, pk, run)
    result: Result | None = found.result
    titles = result.get("columns", {}) if result else {}
    context: dict[str, object] = {
        "study": found.study,
        "run": found,
        "result": result or {},
        "settings_shown": settings_shown(found.settings, titles),
        "sites_shown": ", ".join(sorted(set((found.snapshot or {}).get("sites", [])))),
        "taken_at": _taken_at(found),
        "error_field": FIELD_LABELS.get(found.error_field, found.error_field),
        "tables": [_shown(table) for table in result.get("tables", [])] if result else [],
        "figures": [(name, figures.DESCRIPTIONS[name]) for name in figures.figure_names(result)]
        if result
        else [],
    }
    return render_page(request, "stats/run.html", context, fragment="outcome")


def _taken_at(found: AnalysisRun) -> datetime | None:
    stamp = (found.snapshot or {}).get("taken_at")
    return datetime.fromisoformat(stamp) if stamp else None


FIELD_LABELS = {name: str(f.label) for name, f in AnalysisForm.base_fields.items()}
# Set through the API and the command only: the web form takes the data dictionary's order.
FIELD_LABELS["order"] = "Order of the categories"
FIELD_LABELS["event"] = "Event (visit) analysed"
SHOWN_SETTINGS = {
    "ci_method": CI_METHODS,
    "transform": TRANSFORMS,
    "weights": WEIGHTS,
}


def settings_shown(stored: JSONObject, titles: dict[str, str]) -> list[tuple[str, str]]:
    """The settings that matter for this analysis, as "label: value" pairs for people."""
    shown = []
    analysis = stored.get("analysis", "")
    relevant = RELEVANT.get(analysis, ()) if isinstance(analysis, str) else ()
    for name, value in stored.items():
        if (name not in relevant and name != "event") or value in ("", None, [], False):
            continue
        shown.append((FIELD_LABELS.get(name, name), _setting_text(name, value, titles)))
    return shown


def _setting_text(name: str, value: JSONValue, titles: dict[str, str]) -> str:
    if name in ("index", "index_second", "reference") and isinstance(value, str):
        return titles.get(value, value)
    if name == "measurements" and isinstance(value, list):
        return ", ".join(titles.get(str(column), str(column)) for column in value)
    if name in SHOWN_SETTINGS and isinstance(value, str):
        return SHOWN_SETTINGS[name].get(value, value)
    if name == "level" and isinstance(value, int | float):
        return f"{100 * value:g}%"
    if name in ("index_positive", "reference_positive") and isinstance(value, list):
        return ", ".join(str(code) for code in value)
    if name == "order" and isinstance(value, list):
        return " < ".join(str(code) for code in value)
    if name == "exclude_missing":
        return "yes"
    return str(value)


def _shown(table: Table) -> dict[str, object]:
    return {"title": table["title"], "columns": table["columns"], "rows": list(cells(table))}


@login_required
@require_POST
@ratelimit("statistics")
def rerun(request: AuthedRequest, pk: int, run: int) -> HttpResponse:
    found = access.get_run(request.user, pk, run)
    try:
        again = services.analysis_rerun(actor=request.user, run=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(found)
    messages.success(request, f"Run #{again.pk} repeats run #{found.pk} on the same data.")
    return redirect(again)


@login_required
def download(request: AuthedRequest, pk: int, run: int, name: str) -> HttpResponse:
    """results.csv, data.csv (the snapshot, audited) or a figure as .svg or .png."""
    found = access.get_run(request.user, pk, run)
    stem, _, suffix = name.rpartition(".")
    if suffix not in CONTENT_TYPES or not (found.result or stem == "data"):
        raise Http404("No such file.")
    result: Result | None = found.result
    if stem == "results" and suffix == "csv" and result:
        body: bytes = results_csv(result).encode("utf-8")
    elif stem == "data" and suffix == "csv" and found.snapshot:
        body = _snapshot_csv(found).encode("utf-8")
        audit_record(
            actor=request.user,
            action="stats.snapshot_download",
            obj=found,
            scope=audit_scope(found.study),
        )
    elif result and stem in figures.figure_names(result) and suffix in ("svg", "png"):
        drawn = figures.draw(result, stem)
        body = figures.svg(drawn) if suffix == "svg" else figures.png(drawn)
    else:
        raise Http404("No such file.")
    response = HttpResponse(body, content_type=CONTENT_TYPES[suffix])
    disposition = "attachment" if request.GET.get("download") or suffix == "csv" else "inline"
    filename = f"study-{found.study_id}-analysis-{found.pk}-{name}"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _snapshot_csv(found: AnalysisRun) -> str:
    snapshot = found.snapshot or {}
    names = [f["name"] for f in snapshot["fields"]]
    out = io.StringIO()
    # Captured values, opened in spreadsheets too: text that could run as a formula is quoted.
    writer = SpreadsheetSafeWriter(csv.writer(out, lineterminator="\n"))
    writer.writerow(["record_id", "site", *names])
    columns = [snapshot["columns"][name] for name in names]
    for index, (record, site) in enumerate(
        zip(snapshot["records"], snapshot["sites"], strict=True)
    ):
        writer.writerow([record, site, *("" if c[index] is None else c[index] for c in columns)])
    return out.getvalue()
