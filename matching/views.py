from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.conflicts import form_save, page_status
from core.forms import copy_errors
from core.types import AuthedRequest
from matching import access, services, workflow
from matching.forms import (
    AgreementForm,
    DecisionForm,
    FeedbackForm,
    OfferForm,
    ReassignForm,
    RequestForm,
    RoundForm,
    SchemeForm,
)
from matching.models import Agreement, Decision, Match, MenteeRequest, MentorOffer, Round, Scheme
from matching.selectors import committee_view, participant_view

if TYPE_CHECKING:
    from accounts.models import User


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    rounds = access.rounds_visible_to(request.user).order_by("scheme__name", "-created_at")
    context = {
        "rounds": rounds,
        "schemes": Scheme.objects.order_by("name"),
        "committee": access.is_committee(request.user),
    }
    return render(request, "matching/index.html", context)


@login_required
def scheme_new(request: AuthedRequest) -> HttpResponse:
    access.require_committee(request.user)
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {
            k: v
            for k, v in form.cleaned_data.items()
            if not k.startswith("weight_") and k != "version"
        }
        try:
            services.scheme_create(actor=request.user, weights=form.weights(), **fields)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"Scheme {fields['name']} created: now open a round.")
            return redirect("matching:index")
    status = 400 if form.errors else 200
    return render(
        request, "matching/form.html", {"form": form, "title": "New scheme"}, status=status
    )


@login_required
def scheme_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The committee changes a scheme's rules and weights; the next run uses them."""
    access.require_committee(request.user)
    scheme = get_object_or_404(Scheme, pk=pk)
    # The form edits a copy, so that a refused save leaves the page's title and the
    # saved scheme as they were.
    form = SchemeForm(request.POST or None, instance=Scheme.objects.get(pk=pk))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        fields = {k: v for k, v in data.items() if not k.startswith("weight_")}
        outcome = form_save(
            form,
            lambda: services.scheme_update(
                actor=request.user,
                scheme_id=scheme.pk,
                version=version,
                weights=form.weights(),
                **fields,
            ),
        )
        if outcome.saved:
            messages.success(request, f"Scheme {fields['name']} saved: the next run uses it.")
            return redirect("matching:index")
        conflict = outcome.conflict
    context = {"form": form, "title": f"Change {scheme}", "conflict": conflict}
    return render(request, "matching/form.html", context, status=page_status(form, conflict))


