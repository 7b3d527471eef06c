"""A field of a data dictionary that the test knows is there (a typed `get`)."""

from __future__ import annotations

from formats.datadictionary.model import DataDictionary, Field


def field(dictionary: DataDictionary, name: str) -> Field:
    found = dictionary.get(name)
    assert found is not None, f"the dictionary has no field {name!r}"
    return found
