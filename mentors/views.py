from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from core.extensions import provided
from core.forms import copy_errors
from core.fragments import cached_page
from core.types import AuthedRequest
from mentors import services
from mentors.access import get_request_for_user, requests_visible_to
from mentors.directory import directory_search
from mentors.forms import ContactRequestForm, DirectoryForm, ReplyForm
from mentors.models import ContactRequest
from mentors.selectors import reply_record, track_record
from network import access
from people.drafts import mentor_request_initial
from people.models import MentorProfile
from people.selectors import home_site


@login_required
def contact(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Write to a mentor through the guided form."""
    access.require(request.user, access.Action.VIEW_DIRECTORY)
    mentor = get_object_or_404(User.objects.filter(is_active=True), pk=person_id)
    initial = mentor_request_initial(request.user)  # what the profile already says
    form = ContactRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.contact_request_send(
                trainee=request.user, mentor=mentor, **form.cleaned_data
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(
                request, f"Request sent to {mentor}. You will get their reply by email."
            )
            return redirect(sent)
    context = {"form": form, "mentor": mentor}
    return render(request, "mentors/contact.html", context, status=400 if form.errors else 200)


@login_required
def requests(request: AuthedRequest) -> HttpResponse:
    mine = requests_visible_to(request.user)
    context = {
        "sent": [r for r in mine if r.trainee_id == request.user.pk],
        "received": [r for r in mine if r.mentor_id == request.user.pk],
    }
    return render(request, "mentors/requests.html", context)


@login_required
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_request_for_user(request.user, pk)
    return render(request, "mentors/request.html", _detail_context(request, found))


def _detail_context(request: AuthedRequest, found: ContactRequest) -> dict[str, object]:
    is_mentor = found.mentor_id == request.user.pk
    pending = found.state == ContactRequest.State.PENDING
    return {
        "item": found,
        "is_mentor": is_mentor,
        "can_answer": is_mentor and pending,
        "can_withdraw": not is_mentor and pending,
        "can_complete": found.state == ContactRequest.State.ACCEPTED,
        "reply_form": ReplyForm(),
    }


# Moves that end a request for good ask "are you sure?" on a page of their own, so the
# step works without JavaScript; the confirming form posts `confirmed`.
CONFIRM = {
    "decline": ("Decline this request?", "Yes, decline", "The trainee is emailed your reply."),
    "withdraw": (
        "Withdraw your request?",
        "Yes, withdraw it",
        "The mentor is told; you can write to them again later.",
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def request_move(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """Accept or complete at once; decline and withdraw after a confirmation page."""
    found = get_request_for_user(request.user, pk)
    form = ReplyForm(request.POST or None)
    reply = form.cleaned_data["reply"] if form.is_valid() else ""
    if action in CONFIRM and not request.POST.get("confirmed"):
        question, button, consequence = CONFIRM[action]
        context = {
            "item": found,
            "action": action,
            "question": question,
            "button": button,
            "consequence": consequence,
            "reply": reply,
        }
        return render(request, "mentors/confirm.html", context)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.contact_request_move(actor=request.user, request=found, action=action, reply=reply)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Done: the other side has been emailed.")
    return redirect(found)


@login_required
def mentor_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A mentor's page: their profile and how they answer, measured."""
    access.require(request.user, access.Action.VIEW_DIRECTORY)
    profile = get_object_or_404(
        MentorProfile.objects.select_related("person", "site").prefetch_related("expertise"),
        person_id=person_id,
        person__is_active=True,
    )
    current = provided("current_projects_for_mentor")
    context = {
        "profile": profile,
        "mentor": profile.person,
        "record": reply_record(profile.person),
        "track": track_record(profile),
        "projects": current(profile.person) if current else None,
    }
    return render(request, "mentors/mentor.html", context)


@login_required
def directory(request: AuthedRequest) -> HttpResponse:
    """Find a mentor: search and filters in the URL; htmx swaps only the results."""
    access.require(request.user, access.Action.VIEW_DIRECTORY)

    def build() -> tuple[dict[str, object], int]:
        form = DirectoryForm(request.GET)  # every filter is optional: no filters is valid
        if not form.is_valid():
            return {"form": form}, 400
        home = home_site(request.user)
        query = form.to_query(home)
        results = directory_search(query)
        pages = results.paginator.get_elided_page_range(results.number, on_each_side=2, on_ends=1)
        return {
            "form": form,
            "results": results,
            "query": query,
            "home": home,
            "page_links": pages,
        }, 200

    return cached_page(
        request,
        "mentors/directory.html",
        "mentors/_directory.html",
        fragment="results",
        apps=DIRECTORY_SHOWS,
        build=build,
    )


# The apps whose rows the directory's cards and filters show (core.fragments keys on
# them): mentors' records and statistics, profiles and terms, sites and regions, names.
DIRECTORY_SHOWS = ("mentors", "people", "network", "accounts")
