"""How capability apps plug into the shared pages without `core` importing them.

An app's AppConfig may declare, as plain class attributes:

- ``nav_links``: ``(("Projects", "projects:board"), ...)``, links for the main navigation,
  shown to signed-in people; the link is marked current on any page of that app. A link
  may carry a third item, the dotted path of ``shown(user) -> bool``, the rule that says
  who sees it (Studies only for people who hold a study role or may start one): a link
  is a way in, never the access check itself, which stays in the app's ``access.py``;
- ``dashboard_panel``: the dotted path of ``panel(user) -> Panel | None``, one section of
  the signed-in person's dashboard (``None`` hides it);
- ``demo_seeder``: the dotted path of ``seed() -> Sequence[str] | None``, called by
  ``seed_demo`` in ``INSTALLED_APPS`` order (the network first, then people, outputs,
  mentors, ...); the lines a seeder returns (the network's demo logins) are printed after
  every seeder ran. Seeders must be idempotent;
- ``provides``: ``{"name": "dotted.path"}``, functions a lower app may call without
  importing a higher one (the map asks for ``open_projects_by_site``; training's evidence
  asks for ``citable_contributions``, ``person -> list[Citable]``; people and outputs ask
  mentors to recount a track record), via ``provided()``; what core's shared pages cannot
  do without (the network's dashboard, the 403 page's help, the admin's gate) is asked
  through ``required()``, which refuses to go on when no app provides it;
- ``first_step``: the dotted path of ``step(user) -> Step | None``, the app's step on a
  newcomer's dashboard checklist (complete the profile, find a mentor, ...), ticked when
  it is really done;
- ``pending_links``: the dotted path of ``pending(user) -> list[PendingLink]``, the links
  other people made to this person on the app's records (an author of an output, the
  supervising mentor of a project) that wait for their confirmation. The confirmation
  page lists them all; each link's own app confirms or declines it.

Apps are visited in ``INSTALLED_APPS`` order, so the order there is the order on screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from core.types import User

T = TypeVar("T")


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    shown_to: str = ""  # dotted path of `shown(user) -> bool`; empty: every signed-in person

    @property
    def app_name(self) -> str:
        return self.url_name.partition(":")[0]

    def is_shown_to(self, user: User) -> bool:
        if not self.shown_to:
            return True
        shown: Callable[[User], bool] = import_string(self.shown_to)
        return bool(shown(user))


@dataclass(frozen=True)
class Panel:
    """One dashboard section: a template rendered with ``panel`` in its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One step of a newcomer's first-steps checklist: the page that does it, and whether
    it is done (read from what the person really did, never ticked by hand)."""

    label: str
    url: str  # the page that does it, pre-filtered by the person's profile
    done: bool
    hint: str = ""


@dataclass(frozen=True)
class PendingLink:
    """Someone named this person on a record; it counts only once they confirm it."""

    key: str  # unique on the page, e.g. "output-12"
    record_id: int  # the output's or project's id, as its app's API names it
    kind: str  # what they were named as: "Author", "Supervising mentor"
    title: str
    url: str  # the record, which the person named may open while the link waits
    summary: str  # what identifies the record and how they were named on it
    named_by: str
    confirm_url: str
    decline_url: str


@dataclass(frozen=True)
class Citable:
    """A confirmed record another app keeps about a person that their training
    evidence may cite (a study contribution their site lead confirmed)."""

    key: str  # unique across apps, e.g. "credit-contribution-12"
    title: str
    date: dt.date
    summary: str  # what it records and who confirmed it, in a sentence or two
    url: str


def _configs_with(attribute: str) -> Iterator[tuple[AppConfig, Any]]:
    for config in apps.get_app_configs():
        value = getattr(config, attribute, None)
        if value:
            yield config, value


@cache
def nav_links() -> tuple[NavLink, ...]:
    """Every app's links, whoever may see them; `nav_links_for` picks a person's."""
    return tuple(NavLink(*link) for _, links in _configs_with("nav_links") for link in links)


NAV_MEMO = "_nav_memo"


def nav_memo(user: User, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, asked once while one navigation is drawn: several links' rules ask
    the same question (Studies, Statistics and Credit each ask for the study roles).
    Outside `nav_links_for` it is computed afresh every time."""
    memo: dict[str, Any] | None = getattr(user, NAV_MEMO, None)
    if memo is None:
        return compute()
    if name not in memo:
        memo[name] = compute()
    found: T = memo[name]
    return found


def nav_links_for(user: User) -> list[NavLink]:
    """The links `user` sees, in INSTALLED_APPS order."""
    if not getattr(user, "is_authenticated", False):
        return []
    setattr(user, NAV_MEMO, {})
    try:
        return [link for link in nav_links() if link.is_shown_to(user)]
    finally:
        delattr(user, NAV_MEMO)


def dashboard_panels(user: User) -> list[Panel]:
    panels = []
    for _, path in _configs_with("dashboard_panel"):
        panel = import_string(path)(user)
        if panel is not None:
            panels.append(panel)
    return panels


def pending_links(user: User) -> list[PendingLink]:
    """Every link waiting for `user` to confirm or decline it, app by app."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        link for _, path in _configs_with("pending_links") for link in import_string(path)(user)
    ]


def first_steps(user: User) -> list[Step]:
    steps = []
    for _, path in _configs_with("first_step"):
        step = import_string(path)(user)
        if step is not None:
            steps.append(step)
    return steps


def demo_seeders() -> list[Callable[[], Sequence[str] | None]]:
    return [import_string(path) for _, path in _configs_with("demo_seeder")]


def provided(name: str) -> Callable[..., Any] | None:
    """The function some app provides under `name`, or None when no installed app does."""
    for _, provides in _configs_with("provides"):
        if name in provides:
            function: Callable[..., Any] = import_string(provides[name])
            return function
    return None


def required(name: str) -> Callable[..., Any]:
    """The function some app provides under `name`, for what a lower layer cannot go on
    without (core's dashboard and 403 page ask the network app): a missing provider is a
    broken installation, refused at once rather than shown as an empty page."""
    function = provided(name)
    if function is None:
        raise ImproperlyConfigured(f"No installed app provides {name!r} (core.extensions).")
    return function
