"""Extension points (boveileder.extensions): the menu, a page's sections, the landing page per role and
the named hooks an app offers the apps above it, each filled in from an `AppConfig.ready`."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from boveileder import extensions
from boveileder.extensions import (
    hook,
    hooks,
    landing_for,
    landing_page,
    menu_entry,
    menu_for,
    page_section,
    sections_for,
)
from boveileder.models import Role
from tests.factories import CounsellorFactory, ManagerFactory, OfficerFactory


@pytest.fixture(autouse=True)
def kept_registries():
    """Each test registers what it likes; the apps' own registrations come back after it."""
    kept = (
        list(extensions.MENU),
        {k: list(v) for k, v in extensions.SECTIONS.items()},
        {k: list(v) for k, v in extensions.HOOKS.items()},
        list(extensions.LANDING),
    )
    yield
    extensions.MENU[:] = kept[0]
    extensions.SECTIONS.clear()
    extensions.SECTIONS.update(kept[1])
    extensions.HOOKS.clear()
    extensions.HOOKS.update(kept[2])
    extensions.LANDING[:] = kept[3]


def _everyone(user):
    return True


def _nobody(user):
    return False


@pytest.mark.django_db
def test_the_menu_is_in_order_shows_what_the_user_may_see_and_a_second_registration_replaces(municipality):
    extensions.MENU.clear()
    menu_entry("Second", "cases:search", visible=_everyone, order=20)
    menu_entry("First", "cases:caseload", visible=_everyone, order=10)
    menu_entry("Hidden", "cases:team", visible=_nobody, order=5)
    menu_entry("Admin", "staff:list", visible=_everyone, group="admin")
    menu_entry("Search again", "cases:search", visible=_everyone, order=30)
    menu = menu_for(CounsellorFactory(municipality=municipality))
    assert [label for label, _ in menu["main"]] == ["First", "Search again"]
    assert menu["admin"] == [("Admin", "/staff/")]


def test_a_menu_entry_in_an_unknown_group_is_refused():
    with pytest.raises(ValueError, match="unknown menu group"):
        menu_entry("X", "cases:search", visible=_everyone, group="side")


def test_sections_come_in_order_and_one_whose_context_is_none_is_left_out():
    page_section("test:page", template="b.html", context=lambda request, obj: {"n": obj}, order=20)
    page_section("test:page", template="a.html", context=lambda request, obj: {"n": obj + 1}, order=10)
    page_section("test:page", template="gone.html", context=lambda request, obj: None, order=15)
    page_section("test:page", template="b.html", context=lambda request, obj: {"n": obj * 10}, order=30)
    assert sections_for("test:page", None, 2) == [("a.html", {"n": 3}), ("b.html", {"n": 20})]
    assert sections_for("test:nothing", None, 2) == []


@pytest.mark.django_db
def test_the_page_sections_tag_renders_each_section_with_the_page_context_and_its_own(settings, tmp_path):
    (tmp_path / "section.html").write_text("[{{ page_word }} {{ own_word }} {{ n }}]")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    page_section(
        "test:page", template="section.html", context=lambda request, obj: {"own_word": "own", "n": obj}
    )
    rendered = Template('{% load extensions %}{% page_sections "test:page" thing %}{{ own_word }}').render(
        Context({"request": RequestFactory().get("/"), "page_word": "page", "thing": 7})
    )
    assert rendered == "[page own 7]"  # the section's own context does not leak into the page


def test_hooks_are_kept_per_point_in_registration_order_and_the_same_function_replaces_itself():
    def first(x):
        return x

    def second(x):
        return x * 2

    hook("test:point", first)
    hook("test:point", second)
    hook("test:point", first)
    assert hooks("test:point") == [second, first]
    assert hooks("test:unknown") == []


@pytest.mark.django_db
def test_each_role_lands_on_the_page_registered_for_it_first_in_order(municipality):
    extensions.LANDING.clear()
    landing_page(Role.MANAGER, "reports:dashboard", order=30)
    landing_page(Role.COUNSELLOR, "cases:caseload", order=10)
    counsellor_manager = CounsellorFactory(municipality=municipality, is_manager=True)
    assert landing_for(counsellor_manager) == "cases:caseload"
    assert landing_for(ManagerFactory(municipality=municipality)) == "reports:dashboard"
    assert landing_for(OfficerFactory(municipality=municipality)) is None


@pytest.mark.django_db
def test_the_apps_register_a_landing_page_for_every_role(municipality):
    assert landing_for(CounsellorFactory(municipality=municipality)) == "cases:caseload"
    assert landing_for(OfficerFactory(municipality=municipality)) == "housing:flag_queue"
    assert landing_for(ManagerFactory(municipality=municipality)) == "reports:dashboard"
