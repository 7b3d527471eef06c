from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_POST

from core.conflicts import conflict_notice, form_save, page_status
from core.exceptions import EditConflict
from core.forms import FormData, copy_errors
from core.fragments import cached_page
from core.types import AuthedRequest
from events import access, feeds, selectors, services
from events.forms import AttendForm, DeadlineForm, EventForm, FilterForm, PlanForm, PreferencesForm
from events.models import (
    Attendance,
    Conference,
    Deadline,
    Edition,
    Event,
    FeedToken,
    ReminderPreference,
)
from events.times import ZONE_CHOICES, wall_clock
from people.models import Term, TraineeProfile
from training.models import Tracker

if TYPE_CHECKING:
    from accounts.models import User

ICS = "text/calendar; charset=utf-8"


@login_required
def calendar(request: AuthedRequest) -> HttpResponse:
    """Coming deadlines (followed first) and events, in the viewer's own time zone."""
    access.require_member(request.user)
    now = timezone.now().replace(second=0, microsecond=0)

    def build() -> tuple[dict[str, object], int]:
        form = FilterForm(request.GET)
        term = form.cleaned_data["subspecialty"] if form.is_valid() else None
        page = selectors.calendar_page(request.user, now=now, term=term)
        return {
            "form": form,
            "page": page,
            "now": now,
            "curator": access.may_curate(request.user),
            # Built once: a reverse() for each of hundreds of conferences would cost more.
            "conference_base": reverse("events:calendar") + "conferences/",
        }, 200

    # What is "coming" moves with the clock: the minute is part of the key.
    return cached_page(
        request,
        "events/calendar.html",
        "events/_calendar.html",
        fragment="listing",
        apps=CALENDAR_SHOWS,
        build=build,
        extra=(now.isoformat(),),
    )


# The apps whose rows the calendar shows (core.fragments keys on them): conferences,
# deadlines, events and follows; terms; projects' milestones; sites; names; the glossary.
CALENDAR_SHOWS = ("events", "people", "projects", "network", "accounts", "glossary")


@login_required
def conference(request: AuthedRequest, slug: str) -> HttpResponse:
    access.require_member(request.user)
    found = selectors.conference_page(slug)
    now = timezone.now()
    context = {
        "conference": found,
        "editions": selectors.editions_of(found),
        "following": found.pk in selectors.followed_ids(request.user),
        "curator": access.may_curate(request.user),
        "projects": selectors.led_projects(request.user),
        "plannable": selectors.plannable_deadlines(now=now).filter(edition__conference=found),
        "now": now,
    }
    return render(request, "events/conference.html", context)


@login_required
@require_POST
def follow(request: AuthedRequest, slug: str) -> HttpResponse:
    access.require_member(request.user)
    found = get_object_or_404(Conference, slug=slug)
    if request.POST.get("action") == "unfollow":
        services.conference_unfollow(person=request.user, conference=found)
        messages.success(request, f"You no longer follow {found.society}.")
    else:
        services.conference_follow(person=request.user, conference=found)
        messages.success(
            request,
            f"You follow {found.society}: its deadlines are in your calendar and reminders.",
        )
    return redirect(found)


def _deadline_initial(deadline: Deadline) -> dict[str, object]:
    local = deadline.due_at.astimezone(deadline.zone).replace(tzinfo=None)
    return {
        "kind": deadline.kind,
        "local": local,
        "time_zone": deadline.time_zone,
        "time_stated": deadline.time_stated,
        "opens_on": deadline.opens_on,
        "stated_as": deadline.stated_as,
        "word_limit": deadline.word_limit,
        "limit_note": deadline.limit_note,
        "categories": deadline.categories,
        "source": deadline.source,
        "version": deadline.version,
    }


