"""JSON as `json.loads` returns it, for the pure readers (which import nothing from `core`).

The same shape as `core.types.JSONValue`: a value read from a file is one of these, and
the code narrows it (isinstance) before use.
"""

from __future__ import annotations

from typing import TypeAlias

JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
JSONObject: TypeAlias = dict[str, JSONValue]
