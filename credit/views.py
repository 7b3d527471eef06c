"""Pages of collaborative credit: access, a service, a render (see credit/access.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Subquery, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from capture.models import Study, StudyRole
from core.forms import copy_errors
from core.htmx import render_page
from core.types import AuthedRequest
from credit import (
    access,
    contributions,
    core,
    dashboard,
    exports,
    forms,
    portfolio,
    selectors,
    services,
)
from credit.models import (
    AuthorList,
    ContributionRecord,
    DashboardSetting,
    NameConfirmation,
    PortfolioRecruitment,
    PortfolioStudy,
    PortfolioTrainee,
    WritingCommitteeMember,
)
from formats.csvsafe import spreadsheet_safe_cells


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """A person's own contributions, study by study; the committee also sees every study."""
    study_ids = StudyRole.objects.filter(person=request.user).values("study_id")
    studies = Study.objects.filter(pk__in=study_ids).select_related("author_list")
    rows = [
        {
            "study": study,
            "me": selectors.contribution_of(study, request.user),
            "author_list": getattr(study, "author_list", None),
        }
        for study in studies
    ]
    managed = (
        Study.objects.select_related("author_list").order_by("title")
        if access.is_committee(request.user)
        else None
    )
    context = {
        "rows": rows,
        "managed": managed,
        "portfolio": access.may_keep_portfolio(request.user),
    }
    return render_page(request, "credit/mine.html", context)


@login_required
def study(request: AuthedRequest, pk: int) -> HttpResponse:
    """The committee's working page, or a collaborator's own part and the published list."""
    found = access.get_study(request.user, pk)
    author_list = AuthorList.objects.filter(study=found).first()
    if access.may_see_full_list(request.user):
        access.require_committee(request.user)  # everyone's contributions: two-factor
        return _committee_page(request, found, author_list)
    me = selectors.contribution_of(found, request.user)
    decision = core.decide(me, selectors.rules_of(author_list)) if me and author_list else None
    published = (
        selectors.current_list(author_list) if author_list and author_list.is_locked else None
    )
    name = author_list.confirmations.filter(person=request.user).first() if author_list else None
    context = {
        "study": found,
        "author_list": author_list,
        "me": me,
        "lines": exports.contribution_lines(me) if me else [],
        "decision": decision,
        "published": published,
        "name": name,
        "on_list": _on_list(published, request.user.pk),
        "confirms": bool(access.sites_confirmed_by(request.user, found)),
        "record": ContributionRecord.objects.filter(study=found, person=request.user).first(),
    }
    return render_page(request, "credit/collaborator.html", context)


def _on_list(listing: core.AuthorList | None, person_id: int) -> bool:
    if listing is None:
        return False
    return any(p.person_id == person_id for group in listing.groups for p in group.people)


