"""Rate limits on the costly or sensitive routes: API token use, imports, exports and
statistics (sign-in is limited by allauth's own `ACCOUNT_RATE_LIMITS`).

Counts live in the cache (Redis in production, so every web process shares them) in
fixed windows. A request over the limit raises `RateLimited`; the middleware and the
API's handler answer 429 with `Retry-After` and a sentence that says what to wait for.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Req = TypeVar("Req", bound=HttpRequest)
P = ParamSpec("P")
R = TypeVar("R")

# What each limit guards, as a person reads it in the 429 message.
WHAT = {
    "api_token": "API requests with this token",  # a message, not a password # nosec B105
    "import": "imports",
    "export": "exports",
    "statistics": "analyses",
}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count} {_per(self.seconds)}"


def _per(seconds: int) -> str:
    for size, word in ((86_400, "a day"), (3600, "an hour"), (60, "a minute")):
        if seconds == size:
            return word
        if seconds % size == 0:
            return f"every {seconds // size} {word.split()[-1]}s"
    return f"every {seconds} seconds"


def parse_rate(name: str, text: str) -> Rate:
    """`"600/60"`: 600 requests in each 60 seconds; refuses anything else by name."""
    count, _, seconds = text.partition("/")
    try:
        rate = Rate(int(count), int(seconds))
    except ValueError:
        rate = Rate(0, 0)
    if rate.count < 1 or rate.seconds < 1:
        raise ImproperlyConfigured(
            f"The rate limit {name} must be requests/seconds, such as 60/3600 (got {text!r})."
        )
    return rate


def rate_for(scope: str) -> Rate:
    return parse_rate(scope, settings.RADCOLLAB_RATE_LIMITS[scope])


class RateLimited(Exception):
    """Over the limit: `retry_after` seconds until the window opens again."""

    def __init__(self, scope: str, rate: Rate, retry_after: int) -> None:
        self.scope, self.rate, self.retry_after = scope, rate, retry_after
        wait = _wait_words(retry_after)
        super().__init__(f"Too many {WHAT.get(scope, scope)}: at most {rate}. Try again in {wait}.")


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def hit(scope: str, key: str) -> None:
    """Count one request of `key` (a person, token or address) against `scope`'s limit."""
    rate = rate_for(scope)
    now = time.time()
    window = int(now // rate.seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=rate.seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window's entry expired between add and incr
            cache.set(cache_key, 1, timeout=rate.seconds + 1)
            count = 1
    if count > rate.count:
        retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
        raise RateLimited(scope, rate, retry_after)


def client_key(request: HttpRequest) -> str:
    """The signed-in person, or the address of an anonymous one."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def ratelimit(
    scope: str, *, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[Concatenate[Req, P], R]], Callable[Concatenate[Req, P], R]]:
    """Limit a view's `methods` (POST by default: what starts the work) per person."""
    rate_for(scope)  # a bad setting fails at import, not at the first request

    def decorate(view: Callable[Concatenate[Req, P], R]) -> Callable[Concatenate[Req, P], R]:
        @wraps(view)
        def limited(request: Req, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if request.method in methods:
                hit(scope, client_key(request))
            return view(request, *args, **kwargs)

        return limited

    return decorate