@login_required
def deadline_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a deadline, or confirm an estimate by entering the published values."""
    access.require_curator(request.user)
    deadline = get_object_or_404(Deadline.objects.with_conference(), pk=pk)
    return _deadline_form(request, deadline.edition, deadline)


@login_required
def deadline_new(request: AuthedRequest, edition_pk: int) -> HttpResponse:
    access.require_curator(request.user)
    edition = get_object_or_404(Edition.objects.select_related("conference"), pk=edition_pk)
    return _deadline_form(request, edition, None)


def _deadline_form(
    request: AuthedRequest, edition: Edition, deadline: Deadline | None
) -> HttpResponse:
    initial = _deadline_initial(deadline) if deadline else {}
    form = DeadlineForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {k: v for k, v in data.items() if k != "version"}
        given = services.DeadlineInput(**{**values, "local": wall_clock(data["local"])})
        outcome = form_save(
            form,
            lambda: services.deadline_save(
                actor=request.user,
                edition=edition,
                given=given,
                deadline=deadline,
                version=data["version"],
            ),
        )
        if outcome.saved:
            messages.success(request, f"Saved the deadline of {edition}.")
            return redirect(edition.conference)
        conflict = outcome.conflict
    context = {
        "form": form,
        "edition": edition,
        "deadline": deadline,
        "conflict": conflict,
        "zones": ZONE_CHOICES,
    }
    return render(request, "events/deadline_form.html", context, status=page_status(form, conflict))


def _hours_of(user: User) -> int:
    profile = TraineeProfile.objects.filter(person=user).first()
    return max(1, profile.hours_per_week) if profile else 4


def _plan_data(request: AuthedRequest, initial: dict[str, object]) -> FormData | None:
    """What the plan form reads: a POST, a GET preview, or `?for=<deadline>` with defaults."""
    if request.method == "POST":
        return request.POST
    if "deadline" in request.GET:
        return request.GET
    if "for" in request.GET:
        return {**initial, "deadline": request.GET["for"]}
    return None


# After a team member moved one of the plan's milestones while the lead was accepting it.
PLAN_AGAIN = "Nothing of the plan was accepted. Look at the proposed milestones again, then accept."


@login_required
def plan(request: AuthedRequest, project_pk: int) -> HttpResponse:
    """A project's target conference and its back-plan: the team reads, the lead changes."""
    project = access.get_plan_project(request.user, project_pk)
    lead = project.lead_id == request.user.pk
    target = selectors.target_of(project.pk)
    now, zone = timezone.now(), request.user.time_zone
    today = timezone.localdate()
    initial: dict[str, object] = {
        "deadline": target.deadline_id if target else None,
        "version": target.version if target else None,
        "buffer_days": target.buffer_days if target else 7,
        "hours_per_week": target.hours_per_week if target else _hours_of(request.user),
    }
    data = _plan_data(request, initial)
    form = PlanForm(data, initial=initial, deadlines=selectors.plannable_deadlines(now=now))
    proposal = None
    conflict = None
    if data is not None and form.is_valid():
        access.get_plan_project(request.user, project_pk, change=True)
        values = form.cleaned_data
        try:
            proposal = services.plan_for(
                project,
                values["deadline"],
                zone=zone,
                buffer_days=values["buffer_days"],
                hours_per_week=values["hours_per_week"],
                today=today,
            )
            if request.method == "POST":
                services.plan_accept(actor=request.user, project=project, **values, today=today)
                messages.success(request, "The plan's milestones are in the project workspace.")
                return redirect("events:plan", project_pk=project.pk)
        except EditConflict as clash:
            conflict = conflict_notice(clash, next_step=PLAN_AGAIN)
        except ValidationError as error:
            copy_errors(form, error)
    context = {
        "project": project,
        "lead": lead,
        "target": target,
        "form": form,
        "proposal": proposal,
        "conflict": conflict,
        "state": services.plan_state(target, zone=zone, today=today) if target else None,
    }
    return render(request, "events/plan.html", context, status=page_status(form, conflict))


@login_required
def event_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    event = access.get_event_for_user(request.user, pk)
    attended = (
        Attendance.objects.filter(event=event, person=request.user)
        .select_related("evidence")
        .first()
    )
    context = {
        "event": event,
        "attended": attended,
        "form": AttendForm(person=request.user),
        "manage": access.may_manage_event(request.user, event.site),
        "started": event.starts_at <= timezone.now(),
    }
    return render(request, "events/event.html", context)


