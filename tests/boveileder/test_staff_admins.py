"""An administrator (superuser or `is_staff`) who has a municipality is not one of its
staff. Its manager must not reach the account from any staff page (404), so cannot set its password,
remove its second factor, sign in as it and read every municipality in the admin."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TAKEN_OVER = "Overtatt-av-leder-2026"

# Every staff page that takes an account, with the methods it answers.
MEMBER_PAGES = [
    ("staff:detail", ("get", "post")),
    ("staff:deactivate", ("get", "post")),
    ("staff:reactivate", ("post",)),
    ("staff:password", ("get", "post")),
    ("staff:otp_reset", ("post",)),
    ("cases:caseload_transfer", ("get", "post")),
]


@pytest.fixture(params=["superuser", "is_staff"])
def admin_in_municipality(request, municipality):
    flags = {"is_superuser": True, "is_staff": True} if request.param == "superuser" else {"is_staff": True}
    admin = UserFactory(municipality=municipality, username="it-admin", is_manager=True, **flags)
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    return admin


@pytest.mark.parametrize("name,methods", MEMBER_PAGES)
def test_a_manager_gets_404_on_every_staff_page_of_an_administrator(
    client, manager, admin_in_municipality, name, methods
):
    admin = admin_in_municipality
    client.force_login(manager)
    url = reverse(name, kwargs={"staff_pk": admin.pk})
    data = {
        "password1": TAKEN_OVER,
        "password2": TAKEN_OVER,
        "first_name": "Lurt",
        "last_name": "Admin",
        "roles": ["counsellor"],
    }
    for method in methods:
        response = client.get(url) if method == "get" else client.post(url, data)
        assert response.status_code == 404, (name, method)
    admin.refresh_from_db()
    assert admin.check_password(TEST_PASSWORD)
    assert admin.is_active and admin.is_manager and admin.first_name != "Lurt"
    assert TOTPDevice.objects.filter(user=admin).count() == 1


def test_the_staff_list_leaves_administrators_out(client, manager, counsellor, admin_in_municipality):
    client.force_login(manager)
    html = client.get(reverse("staff:list")).content.decode()
    assert counsellor.username in html
    assert admin_in_municipality.username not in html
    assert reverse("staff:detail", kwargs={"staff_pk": admin_in_municipality.pk}) not in html


def test_a_manager_cannot_take_over_an_administrator_and_read_the_admin(
    client, manager, admin_in_municipality, other_municipality
):
    """The whole attack from outside: set the password, reset the second factor, sign in, /admin/."""
    admin = admin_in_municipality
    client.force_login(manager)
    client.post(
        reverse("staff:password", kwargs={"staff_pk": admin.pk}),
        {"password1": TAKEN_OVER, "password2": TAKEN_OVER},
    )
    client.post(reverse("staff:otp_reset", kwargs={"staff_pk": admin.pk}))
    client.logout()

    client.post(reverse("login"), {"username": admin.username, "password": TAKEN_OVER})
    assert "_auth_user_id" not in client.session
    listing = client.get("/admin/boveileder/municipality/")
    assert listing.status_code == 302 and other_municipality.name not in listing.content.decode()
    admin.refresh_from_db()
    assert admin.check_password(TEST_PASSWORD)
    assert TOTPDevice.objects.filter(user=admin).count() == 1
