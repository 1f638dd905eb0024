"""Extension points: what an app shows on another app's pages, registered from its `AppConfig.ready`.

An app lower down (the core, cases) owns a page or the menu and names no app above it; an app above
(housing, reports, dispatch, …) fills in entries here, the way Django's admin is filled in by
`admin.site.register`. The arrows stay true: the owner of the page never imports or reverses the
registering app's names.

- `menu_entry(...)`: an entry in the top menu (`group="main"`), the managers' administration menu
  (`group="admin"`) or the footer, beside the language (`group="footer"`), shown to the users
  `visible(user)` accepts, in `order`.
- `page_section(page, ...)`: a section rendered on a page (`{% page_sections "<app>:<page>" obj %}`):
  its template, and a function giving the template its context from the request and the page's object.
- `landing_page(role, url_name)`: where a user of `role` lands after signing in (`landing_for(user)`).
- `hook(BODY_DATA, fn)`: `fn(request) -> {name: value}`, data attributes of every page's `<body>`
  (`data-<name>`), for an app's script (cases' offline follow-ups).
- `hook(point, fn)`: a function for a named point that the app lower down calls (`hooks(point)`) and
  documents: cases' points (the caseload's facts, deadlines, search, retention) are in `cases.extensions`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    label: Any  # a lazy translation
    url_name: str
    group: str
    order: int
    visible: Callable[[Any], bool]


@dataclass(frozen=True)
class PageSection:
    page: str
    template: str
    context: Callable[[HttpRequest, Any], dict | None]
    order: int


@dataclass(frozen=True)
class Landing:
    role: str
    url_name: str
    order: int


MENU_GROUPS = ("main", "admin", "footer")
BODY_DATA = "boveileder:body_data"

MENU: list[MenuEntry] = []
SECTIONS: dict[str, list[PageSection]] = {}
LANDING: list[Landing] = []
HOOKS: dict[str, list[Callable]] = {}


def menu_entry(
    label, url_name: str, *, visible: Callable[[Any], bool], group: str = "main", order: int = 100
):
    """Add a menu entry (called from an app's `ready`); registering the same URL name again replaces it."""
    if group not in MENU_GROUPS:
        raise ValueError(f"unknown menu group {group!r}")
    MENU[:] = [entry for entry in MENU if entry.url_name != url_name]
    MENU.append(MenuEntry(label, url_name, group, order, visible))
    MENU.sort(key=lambda entry: entry.order)


def menu_for(user) -> dict[str, list[tuple[Any, str]]]:
    """The menu's entries `user` may see, by group, as (label, url) pairs."""
    groups: dict[str, list[tuple[Any, str]]] = {group: [] for group in MENU_GROUPS}
    for entry in MENU:
        if entry.visible(user):
            groups[entry.group].append((entry.label, reverse(entry.url_name)))
    return groups


def _no_context(request, obj):
    return {}


def page_section(page: str, *, template: str, context=None, order: int = 100) -> None:
    """Show `template` on `page` (a name the owning app's template gives `{% page_sections %}`).
    `context(request, obj)` returns the section's context, or None to leave the section out."""
    sections = [s for s in SECTIONS.get(page, []) if s.template != template]
    sections.append(PageSection(page, template, context or _no_context, order))
    sections.sort(key=lambda s: s.order)
    SECTIONS[page] = sections


def sections_for(page: str, request, obj) -> list[tuple[str, dict]]:
    """The sections registered for `page`, each as (template, context), the ones that opt out left out."""
    shown = []
    for section in SECTIONS.get(page, []):
        context = section.context(request, obj)
        if context is not None:
            shown.append((section.template, context))
    return shown


def landing_page(role: str, url_name: str, *, order: int = 100) -> None:
    """Land users of `role` on `url_name` after sign-in; a user with several roles lands on the page
    registered with the lowest `order`. Registering the same role again replaces it."""
    LANDING[:] = [landing for landing in LANDING if landing.role != role]
    LANDING.append(Landing(role, url_name, order))
    LANDING.sort(key=lambda landing: landing.order)


def landing_for(user) -> str | None:
    """The URL name `user` lands on, or None when no role of theirs has one."""
    return next((landing.url_name for landing in LANDING if user.has_role(landing.role)), None)


def _name(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def hook(point: str, fn: Callable) -> None:
    """Add `fn` to the named extension point (from an app's `ready`); registering it again replaces it."""
    kept = [f for f in HOOKS.get(point, []) if _name(f) != _name(fn)]
    HOOKS[point] = [*kept, fn]


def hooks(point: str) -> list[Callable]:
    """The functions registered for `point`, in the order they were registered."""
    return list(HOOKS.get(point, []))


def body_data(request) -> list[tuple[str, str]]:
    """The `<body>`'s data attributes the apps give this request (`BODY_DATA`), as (name, value)."""
    found: dict[str, str] = {}
    for provider in hooks(BODY_DATA):
        found.update(provider(request))
    return sorted(found.items())
