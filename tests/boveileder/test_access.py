"""Persona checks for the foundation's pages: right role works, others 403, other municipality 404,
anonymous to login, wrong method 405."""

import pytest
from django.urls import reverse

ROLE_PAGES = {
    "counsellor": ["cases:caseload"],
    "officer": ["housing:flag_queue", "housing:unit_list"],
    "manager": ["reports:dashboard", "cases:caseload", "housing:flag_queue", "housing:unit_list"],
}
FORBIDDEN = {
    "counsellor": ["housing:flag_queue", "housing:unit_list", "reports:dashboard"],
    "officer": ["cases:caseload", "reports:dashboard"],
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,expected",
    [("counsellor", "cases:caseload"), ("officer", "housing:flag_queue"), ("manager", "reports:dashboard")],
)
def test_each_role_lands_on_its_page(request, client_for, role, expected):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(expected)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_PAGES)
def test_each_role_reaches_its_pages(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    for name in ROLE_PAGES[role]:
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.django_db
@pytest.mark.parametrize("role", FORBIDDEN)
def test_roles_do_not_reach_other_roles_pages(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    for name in FORBIDDEN[role]:
        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.django_db
def test_anonymous_goes_to_login(client):
    for name in ["home", "cases:caseload", "housing:unit_list", "reports:dashboard"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_another_municipality_gets_404_for_a_household(
    client_for, household, other_counsellor, other_manager
):
    url = reverse("cases:household_detail", args=[household.pk])
    assert client_for(other_counsellor).get(url).status_code == 404
    assert client_for(other_manager).get(url).status_code == 404


@pytest.mark.django_db
def test_own_municipality_sees_the_household(client_for, household, officer):
    url = reverse("cases:household_detail", args=[household.pk])
    assert client_for(officer).get(url).status_code == 200


@pytest.mark.django_db
def test_wrong_method_is_405(client_for, counsellor):
    assert client_for(counsellor).post(reverse("cases:caseload")).status_code == 405


@pytest.mark.django_db
def test_staff_without_municipality_or_role_is_refused(client_for, municipality):
    from tests.factories import UserFactory

    nobody = UserFactory(municipality=municipality)
    assert client_for(nobody).get(reverse("cases:caseload")).status_code == 403
    assert client_for(nobody).get(reverse("home")).status_code == 403


@pytest.mark.django_db
def test_login_page_is_norwegian_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="nb"' in response.content.decode()
    assert "Logg inn" in response.content.decode()


@pytest.mark.django_db
def test_english_can_be_chosen(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert "Log in" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_healthz_is_open_and_checks_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_pages_are_not_cached(client_for, counsellor):
    response = client_for(counsellor).get(reverse("cases:caseload"))
    assert "no-store" in response["Cache-Control"]