def _committee_page(
    request: AuthedRequest,
    found: Study,
    author_list: AuthorList | None,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    computed = selectors.computed_list(author_list) if author_list else None
    listing = computed
    if author_list is not None and author_list.is_locked:
        listing = selectors.current_list(author_list)
    names = {}
    if author_list is not None:
        names = {n.person_id: n for n in author_list.confirmations.all()}
    decisions = (
        [(d, names.get(d.contributor.person_id)) for d in computed.decisions] if computed else []
    )
    people_form = forms.PeopleForm(request.GET)
    context = {
        "study": found,
        "author_list": author_list,
        "listing": listing,
        "decisions": decisions,
        "people": _people_page(people_form, decisions),
        "people_form": people_form,
        "qualifying": sum(1 for d, _ in decisions if d.qualifies),
        "unconfirmed": sum(
            1 for d, n in decisions if d.qualifies and (n is None or n.state != "confirmed")
        ),
        "committee_members": author_list.writing_committee.select_related("person")
        if author_list
        else [],
        "member_form": extra.get("member_form") or forms.CommitteeMemberForm(),
        "unlock_form": extra.get("unlock_form") or forms.UnlockForm(),
    }
    return render_page(request, "credit/committee.html", context, status=status)


PEOPLE_PER_PAGE = 100


def _people_page(
    form: forms.PeopleForm, decisions: list[tuple[core.Decision, NameConfirmation | None]]
) -> Page[tuple[core.Decision, NameConfirmation | None]]:
    """The page of the "everyone and why" table the filters ask for (the first page,
    unfiltered, when they are wrong: the form then says which field)."""
    if not form.is_valid():
        return Paginator(decisions, PEOPLE_PER_PAGE).get_page(1)
    show, words = form.cleaned_data["show"] or "all", core.fold(form.cleaned_data["q"])
    shown = [
        (decision, name)
        for decision, name in decisions
        if (show == "all" or decision.qualifies == (show == "in"))
        and (not words or words in core.fold(decision.contributor.name))
    ]
    return Paginator(shown, PEOPLE_PER_PAGE).get_page(form.cleaned_data["page"] or 1)


@login_required
def rules(request: AuthedRequest, pk: int) -> HttpResponse:
    found, author_list = access.get_study_to_manage(request.user, pk)
    if request.method == "POST":
        form = forms.RulesForm(request.POST)
        if form.is_valid():
            try:
                services.rules_save(
                    actor=request.user,
                    study=found,
                    rules=form.rules(),
                    project=form.cleaned_data["project"],
                )
            except ValidationError as error:
                copy_errors(form, error)
            else:
                messages.success(request, "Authorship rules saved; the list below follows them.")
                return redirect("credit:study", found.pk)
    else:
        form = forms.RulesForm(initial=_rules_initial(found, author_list))
    status = 400 if form.errors else 200
    context = {"study": found, "author_list": author_list, "form": form}
    return render_page(request, "credit/rules.html", context, status=status)


def _rules_initial(found: Study, author_list: AuthorList | None) -> dict[str, object]:
    if author_list is None:
        return {
            "consortium_name": f"{found.title} Collaborative",
            "min_complete_records": 5,
            "site_leads_qualify": True,
            "writing_committee_qualify": True,
            "grouping": "site",
        }
    initial = {name: getattr(author_list, name) for name in services.RULE_FIELDS}
    initial["project"] = author_list.project_id
    return initial


@login_required
@require_POST
def committee_add(request: AuthedRequest, pk: int) -> HttpResponse:
    author_list = access.get_author_list_to_manage(request.user, pk)
    form = forms.CommitteeMemberForm(request.POST)
    if form.is_valid():
        try:
            services.writing_committee_add(
                actor=request.user,
                author_list=author_list,
                person=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Added to the writing committee.")
            return redirect("credit:study", pk)
    return _committee_page(request, author_list.study, author_list, 400, member_form=form)


@login_required
@require_POST
def committee_remove(request: AuthedRequest, pk: int, member: int) -> HttpResponse:
    author_list = access.get_author_list_to_manage(request.user, pk)
    found = get_object_or_404(WritingCommitteeMember, pk=member, author_list=author_list)
    return _act(
        request,
        pk,
        lambda: services.writing_committee_remove(actor=request.user, member=found),
        "Removed from the writing committee.",
    )


@login_required
@require_POST
def ask(request: AuthedRequest, pk: int) -> HttpResponse:
    author_list = access.get_author_list_to_manage(request.user, pk)
    try:
        count = services.confirmations_request(actor=request.user, author_list=author_list)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Asked {count} collaborators to confirm their names."
            if count
            else "Everyone who qualifies has already been asked.",
        )
    return redirect("credit:study", pk)


@login_required
def confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """The collaborator's own name, ORCID iD and affiliation, as they want them printed."""
    name = access.get_own_name(request.user, pk)
    if request.method == "POST":
        form = forms.NameForm(request.POST)
        if form.is_valid():
            try:
                services.name_confirm(actor=request.user, name=name, values=form.cleaned_data)
            except ValidationError as error:
                copy_errors(form, error)
            else:
                messages.success(request, "Thank you: your name is confirmed for the list.")
                return redirect("credit:study", pk)
    else:
        form = forms.NameForm(initial={f: getattr(name, f) for f in services.NAME_FIELDS})
    context = {"study": name.author_list.study, "name": name, "form": form}
    return render_page(request, "credit/confirm.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def confirm_as_shown(request: AuthedRequest, pk: int) -> HttpResponse:
    name = access.get_own_name(request.user, pk)
    values = {f: getattr(name, f) for f in services.NAME_FIELDS}
    try:
        services.name_confirm(actor=request.user, name=name, values=values)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("credit:confirm", pk)
    messages.success(request, f"Confirmed: you are listed as {name}.")
    return redirect("confirm_links")


@login_required
@require_POST
def decline(request: AuthedRequest, pk: int) -> HttpResponse:
    name = access.get_own_name(request.user, pk)
    try:
        services.name_decline(actor=request.user, name=name)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Declined: you will not be on this collaborator list.")
    return redirect("confirm_links")


@login_required
def correct(request: AuthedRequest, pk: int, name: int) -> HttpResponse:
    """The committee corrects a collaborator's name (with a reason once the list is locked)."""
    author_list = access.get_author_list_to_manage(request.user, pk)
    found = get_object_or_404(NameConfirmation, pk=name, author_list=author_list)
    if request.method == "POST":
        form = forms.CorrectNameForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            reason = data.pop("reason")
            try:
                services.name_correct(actor=request.user, name=found, values=data, reason=reason)
            except ValidationError as error:
                copy_errors(form, error)
            else:
                messages.success(request, f"Corrected: {found}.")
                return redirect("credit:study", pk)
    else:
        form = forms.CorrectNameForm(initial={f: getattr(found, f) for f in services.NAME_FIELDS})
    context = {"study": author_list.study, "author_list": author_list, "name": found, "form": form}
    return render_page(request, "credit/correct.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def lock(request: AuthedRequest, pk: int) -> HttpResponse:
    author_list = access.get_author_list_to_manage(request.user, pk)
    return _act(
        request,
        pk,
        lambda: services.list_lock(actor=request.user, author_list=author_list),
        "The list is locked for submission. Later changes need the committee and are audited.",
    )


@login_required
@require_POST
def unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    author_list = access.get_author_list_to_manage(request.user, pk)
    form = forms.UnlockForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        return _act(
            request,
            pk,
            lambda: services.list_unlock(
                actor=request.user, author_list=author_list, reason=reason
            ),
            "The list is open again; lock it once the changes are made.",
        )
    return _committee_page(request, author_list.study, author_list, 400, unlock_form=form)


def _act(request: AuthedRequest, pk: int, action: Callable[[], object], done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("credit:study", pk)


EXPORTS = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "collaborators.docx",
    ),
    "csv": ("text/csv; charset=utf-8", "collaborators.csv"),
    "pubmed": ("text/plain; charset=utf-8", "collaborators-pubmed.txt"),
}


@login_required
def export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """The list as a file: the committee's, whether locked or a draft (marked so)."""
    if fmt == "certificate":
        return _certificate(request, pk)
    if fmt not in EXPORTS:
        raise Http404("Export as docx, csv or pubmed.")
    author_list = access.get_author_list_to_manage(request.user, pk)
    listing = selectors.current_list(author_list)
    content_type, filename = EXPORTS[fmt]
    if fmt == "docx":
        body = exports.list_docx(listing, study_title=author_list.study.title)
    elif fmt == "csv":
        body = exports.list_csv(listing)
    else:
        body = exports.list_pubmed(listing)
    if not author_list.is_locked:
        filename = "draft-" + filename
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _certificate(request: AuthedRequest, pk: int) -> HttpResponse:
    """A collaborator's own certificate, once they are on the locked list."""
    found = access.get_study(request.user, pk)
    author_list = AuthorList.objects.filter(study=found, locked_at__isnull=False).first()
    listing = selectors.current_list(author_list) if author_list else None
    person = next(
        (
            p
            for g in (listing.groups if listing else ())
            for p in g.people
            if p.person_id == request.user.pk
        ),
        None,
    )
    if person is None or author_list is None:
        raise Http404("A certificate comes with a place on the locked collaborator list.")
    body = exports.certificate_pdf(
        selectors.contribution_of(found, request.user) or person,
        consortium_name=author_list.consortium_name,
        study_title=found.title,
        issued=timezone.localdate(),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="certificate-of-contribution.pdf"'
    return response


# --- The network dashboard (credit.dashboard) ------------------------------------------


def _charted(figures: list[dashboard.Figure]) -> list[dict[str, object]]:
    return [
        {
            "figure": fig,
            "svg": dashboard.bar_svg(fig, dashboard.chart_column(fig)),
            "table": dashboard.table_html(fig),
        }
        for fig in figures
    ]


@login_required
def network(request: AuthedRequest) -> HttpResponse:
    """The committee's dashboard: the four aims, each figure a chart, a table and a CSV."""
    access.require_dashboard(request.user)
    as_of, computed = dashboard.cached_aims()
    aims = [{"aim": aim, "figures": _charted(aim.figures)} for aim in computed]
    setting = DashboardSetting.current()
    form = forms.DashboardSettingForm(initial={"public_summary": setting.public_summary})
    return render_page(
        request,
        "credit/network.html",
        {"aims": aims, "setting": setting, "form": form, "as_of": as_of},
    )


@login_required
def network_csv(request: AuthedRequest, key: str) -> HttpResponse:
    """One figure's table as CSV (cells a spreadsheet would run are neutralised)."""
    access.require_dashboard(request.user)
    fig = dashboard.find(dashboard.cached_aims()[1], key)
    if fig is None:
        raise Http404("No such figure.")
    return _figure_csv(fig)


def _figure_csv(fig: dashboard.Figure) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in fig.csv_rows():
        writer.writerow(spreadsheet_safe_cells(row))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{fig.key}.csv"'
    return response


@login_required
@require_POST
def network_settings(request: AuthedRequest) -> HttpResponse:
    """Switch the public summary on or off (audited)."""
    access.require_dashboard(request.user)
    form = forms.DashboardSettingForm(request.POST)
    form.is_valid()  # a checkbox: absent is off, so every input is valid
    on = bool(form.cleaned_data.get("public_summary"))
    services.dashboard_setting_save(actor=request.user, public_summary=on)
    messages.success(request, "The public summary is on." if on else "The public summary is off.")
    return redirect("credit:network")


def summary(request: HttpRequest) -> HttpResponse:
    """The public summary: counts by region only, small counts shown as "<5"; 404 when off."""
    access.require_public_summary()
    return render_page(
        request,
        "credit/summary.html",
        {"figures": _charted(dashboard.public_summary(dashboard.cached_aims()[1]))},
    )


def summary_csv(request: HttpRequest, key: str) -> HttpResponse:
    access.require_public_summary()
    figures = dashboard.public_summary(dashboard.cached_aims()[1])
    fig = next((f for f in figures if f.key == key), None)
    if fig is None:
        raise Http404("No such figure.")
    return _figure_csv(fig)


# --- Portfolio studies (credit.portfolio) ----------------------------------------------


@login_required
def portfolio_list(request: AuthedRequest) -> HttpResponse:
    access.require_portfolio(request.user)
    sites = access.portfolio_sites(request.user)
    studies = (
        PortfolioStudy.objects.filter(site__in=sites)
        .select_related("site")
        # Two sums over two relations: one join each would multiply one by the other.
        .annotate(
            recruited=Subquery(
                PortfolioRecruitment.objects.filter(study=OuterRef("pk"))
                .values("study")
                .annotate(n=Sum("recruited"))
                .values("n")
            ),
            trainee_count=Subquery(
                PortfolioTrainee.objects.filter(study=OuterRef("pk"))
                .values("study")
                .annotate(n=Count("pk"))
                .values("n")
            ),
        )
    )
    return render_page(request, "credit/portfolio_list.html", {"studies": studies, "sites": sites})


@login_required
def portfolio_new(request: AuthedRequest) -> HttpResponse:
    access.require_portfolio(request.user)
    sites = access.portfolio_sites(request.user)
    form = forms.PortfolioStudyForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        access.require_portfolio_site(request.user, data["site"])
        if PortfolioStudy.objects.filter(site=data["site"], title=data["title"]).exists():
            form.add_error("title", "This site already records a study of that title.")
        else:
            study = portfolio.study_save(
                actor=request.user,
                site=data["site"],
                title=data["title"],
                reference=data["reference"],
                target=data["target"],
            )
            messages.success(request, "Study recorded. Add each month's recruitment below.")
            return redirect(study)
    status = 400 if request.method == "POST" else 200
    return render_page(
        request, "credit/portfolio_form.html", {"form": form, "study": None}, status=status
    )


@login_required
def portfolio_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    study = access.get_portfolio_study(request.user, pk)
    initial = {"site": study.site, "title": study.title, "reference": study.reference}
    form = forms.PortfolioStudyForm(
        request.POST or None, sites=[study.site], initial={**initial, "target": study.target}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clash = PortfolioStudy.objects.filter(site=study.site, title=data["title"])
        if clash.exclude(pk=study.pk).exists():
            form.add_error("title", "This site already records a study of that title.")
        else:
            portfolio.study_save(
                actor=request.user,
                site=study.site,
                title=data["title"],
                reference=data["reference"],
                target=data["target"],
                study=study,
            )
            messages.success(request, "Study saved.")
            return redirect(study)
    status = 400 if request.method == "POST" else 200
    return render_page(
        request, "credit/portfolio_form.html", {"form": form, "study": study}, status=status
    )


def _portfolio_page(
    request: AuthedRequest,
    study: PortfolioStudy,
    status: int = 200,
    month_form: forms.RecruitmentMonthForm | None = None,
    trainee_form: forms.PortfolioTraineeForm | None = None,
) -> HttpResponse:
    context = {
        "study": study,
        "months": study.months.all(),
        "trainees": study.trainees.select_related("person"),
        "recruited": portfolio.recruited_total(study),
        "month_form": month_form or forms.RecruitmentMonthForm(),
        "trainee_form": trainee_form or forms.PortfolioTraineeForm(site=study.site),
    }
    return render_page(request, "credit/portfolio_study.html", context, status=status)


@login_required
def portfolio_study(request: AuthedRequest, pk: int) -> HttpResponse:
    return _portfolio_page(request, access.get_portfolio_study(request.user, pk))


@login_required
@require_POST
def portfolio_month(request: AuthedRequest, pk: int) -> HttpResponse:
    study = access.get_portfolio_study(request.user, pk)
    form = forms.RecruitmentMonthForm(request.POST)
    if form.is_valid():
        portfolio.month_record(
            actor=request.user,
            study=study,
            month=form.cleaned_data["month"],
            recruited=form.cleaned_data["recruited"],
        )
        messages.success(request, "Recruitment recorded.")
        return redirect(study)
    return _portfolio_page(request, study, 400, month_form=form)


@login_required
@require_POST
def portfolio_trainee(request: AuthedRequest, pk: int) -> HttpResponse:
    study = access.get_portfolio_study(request.user, pk)
    form = forms.PortfolioTraineeForm(request.POST, site=study.site)
    if form.is_valid():
        portfolio.trainee_add(
            actor=request.user,
            study=study,
            person=form.cleaned_data["email"],
            part=form.cleaned_data["part"],
        )
        messages.success(request, "Trainee added.")
        return redirect(study)
    return _portfolio_page(request, study, 400, trainee_form=form)


@login_required
@require_POST
def portfolio_trainee_remove(request: AuthedRequest, pk: int, row: int) -> HttpResponse:
    study = access.get_portfolio_study(request.user, pk)
    found = get_object_or_404(PortfolioTrainee, pk=row, study=study)
    portfolio.trainee_remove(actor=request.user, row=found)
    messages.success(request, "Trainee removed.")
    return redirect(study)


# --- Contribution records and group-authorship works (credit.contributions) -----------


@login_required
def contributions_list(request: AuthedRequest, pk: int) -> HttpResponse:
    """A site lead's collaborators (the committee's: everyone), to confirm what they did."""
    found, sites = access.get_study_to_confirm(request.user, pk)
    rows = contributions.rows_for(request.user, found, sites)
    context = {"study": found, "rows": rows, "committee": sites is None}
    return render_page(request, "credit/contributions.html", context)


@login_required
def contribution(request: AuthedRequest, pk: int, person: int) -> HttpResponse:
    record = access.get_contribution_record(request.user, pk, person)
    context = {"record": record, "summary": contributions.summary(record)}
    return render_page(request, "credit/contribution.html", context)


@login_required
@require_POST
def contribution_confirm(request: AuthedRequest, pk: int, person: int) -> HttpResponse:
    from accounts.models import User

    found, sites = access.get_study_to_confirm(request.user, pk)
    who = get_object_or_404(User, pk=person)
    try:
        contributions.contribution_confirm(actor=request.user, study=found, person=who, sites=sites)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Contribution of {who} confirmed.")
    return redirect("credit:contributions", pk)


@login_required
@require_POST
def publication(request: AuthedRequest, pk: int) -> HttpResponse:
    author_list = access.get_author_list_to_manage(request.user, pk)
    doi = request.POST.get("doi", "")
    return _act(
        request,
        pk,
        lambda: contributions.publication_link(
            actor=request.user, author_list=author_list, doi=doi
        ),
        "Publication linked: collaborators can now add it to their ORCID record.",
    )


@login_required
def works(request: AuthedRequest) -> HttpResponse:
    context = {
        "works": contributions.works_of(request.user),
        "waiting": contributions.waiting_for_publication(request.user),
        "records": contributions.citable_for(request.user),
    }
    return render_page(request, "credit/works.html", context)


WORK_FORMATS = {
    "orcid.json": ("application/json", "group-authorship-works-orcid.json"),
    "bib": ("application/x-bibtex; charset=utf-8", "group-authorship-works.bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "group-authorship-works.ris"),
}


@login_required
def works_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    if fmt not in WORK_FORMATS:
        raise Http404("No such format.")
    if fmt == "orcid.json":
        import json

        body = json.dumps(contributions.orcid_works(request.user), indent=2, ensure_ascii=False)
    elif fmt == "bib":
        body = contributions.works_bibtex(request.user)
    else:
        body = contributions.works_ris(request.user)
    content_type, filename = WORK_FORMATS[fmt]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
