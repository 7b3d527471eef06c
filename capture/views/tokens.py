"""The study's API tokens page: a person issues tokens limited to this study and one role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.services import IssuedToken
from capture import access, tokens
from capture.access import Can
from capture.forms import StudyTokenForm
from core.forms import copy_errors
from core.types import AuthedRequest


@login_required
def study_tokens(request: AuthedRequest, pk: int) -> HttpResponse:
    study = access.get_study(request.user, pk)
    access.require(request.user, study, Can.SEE_STUDY)
    roles = tokens.role_choices(request.user, study)
    form = StudyTokenForm(request.POST or None, roles=roles)
    issued: IssuedToken | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = tokens.study_token_create(
                    user=request.user,
                    study=study,
                    role=form.cleaned_data["role"],
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in"],
                )
                form = StudyTokenForm(roles=roles)
            except ValidationError as error:
                copy_errors(form, error)
        if issued is None:
            status = 422
    context = {
        "study": study,
        "form": form,
        "issued": issued,
        "tokens": tokens.study_tokens(request.user, study),
        "redcap_url": request.build_absolute_uri(reverse("redcap_api_alias")),
    }
    return render(request, "capture/tokens.html", context, status=status)
