from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied


class EditConflict(Exception):
    """Someone saved the same thing since this edit began; nothing was written.

    `current` holds the saved values of the fields that differ from the attempt,
    so the page can show them beside the person's own and let them merge.
    """

    def __init__(self, message: str, *, current: Mapping[str, object], version: int) -> None:
        super().__init__(message)
        self.current = dict(current)
        self.version = version


class TwoFactorRequired(PermissionDenied):
    """The person's role allows the action, but only once two-factor is enabled.

    Raised by the network's rules (`network.access`, which names it too); core's
    middleware sends the person to set two-factor up and back."""
