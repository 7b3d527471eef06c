"""The OpenAPI document describes each route with its own schemas.

Schema names are one namespace in the document: two classes called `EntryOut` in two
apps became one component, and the record routes were documented with the glossary's
fields. These tests walk every operation's schema classes and fail on a shared name.
"""

from __future__ import annotations

import enum
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ninja.operation import Operation
from ninja.params.models import ParamModel
from pydantic import BaseModel, WithJsonSchema

from capture.api import EntryOut
from radcollab.api import api

RECORD_PATH = "/api/v1/studies/{study_id}/records/{record_id}/{instrument}"


def operations() -> Iterator[Operation]:
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            yield from view.operations


def named_types(annotation: Any, found: set[type]) -> None:
    """Every model and enum an annotation reaches that would become a named schema."""
    if typing.get_origin(annotation) is typing.Annotated:
        if any(isinstance(extra, WithJsonSchema) for extra in annotation.__metadata__):
            return  # its schema is written in place, under no name
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        found.add(annotation)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            if not any(isinstance(extra, WithJsonSchema) for extra in field.metadata):
                named_types(field.annotation, found)
    else:
        for argument in typing.get_args(annotation):
            named_types(argument, found)


def schema_classes() -> set[type]:
    found: set[type] = set()
    for operation in operations():
        for model in [*operation.models, *operation.response_models.values()]:
            named_types(model, found)
    # ninja's own wrappers (parameters, multi-status responses) never become components.
    return {
        kind
        for kind in found
        if not (isinstance(kind, type) and issubclass(kind, ParamModel))
        and kind.__name__ != "NinjaResponseSchema"
    }


def test_the_walk_finds_schemas_of_every_app():
    names = {kind.__name__ for kind in schema_classes()}
    assert {"EntryOut", "AuditEventOut", "TermOut", "BoardOut", "MeOut"} <= names


def test_no_two_schemas_share_a_name():
    by_name: dict[str, set[str]] = defaultdict(set)
    for kind in schema_classes():
        by_name[kind.__name__].add(f"{kind.__module__}.{kind.__qualname__}")
    shared = {name: sorted(places) for name, places in by_name.items() if len(places) > 1}
    assert shared == {}, f"schema names used by more than one class: {shared}"


def _fields_of(document: dict[str, Any], method: str, status: str) -> set[str]:
    response = document["paths"][RECORD_PATH][method]["responses"][status]
    ref = response["content"]["application/json"]["schema"]["$ref"]
    return set(document["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"])


def test_the_record_routes_are_documented_with_captures_own_fields(client):
    document = client.get("/api/v1/openapi.json").json()
    expected = set(EntryOut.model_json_schema(by_alias=True)["properties"])
    assert _fields_of(document, "get", "200") == expected
    assert _fields_of(document, "put", "200") == expected