@login_required
@require_POST
def attend(request: AuthedRequest, pk: int) -> HttpResponse:
    event = access.get_event_for_user(request.user, pk)
    form = AttendForm(request.POST, person=request.user)
    category = form.cleaned_data["category"] if form.is_valid() else None
    tracker = (
        Tracker.objects.filter(
            person=request.user, requirement_set_id=category.requirement_set_id
        ).first()
        if category
        else None
    )
    try:
        services.attendance_mark(
            person=request.user, event=event, tracker=tracker, category=category
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        extra = f" It counts as evidence for {category.name}." if category else ""
        messages.success(request, f"Attendance recorded.{extra}")
    return redirect(event)


def _event_initial(event: Event) -> dict[str, object]:
    zone = zoneinfo.ZoneInfo(event.time_zone)
    return {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "starts": event.starts_at.astimezone(zone).replace(tzinfo=None),
        "ends": event.ends_at.astimezone(zone).replace(tzinfo=None),
        "time_zone": event.time_zone,
        "location": event.location,
        "site": event.site_id,
        "url": event.url,
        "subspecialties": list(event.subspecialties.all()),
        "version": event.version,
    }


@login_required
def event_form(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    access.require_event_creator(request.user)
    event = access.get_event_for_user(request.user, pk, manage=True) if pk else None
    form = EventForm(request.POST or None, initial=_event_initial(event) if event else {})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        starts, ends = wall_clock(data.pop("starts")), wall_clock(data.pop("ends"))
        outcome = form_save(
            form,
            lambda: services.event_save(
                actor=request.user, event=event, starts_local=starts, ends_local=ends, **data
            ),
        )
        if outcome.saved and outcome.result is not None:
            messages.success(request, f"Saved “{outcome.result}”.")
            return redirect(outcome.result)
        conflict = outcome.conflict
    context = {"form": form, "event": event, "zones": ZONE_CHOICES, "conflict": conflict}
    return render(request, "events/event_form.html", context, status=page_status(form, conflict))


def _webcal(request: HttpRequest, path: str) -> str:
    return f"webcal://{request.get_host()}{path}"


@login_required
def feeds_page(request: AuthedRequest) -> HttpResponse:
    """My private feed (the address is shown once, when made), public feeds and reminders."""
    access.require_member(request.user)
    secret = request.session.pop("events_feed_secret", None)
    preference = ReminderPreference.objects.filter(person=request.user).first()
    initial = {"deadlines": True, "milestones": True, "digest": True}
    if preference is not None:
        initial = {k: getattr(preference, k) for k in initial}
    path = reverse("events:private_feed", args=[secret]) if secret else ""
    context = {
        "secret": secret,
        "webcal": _webcal(request, path) if secret else "",
        "https": request.build_absolute_uri(path) if secret else "",
        "active": FeedToken.objects.filter(person=request.user, revoked_at__isnull=True).first(),
        "terms": selectors.subspecialties(),
        "host": request.get_host(),
        "form": PreferencesForm(initial=initial),
    }
    return render(request, "events/feeds.html", context)


@login_required
@require_POST
def feed_token(request: AuthedRequest) -> HttpResponse:
    access.require_member(request.user)
    if request.POST.get("action") == "revoke":
        services.feed_token_revoke(person=request.user)
        messages.success(request, "Your calendar feed address no longer works.")
    else:
        issued = services.feed_token_create(person=request.user)
        # Shown once on the next page, then only its digest remains.
        request.session["events_feed_secret"] = issued.secret
        messages.success(
            request, "Your new calendar feed address is below; any earlier one stopped working."
        )
    return redirect("events:feeds")


@login_required
@require_POST
def preferences(request: AuthedRequest) -> HttpResponse:
    access.require_member(request.user)
    form = PreferencesForm(request.POST)
    form.is_valid()  # every field is an optional tick box: always valid
    services.reminder_preferences_save(person=request.user, **form.cleaned_data)
    messages.success(request, "Your reminder choices are saved.")
    return redirect("events:feeds")


def _calendar_response(request: HttpRequest, body: bytes, *, private: bool) -> HttpResponse:
    """The feed with a strong ETag; a client that already holds these bytes gets a 304.

    Calendar apps fetch a subscription every few minutes, and most fetches find nothing
    new: the 304 spares sending the whole feed again.
    """
    response = HttpResponse(body, content_type=ICS)
    response["ETag"] = feeds.etag_of(body)
    # A private feed's address is its secret: no shared cache may keep it, and every
    # fetch asks again, so that a revoked address stops working at once.
    response["Cache-Control"] = "private, no-cache" if private else "public, max-age=900"
    return get_conditional_response(request, etag=response["ETag"], response=response) or response


def private_feed(request: HttpRequest, secret: str) -> HttpResponse:
    person = access.feed_owner(secret)
    now = timezone.now()
    body = feeds.render(f"RadCollab — {person}", feeds.private_entries(person, now=now), now=now)
    return _calendar_response(request, body, private=True)


def public_feed(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(Term, kind=Term.Kind.SUBSPECIALTY, slug=slug)
    now = timezone.now()
    body = feeds.render(
        f"RadCollab — {term} deadlines", feeds.public_entries(term, now=now), now=now
    )
    return _calendar_response(request, body, private=False)
