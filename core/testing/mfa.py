"""Two-factor helpers for tests: turn TOTP on for a person, and compute a current code."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value


def enable_totp(user: Any, secret: str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") -> str:
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, *, period: int = 30) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
