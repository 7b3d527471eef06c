"""The one error of the logic package: what is wrong and where."""

from __future__ import annotations


class LogicError(ValueError):
    """An expression that cannot be read. `position` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        self.message = message
        self.position = position
        super().__init__(f"{message} (at character {position + 1})")
