from __future__ import annotations

from typing import Any


class EditConflict(Exception):
    """Someone saved the same thing since this edit began; nothing was written.

    `current` holds the saved values of the fields that differ from the attempt,
    so the page can show them beside the person's own and let them merge.
    """

    def __init__(self, message: str, *, current: dict[str, Any], version: int) -> None:
        super().__init__(message)
        self.current = current
        self.version = version
