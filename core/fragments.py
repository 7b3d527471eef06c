"""Cached page content, keyed by everything it depends on, so that no one sees another's.

The busiest pages (project board, mentor directory, calendar) spend most of a request
building and drawing their results. `cached_content` keeps the drawn HTML in the cache
under a key made of:

- the page and the part asked for (whole content or the htmx fragment);
- the signed-in person (their id): whatever a page shows of their access, profile, site,
  own projects or follows can only be served back to them;
- the query string, in a canonical order (filters, sort, page);
- the active time zone, and anything else the view passes (`extra`: a date, a minute);
- the data version: the generation of every app whose rows the page shows.

A generation is a row per app label in `core_contentgeneration`, raised (after the
transaction commits) whenever a model of that app is saved or deleted, or a many-to-many
of it changes. It lives in the database, not in the cache, so every web process sees a
change at once even when each keeps its own in-memory cache. The few queryset
`.update()` calls that bypass signals call `bump()` themselves; a short lifetime
(`RADCOLLAB_FRAGMENT_SECONDS`, 300 s) bounds anything else.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_migrate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from core.htmx import FRAGMENT_HEADERS, wants_fragment

# Models whose writes change no page's content: counting them would only throw the cache
# away (a session is saved on most requests).
IGNORED = frozenset({"sessions", "admin", "django_tasks_database", "django_tasks_db", "core"})

_pending = threading.local()
# While `migrate` runs, the generations' table may not exist yet (data migrations save
# rows before core's migration): changes are not counted then.
_migrating = False


def generations(apps: Iterable[str]) -> tuple[int, ...]:
    """The current generation of each app label, in the order given (one query)."""
    labels = list(apps)
    table = "core_contentgeneration"
    marks = ", ".join(["%s"] * len(labels))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app_label, generation FROM {table} WHERE app_label IN ({marks})",  # noqa: S608 # nosec B608 - placeholders only
            labels,
        )
        found = dict(cursor.fetchall())
    return tuple(int(found.get(label, 0)) for label in labels)


def bump(*apps: str) -> None:
    """Raise the generation of `apps` once the current transaction commits.

    Nothing to do while caching is off (`RADCOLLAB_FRAGMENT_SECONDS=0`, as in the tests):
    no entry exists to go stale, and entries made once it is on carry the generations
    read then."""
    if not settings.RADCOLLAB_FRAGMENT_SECONDS:
        return
    pending: set[str] | None = getattr(_pending, "apps", None)
    if pending is None:
        pending = _pending.apps = set()
    pending.update(apps)
    # One callback per change; the first to run writes them all, the rest find none. (A
    # rolled-back transaction drops its callbacks: its labels are written by the next.)
    transaction.on_commit(_write_pending)


def _write_pending() -> None:
    apps = sorted(getattr(_pending, "apps", None) or ())
    if not apps:
        return
    _pending.apps = set()
    table = "core_contentgeneration"
    with connection.cursor() as cursor:
        for label in apps:
            cursor.execute(
                f"INSERT INTO {table} (app_label, generation) VALUES (%s, 1) "  # noqa: S608 # nosec B608
                f"ON CONFLICT (app_label) DO UPDATE SET generation = {table}.generation + 1",
                [label],
            )


def _changed(sender: type[models.Model], **kwargs: object) -> None:
    meta = getattr(sender, "_meta", None)
    if _migrating or meta is None or meta.app_label in IGNORED:
        return
    bump(meta.app_label)


def _changed_m2m(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    model: type[models.Model] | None,
    **kwargs: object,
) -> None:
    if _migrating or action.startswith("pre_"):
        return
    labels = {m._meta.app_label for m in (sender, type(instance), model) if m is not None}
    labels -= IGNORED
    if labels:
        bump(*labels)


def _migration_starts(**kwargs: object) -> None:
    global _migrating
    _migrating = True


def _migration_ends(**kwargs: object) -> None:
    global _migrating
    _migrating = False


def connect() -> None:
    """Called once from CoreConfig.ready()."""
    pre_migrate.connect(_migration_starts, dispatch_uid="core.fragments.pre_migrate")
    post_migrate.connect(_migration_ends, dispatch_uid="core.fragments.post_migrate")
    post_save.connect(_changed, dispatch_uid="core.fragments.saved")
    post_delete.connect(_changed, dispatch_uid="core.fragments.deleted")
    m2m_changed.connect(_changed_m2m, dispatch_uid="core.fragments.m2m")


def content_key(
    request: HttpRequest, name: str, apps: Iterable[str], extra: Iterable[object] = ()
) -> str:
    """The cache key of `name` as `request`'s person sees it now (see the module doc)."""
    user = getattr(request, "user", None)
    person = user.pk if user is not None and user.is_authenticated else "anonymous"
    query = sorted(request.GET.lists())
    parts = (name, person, query, timezone.get_current_timezone_name(), generations(apps))
    digest = hashlib.blake2b(repr((*parts, *extra)).encode(), digest_size=20).hexdigest()
    return f"content:{name}:{digest}"


def cached_content(
    request: HttpRequest,
    name: str,
    apps: Iterable[str],
    build: Callable[[], tuple[str, int]],
    *,
    extra: Iterable[object] = (),
) -> tuple[str, int]:
    """`build()`'s (html, status), from the cache when the same person asked the same.

    Only answers with status 200 are kept (a form's errors are drawn afresh)."""
    seconds = settings.RADCOLLAB_FRAGMENT_SECONDS
    if seconds <= 0:
        return build()
    key = content_key(request, name, apps, extra)
    html = cache.get(key)
    if html is not None:
        return html, 200
    html, status = build()
    if status == 200:
        cache.set(key, str(html), seconds)
    return html, status


def cached_page(
    request: HttpRequest,
    page: str,
    content: str,
    *,
    fragment: str,
    apps: Iterable[str],
    build: Callable[[], tuple[Mapping[str, object], int]],
    extra: Iterable[object] = (),
) -> HttpResponse:
    """A page whose content (template `content`, drawn inside `page` as `{{ content }}`)
    or, for htmx, whose `{% partialdef fragment %}` comes from `cached_content`.

    `build()` gives the content's context and status: anything but 200 (a form's errors)
    is drawn whole and never kept, as render_page does."""
    part = f"{content}#{fragment}" if wants_fragment(request) else content

    def draw() -> tuple[str, int]:
        context, status = build()
        return render_to_string(part if status == 200 else content, context, request), status

    html, status = cached_content(request, part, apps, draw, extra=extra)
    if part != content and status == 200:
        response = HttpResponse(html)
    else:
        drawn = mark_safe(html)  # noqa: S308 - drawn by our own escaping templates # nosec B308 B703
        response = render(request, page, {"content": drawn}, status=status)
    patch_vary_headers(response, FRAGMENT_HEADERS)
    return response
