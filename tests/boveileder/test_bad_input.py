"""Bad input everywhere: every view that takes a POST, fuzzed with hypothesis as a signed-in user of
the right role, never answers with a server error; oversized requests and uploads are refused."""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boveileder.access import ANY_SIGNED_IN
from boveileder.models import Role
from tests.boveileder.test_access_walk import OPEN_URLS, URLS, World, _build_url, access_roles

EXAMPLES = 8
_FIELD_NAMES = re.compile(r"""\bname=["']([\w\-\[\]]+)["']""")

# What a hostile or clumsy user types: text of every kind, numbers too big for any column, dates
# that are no dates, NUL bytes, script, formulas, very long strings, and some valid-looking values.
VALUES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "-1",
            "on",
            "true",
            "2026-02-30",
            "31.12.2025",
            "2026-01-01",
            "9999-12-31",
            "0001-01-01",
            "1e309",
            "NaN",
            "\x00",
            "a\x00b",
            "<script>alert(1)</script>",
            '=HYPERLINK("http://evil")',
            "12096342568",
            "x" * 5000,
            "counsellor",
            "manager",
            "approved",
            "husbanken",
        ]
    ),
)
EXTRA_NAMES = ["pk", "id", "status", "next", "date", "household", "person", "to_status"]


def _post_urls():
    for route, name, pattern in URLS:
        if name in OPEN_URLS or not name:
            continue
        yield route, name, pattern


POST_URLS = list(_post_urls())


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,pattern", POST_URLS, ids=[name for _, name, _ in POST_URLS])
def test_no_input_gives_a_server_error(client, route, name, pattern):
    roles = access_roles(pattern.callback)
    if not roles:
        pytest.skip("undeclared: the access walk fails it")
    world = World("kommune-a")
    url, _ = _build_url(name, pattern, world)
    from tests.boveileder.test_no_server_error import _with_observer

    _with_observer(world, roles)
    user = world.users[Role.COUNSELLOR if roles == ANY_SIGNED_IN else roles[0]]
    client.force_login(user)
    if client.post(url).status_code == 405:
        return  # takes no POST
    page = client.get(url)
    html = page.content.decode() if page.status_code == 200 and "html" in page.get("Content-Type", "") else ""
    names = sorted(set(_FIELD_NAMES.findall(html)) - {"csrfmiddlewaretoken"} | set(EXTRA_NAMES))
    payloads = st.dictionaries(
        st.sampled_from(names),
        st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3)),
        max_size=len(names),
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(payload=payloads)
    def post_anything(payload):
        client.force_login(user)
        response = client.post(url, payload)  # a server error raises here, with the payload shrunk
        assert response.status_code < 500, (name, payload)

    post_anything()


# --- sizes -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_oversized_request_body_is_refused(client_for, counsellor, household, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    url = reverse("cases:followup_log", args=[household.pk])
    response = client_for(counsellor).post(url, {"note": "x" * 20_000, "date": "2026-01-01", "kind": "phone"})
    assert response.status_code == 400
    assert not household.followups.exists()


def test_the_default_request_limits_are_set():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.IMPORT_MAX_BYTES <= 10 * 1024 * 1024


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_before_anything_is_read(client_for, manager, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORT_MAX_BYTES = 2_000
    upload = SimpleUploadedFile(
        "stort.xlsx",
        b"PK" + b"\x00" * 5_000,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = client_for(manager).post(reverse("exchange:import_upload"), {"file": upload})
    assert response.status_code in (200, 400, 413)
    assert response.status_code != 302  # no import job was started
