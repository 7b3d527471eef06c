"""`POST /api/redcap/` (and `/redcap/api/`, the address PyCap accepts): REDCap's API.

A plain Django view: REDCap's API is a form-encoded POST (`token`, `content`, `format`,
...) answered in JSON, CSV or XML, with errors in REDCap's shape. The token is a study
token (study page → API tokens), which limits the caller to one study and one role.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from accounts.services import api_token_authenticate
from capture import access
from capture.models import Study
from capture.redcap_api import calls
from capture.redcap_api.formatter import (
    CONTENT_TYPES,
    FORMATS,
    Cell,
    RedcapError,
    error_body,
    read_rows,
    render,
    render_object,
)
from core.ratelimit import RateLimited
from network.access import TwoFactorRequired

Listing = Callable[[calls.Call], Sequence[Mapping[str, Cell]]]
LISTS: dict[str, Listing] = {
    "metadata": calls.metadata,
    "instrument": calls.instruments,
    "exportFieldNames": calls.export_field_names,
    "dag": calls.data_access_groups,
    "repeatingFormsEvents": calls.repeating_forms,
    "arm": calls.arms,
    "event": calls.events,
    "formEventMapping": calls.form_event_mapping,
}
FILE_REFUSED = "There is no file to download for this record"
REPORT_REFUSED = 'The value of the parameter "report_id" is not valid'
DELETE_REFUSED = "You do not have Delete Record privileges"
NO_PERMISSION = calls.NO_PERMISSION


@csrf_exempt
def redcap_api(request: HttpRequest) -> HttpResponseBase:
    fmt = "xml"
    try:
        if request.method != "POST":
            raise RedcapError("The REDCap API takes POST requests only", 405)
        plain, arrays = calls.params_of(request.POST)
        fmt = _format(plain.get("returnFormat") or plain.get("format") or "xml")
        call = _call(plain, arrays)
        return _answer(call, request)
    except (MultiPartParserError, UnreadablePostError):
        return _error(RedcapError("The request could not be read"), fmt)
    except RequestDataTooBig:
        return _error(RedcapError("The data you sent is larger than this server accepts", 413), fmt)
    except RedcapError as error:
        return _error(error, fmt)
    except RateLimited as error:
        response = _error(RedcapError(str(error), 429), fmt)
        response["Retry-After"] = str(error.retry_after)
        return response
    except TwoFactorRequired as error:
        return _error(RedcapError(str(error), 403), fmt)
    except PermissionDenied as error:
        return _error(RedcapError(str(error) or NO_PERMISSION, 403), fmt)
    except ValidationError as error:
        return _error(RedcapError("; ".join(error.messages)), fmt)


def _format(value: str) -> str:
    return value if value in FORMATS else "xml"


def _call(plain: dict[str, str], arrays: dict[str, list[str]]) -> calls.Call:
    """The study token's person and study; REDCap's 403 for any other token."""
    token = plain.get("token", "").strip()
    user = api_token_authenticate(token) if token else None
    if user is None:
        raise RedcapError(NO_PERMISSION, 403)
    scope = access.token_scope(user)
    if scope is None:
        raise RedcapError(
            f"{NO_PERMISSION}: this API takes a study token (study page → API tokens), "
            "not a personal one",
            403,
        )
    study = Study.objects.filter(pk=scope[0]).first()
    if study is None or not access.roles_in(user, study):
        raise RedcapError(NO_PERMISSION, 403)
    return calls.Call(user, study, plain, arrays)


def _answer(call: calls.Call, request: HttpRequest) -> HttpResponseBase:
    content = call.get("content")
    fmt = call.get("format", "xml")
    if content and fmt not in FORMATS and content != "version":
        raise RedcapError('The value of the parameter "format" is not valid')
    if content == "version":
        return HttpResponse(calls.REDCAP_VERSION, content_type="text/plain; charset=utf-8")
    if content == "project":
        body = render_object(calls.project_info(call), fmt)
        return HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    if content in LISTS:
        rows = LISTS[content](call)
        return HttpResponse("".join(render(rows, fmt)), content_type=CONTENT_TYPES[fmt])
    if content in calls.CLASSIC:
        raise RedcapError(calls.CLASSIC[content])
    if content == "record":
        return _records(call, fmt)
    if content == "project_xml":
        return _project_xml(call)
    if content == "generateNextRecordName":
        return HttpResponse(calls.next_record_name(call), content_type="text/plain; charset=utf-8")
    if content == "file":
        raise RedcapError(FILE_REFUSED)
    if content == "report":
        raise RedcapError(REPORT_REFUSED)
    raise RedcapError('The value of the parameter "content" is not valid')


def _records(call: calls.Call, fmt: str) -> HttpResponseBase:
    action = call.get("action", "export")
    if action == "delete":
        raise RedcapError(DELETE_REFUSED, 403)
    if "data" in call.params or action == "import":
        return _import(call, fmt)
    export = calls.export_records(call)
    chunks = render(export.rows, fmt, None if call.get("type") == "eav" else export.columns)
    return StreamingHttpResponse(_encoded(chunks), content_type=CONTENT_TYPES[fmt])


def _project_xml(call: calls.Call) -> HttpResponse:
    """REDCap's `content=project_xml`: the study as project XML, with the records the token
    may export (chosen by `records`, `fields`, `filterLogic` as for `content=record`)
    unless `returnMetadataOnly`; the file is XML whatever `format` says."""
    from capture import projectxml

    with_records = not call.flag("returnMetadataOnly")
    text = projectxml.project_export(
        actor=call.user,
        study=call.study,
        records=with_records,
        params=dict(call.params),
        arrays=call.arrays,
    )
    return HttpResponse(text.encode("utf-8"), content_type="application/xml; charset=utf-8")


def _encoded(chunks: Iterator[str]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8")


def _import(call: calls.Call, fmt: str) -> HttpResponse:
    rows = read_rows(call.get("data"), fmt)
    done = calls.import_records(call, rows)
    answer = call.get("returnContent", "count")
    return_fmt = _format(call.get("returnFormat") or fmt)
    if answer == "nothing":
        return HttpResponse("", content_type=CONTENT_TYPES[return_fmt])
    if answer in ("ids", "auto_ids"):
        ids = done.auto_ids if answer == "auto_ids" else done.ids
        if return_fmt == "json":
            return HttpResponse(json.dumps(ids), content_type=CONTENT_TYPES["json"])
        body = "".join(render(({"id": value} for value in ids), return_fmt, ["id"]))
        return HttpResponse(body, content_type=CONTENT_TYPES[return_fmt])
    if answer != "count":
        raise RedcapError('The value of the parameter "returnContent" is not valid')
    if return_fmt == "json":
        return HttpResponse(json.dumps({"count": done.count}), content_type=CONTENT_TYPES["json"])
    body = "".join(render([{"count": done.count}], return_fmt, ["count"]))
    return HttpResponse(body, content_type=CONTENT_TYPES[return_fmt])


def _error(error: RedcapError, fmt: str) -> HttpResponse:
    body, content_type = error_body(error.message, fmt)
    return HttpResponse(body, status=error.status, content_type=content_type)