@login_required
def round_new(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_committee(request.user)
    scheme = get_object_or_404(Scheme, pk=pk)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.round_create(actor=request.user, scheme=scheme, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"{made} is open for sign-up.")
            return redirect(made)
    context = {"form": form, "title": f"New round of {scheme}"}
    return render(request, "matching/form.html", context, status=400 if form.errors else 200)


@login_required
def round_page(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_round_for_user(request.user, pk)
    context: dict[str, object] = {"round": found, **participant_view(found, request.user)}
    if access.is_committee(request.user):
        try:
            access.require_committee(request.user)
        except PermissionDenied as refusal:
            context["committee_refusal"] = str(refusal)
        else:
            context.update(committee_view(found))
    return render(request, "matching/round.html", context)


@login_required
def offer(request: AuthedRequest, pk: int) -> HttpResponse:
    """The call for mentors."""
    found = access.get_round_for_user(request.user, pk)
    mine = MentorOffer.objects.filter(round=found, mentor=request.user).first()
    form = OfferForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_save(actor=request.user, round_=found, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Thank you: your answer to the call for mentors is saved.")
            return redirect(found)
    status = 400 if form.errors else 200
    context = {"round": found, "form": form, "side": "mentor"}
    return render(request, "matching/call.html", context, status=status)


@login_required
def mentee_request(request: AuthedRequest, pk: int) -> HttpResponse:
    """The call for mentees."""
    found = access.get_round_for_user(request.user, pk)
    mine = MenteeRequest.objects.filter(round=found, mentee=request.user).first()
    form = RequestForm(request.POST or None, instance=mine, round_=found, mentee=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("choice_")}
        try:
            services.request_save(actor=request.user, round_=found, ranked=form.ranked(), **data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Thank you: your answer to the call for mentees is saved.")
            return redirect(found)
    status = 400 if form.errors else 200
    context = {"round": found, "form": form, "side": "mentee"}
    return render(request, "matching/call.html", context, status=status)


def _committee_post(request: AuthedRequest, pk: int) -> Round:
    found = access.get_round_for_user(request.user, pk)
    access.require_committee(request.user)
    return found


@login_required
@require_POST
def run(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _committee_post(request, pk)
    try:
        queued = services.round_run_or_queue(actor=request.user, round_=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(found)
    found.refresh_from_db()
    if queued:
        messages.success(request, "This round is large: the match runs in the background.")
    else:
        messages.success(
            request,
            f"Draft match run: {found.matches.count()} pairs, {len(found.unmatched)} left out.",
        )
    return redirect(found)


@login_required
@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _committee_post(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a mentee, a mentor and pin, forbid or clear.")
        return redirect(found)
    mentee = get_object_or_404(MenteeRequest, pk=form.cleaned_data["request"], round=found)
    mentor = get_object_or_404(MentorOffer, pk=form.cleaned_data["offer"], round=found)
    kind = form.cleaned_data["kind"]
    try:
        services.decision_set(
            actor=request.user, round_=found, request=mentee, offer=mentor, kind=kind
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        said = dict(Decision.Kind.choices).get(kind, "Cleared")
        messages.success(
            request, f"{said}: {mentee.mentee} with {mentor.mentor}. Rerun the match to see it."
        )
    return redirect(found)


@login_required
@require_POST
def publish(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _committee_post(request, pk)
    try:
        services.round_publish(actor=request.user, round_=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Published: every mentee and mentor has been emailed.")
    return redirect(found)


@login_required
def my_match(request: AuthedRequest, pk: int) -> HttpResponse:
    """A published match, to its mentee or mentor: why, and what comes next."""
    match = access.get_match_for_party(request.user, pk)
    return render(request, "matching/match.html", match_context(match, request.user))


def match_context(match: Match, user: User, **forms: object) -> dict[str, object]:
    side = access.side_of(user, match)
    agreement = Agreement.objects.filter(match=match).first()
    given = {f.side: f for f in match.feedback.all()}
    return {
        "match": match,
        "side": side,
        "agreement": agreement,
        "agreed_by_me": bool(agreement and getattr(agreement, f"{side}_agreed_at")),
        "my_feedback": given.get(side),
        "their_feedback_given": any(s != side for s in given),
        "reassign_form": forms.get("reassign_form") or ReassignForm(),
        "agreement_form": forms.get("agreement_form") or AgreementForm(instance=agreement),
        "feedback_form": forms.get("feedback_form") or FeedbackForm(),
    }


def _match_post(
    request: AuthedRequest,
    pk: int,
    form: forms.BaseForm,
    name: str,
    act: Callable[[Match, dict[str, Any]], str],
) -> HttpResponse:
    """Validate `form`, call `act(match, data)`, redirect; errors re-render the page."""
    match = access.get_match_for_party(request.user, pk)
    if form.is_valid():
        try:
            said = act(match, form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, said)
            return redirect(match)
    context = match_context(match, request.user, **{name: form})
    return render(request, "matching/match.html", context, status=400)


@login_required
@require_POST
def accept(request: AuthedRequest, pk: int) -> HttpResponse:
    match = access.get_match_for_party(request.user, pk)
    try:
        workflow.match_accept(actor=request.user, match=match)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You accepted {match.offer.mentor} as your mentor.")
    return redirect(match)


@login_required
@require_POST
def reassign(request: AuthedRequest, pk: int) -> HttpResponse:
    def act(match: Match, data: dict[str, Any]) -> str:
        moved = workflow.match_reassign(actor=request.user, match=match, reason=data["reason"])
        if moved is None:
            return "No other mentor has a place this round; the committee has been told."
        return f"Your new mentor is {moved.offer.mentor}. See why below."

    form = ReassignForm(request.POST)
    response = _match_post(request, pk, form, "reassign_form", act)
    if response.status_code == 302 and not Match.objects.filter(pk=pk).exists():
        return redirect("matching:index")
    return response


@login_required
@require_POST
def agreement(request: AuthedRequest, pk: int) -> HttpResponse:
    def act(match: Match, data: dict[str, Any]) -> str:
        made = workflow.agreement_record(actor=request.user, match=match, **data)
        if made.confirmed:
            return "Your agreement is confirmed by both of you."
        return "Your agreement is saved; the other side has been asked to confirm it."

    return _match_post(request, pk, AgreementForm(request.POST), "agreement_form", act)


@login_required
@require_POST
def feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    def act(match: Match, data: dict[str, Any]) -> str:
        workflow.feedback_give(actor=request.user, match=match, **data)
        match.refresh_from_db()
        if match.state == Match.State.COMPLETED:
            return "Thank you. The mentoring is complete: download your certificate below."
        return "Thank you for your feedback."

    return _match_post(request, pk, FeedbackForm(request.POST), "feedback_form", act)


@login_required
def certificate(request: AuthedRequest, pk: int) -> HttpResponse:
    match = access.get_match_for_party(request.user, pk)
    if match.state != Match.State.COMPLETED:
        messages.error(request, "The certificate comes once both of you have given feedback.")
        return redirect(match)
    pdf = workflow.certificate_pdf(match, issued=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="mentoring-certificate-{match.pk}.pdf"'
    return response
