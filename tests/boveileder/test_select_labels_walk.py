"""No page of the project shows Django's «---------» for an empty choice: every select, filters too,
reads «Velg …». Walks every URL the access walk knows, as each role it declares."""

import pytest

from boveileder.models import Role
from tests.boveileder.test_access_walk import URLS, World, _build_url, access_roles

pytestmark = pytest.mark.django_db


def test_no_page_shows_dashes_for_an_empty_choice(client):
    world = World("kommune-a")
    shown = []
    for _route, name, pattern in URLS:
        roles = access_roles(pattern.callback)
        if not name or not roles or not set(roles) & set(Role.values):
            continue
        url, _is_object = _build_url(name, pattern, world)
        for role in (r for r in Role.values if r in roles):
            client.force_login(world.users[role])
            response = client.get(url)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                shown.append(name)
                assert "---------" not in response.content.decode(), f"{name} as {role}"
    assert len(set(shown)) > 40  # the walk saw the project's pages
