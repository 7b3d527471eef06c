"""The one JSON API, /api/v1/: a router per app, tokens or the browser session for auth."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from accounts.api import router as accounts_router
from accounts.services import api_token_authenticate
from audit.api import router as audit_router
from capture.api import router as capture_router
from capture.tokens import allows_path as study_token_allows_path
from core.conflicts import conflict_body
from core.exceptions import EditConflict
from core.ratelimit import RateLimited
from credit.api import router as credit_router
from events.api import router as events_router
from glossary.api import router as glossary_router
from matching.api import router as matching_router
from mentors.api import router as mentors_router
from network.access import NotAllowed, TwoFactorRequired
from network.api import router as network_router
from opportunities.api import router as opportunities_router
from outputs.api import router as outputs_router
from people.api import router as people_router
from projects.api import router as projects_router
from recommend.api import router as recommend_router
from stats.api import router as stats_router
from training.api import router as training_router

if TYPE_CHECKING:
    from accounts.models import User
    from core.types import JSONObject


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rc_…` with a personal access token from Account → API tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        if user is None:
            return None
        if user.api_token_scope:
            api_path = request.path_info.removeprefix(reverse("api:api-root"))
            if not study_token_allows_path(user.api_token_scope, api_path):
                raise PermissionDenied(
                    "This token is limited to one study; use a personal token for this route."
                )
        request.user = user
        return user


def refuse_bad_token(request: HttpRequest) -> None:
    """Refuse a request whose token was not accepted, even if it also has a session.

    Runs after TokenAuth: without it a revoked token sent from a signed-in browser
    would fall back to the session silently, and a script must learn that its
    token no longer works.
    """
    if request.headers.get("Authorization"):
        raise AuthenticationError(message="Unknown or revoked API token.")


class CsrfFailed(AuthorizationError):
    """A signed-in browser's unsafe request came without its CSRF token (403)."""

    def __init__(self) -> None:
        super().__init__(
            message=(
                "CSRF check failed: a signed-in browser must send the X-CSRFToken header "
                "(the value of the csrftoken cookie) with POST, PUT, PATCH and DELETE. "
                "Scripts should send an API token instead."
            )
        )


class SessionAuth(APIKeyCookie):
    """The browser's session; POST, PUT, PATCH and DELETE also need its CSRF token.

    ninja's `django_auth` checks the CSRF token before it looks for a session, so a
    script that sent no credentials at all was told "CSRF check Failed" (403) instead
    of being asked to authenticate (401). Here a request without a session is simply
    not authenticated, and only a signed-in browser is held to the CSRF check.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed
        return request.user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return request.user if request.user.is_authenticated else None


# RFC 9110: a 401 names the scheme that would be accepted.
WWW_AUTHENTICATE = 'Bearer realm="RadCollab API"'

# The error answers the handlers below give for any route: one shape, documented on
# every operation that can give them, so a script's generated client knows them.
ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "detail": {
            "title": "Detail",
            "description": "What went wrong; for invalid input, a list of {loc, msg}.",
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}],
        },
        "code": {"title": "Code", "type": "string"},
        "help": {"title": "Help", "type": "object"},
    },
    "required": ["detail"],
}
ERROR_REF: JSONObject = {"$ref": "#/components/schemas/ErrorOut"}
COMMON_ERRORS = {
    "400": "The request body could not be read as JSON.",
    "401": "Not signed in, or an unknown, expired or revoked API token.",
    "403": "Signed in, but this role, site or token may not do this (or two-factor is off).",
    "404": "No such object, or not one you may see.",
    "413": "The request body is larger than the server accepts.",
    "422": "The input is not valid: each problem is named with where it is.",
}


def _common_errors(operation: Mapping[str, object], path: str, method: str) -> list[str]:
    codes = []
    reads_input = bool(operation.get("parameters")) or method != "get"
    if reads_input:
        codes.append("422")
    if operation.get("security"):
        codes += ["401", "403"]
    if "{" in path or reads_input:  # an id in the path, the query or the body
        codes.append("404")
    if method != "get":  # a body that is not JSON, or too large
        codes += ["400", "413"]
    return codes


# The databases store integers in 64 bits: a larger one in a JSON body (an id, a count)
# made the query fail with a 500 (SQLite: OverflowError). It is refused as unreadable.
LARGEST_INTEGER = 2**63 - 1


def _bounded_int(text: str) -> int:
    number = int(text)
    if abs(number) > LARGEST_INTEGER:
        raise ValueError(f"the number {text[:30]}… is too large")
    return number


class BoundedJsonParser(Parser):
    """JSON bodies, refusing integers no database column can hold (answered 400)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json.loads(request.body, parse_int=_bounded_int)


class RadCollabAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, object] | None = None
    ) -> OpenAPISchema:
        """ninja's document, with the answers of the shared error handlers added to
        every operation that can give them (an operation's own declaration wins)."""
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ERROR_SCHEMA
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                # ninja keys its responses by int; the document's keys are strings.
                responses = {str(code): body for code, body in operation["responses"].items()}
                operation["responses"] = responses
                for code in _common_errors(operation, path, method):
                    _add_error(responses, code)
        return document


def _add_error(responses: JSONObject, code: str) -> None:
    """Document the shared error answer; an operation that declares its own body for the
    code (an import's 422 preview) may still answer with the shared one (bad input)."""
    if code not in responses:
        responses[code] = {
            "description": COMMON_ERRORS[code],
            "content": {"application/json": {"schema": ERROR_REF}},
        }
        return
    declared = responses[code]
    content = declared.get("content") if isinstance(declared, dict) else None
    media = content.get("application/json") if isinstance(content, dict) else None
    if isinstance(media, dict) and media and media.get("schema") not in (ERROR_REF, {}, None):
        media["schema"] = {"anyOf": [media["schema"], ERROR_REF]}


api = RadCollabAPI(
    title="RadCollab API",
    version="1",
    urls_namespace="api",
    description=(
        "Scripts authenticate with a personal access token: "
        "`Authorization: Bearer rc_…` (create one under Account → API tokens)."
    ),
    auth=[TokenAuth(), refuse_bad_token, SessionAuth()],
    parser=BoundedJsonParser(),
)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else "Sign in or send an API token."
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


@api.exception_handler(CsrfFailed)
def csrf_failed(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.message, "code": "csrf_failed"}, status=exc.status_code
    )


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE).replace("\xa0", " ")
    return api.create_response(
        request,
        {"detail": f"The request body is larger than the {limit} this server accepts."},
        status=413,
    )


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> NoReturn:
    """Let Django log it and answer 500 (ninja would show a traceback with DEBUG on);
    `core.middleware.ApiErrorsAsJsonMiddleware` turns that answer into JSON."""
    raise exc


@api.exception_handler(EditConflict)
def edit_conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
    """A save or delete from an old version, on any route: 409 with the values saved now
    (`core.conflicts.Conflict`; each operation that can conflict documents it)."""
    body = conflict_body(exc).model_dump(mode="json")
    return api.create_response(request, body, status=409)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(TwoFactorRequired)
def two_factor_required(request: HttpRequest, exc: TwoFactorRequired) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc), "code": "two_factor_required"}, status=403
    )


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    body: dict[str, object] = {"detail": str(exc) or "Forbidden."}
    if isinstance(exc, NotAllowed):  # what would help, as the 403 page offers it
        body["help"] = {"label": exc.help.label, "url": exc.help.url}
    return api.create_response(request, body, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": ["body", field], "msg": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"loc": ["body"], "msg": message} for message in exc.messages]
    return api.create_response(request, {"detail": errors}, status=422)


api.add_router("/accounts", accounts_router, tags=["accounts"])
api.add_router("/network", network_router, tags=["network"])
api.add_router("/audit", audit_router, tags=["audit"])
api.add_router("/people", people_router, tags=["people"])
api.add_router("/mentors", mentors_router, tags=["mentors"])
api.add_router("/outputs", outputs_router, tags=["outputs"])
api.add_router("/projects", projects_router, tags=["projects"])
api.add_router("/training", training_router, tags=["training"])
api.add_router("/studies", capture_router, tags=["studies"])
api.add_router("/stats", stats_router, tags=["statistics"])
api.add_router("/events", events_router, tags=["events"])
api.add_router("/opportunities", opportunities_router, tags=["opportunities"])
api.add_router("/glossary", glossary_router, tags=["glossary"])
api.add_router("/credit", credit_router, tags=["credit"])
api.add_router("/mentoring", matching_router, tags=["mentoring"])
api.add_router("/for-you", recommend_router, tags=["for you"])
