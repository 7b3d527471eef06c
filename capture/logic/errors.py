"""The errors of the logic package: what is wrong and where, or what is not run here."""

from __future__ import annotations


class LogicError(ValueError):
    """An expression that cannot be read. `position` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        self.message = message
        self.position = position
        super().__init__(f"{message} (at character {position + 1})")


class NotEvaluated(LogicError):
    """A well-formed expression that uses something RadCollab does not evaluate.

    `reasons` says what, one reason per construct, in order. Such an expression is kept
    verbatim: a field with that branching logic is always shown, a calc field keeps the
    values it is given. It is a LogicError so that code that only evaluates what it can
    read treats it as unreadable.
    """

    def __init__(self, reasons: tuple[tuple[str, int], ...]) -> None:
        self.reasons = tuple(reason for reason, _ in reasons)
        super().__init__("; ".join(self.reasons), reasons[0][1])
