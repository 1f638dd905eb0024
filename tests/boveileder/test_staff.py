"""Staff management: a manager manages the staff of their own municipality only."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from boveileder.services import staff as services
from tests.factories import TEST_PASSWORD, CounsellorFactory, HouseholdFactory, ManagerFactory, UserFactory

User = get_user_model()
NEW_PASSWORD = "Fjordbris-Ålesund-2026"

pytestmark = pytest.mark.django_db

# (url name, takes a staff member, allowed methods)
VIEWS = [
    ("staff:list", False, {"get"}),
    ("staff:create", False, {"get", "post"}),
    ("staff:detail", True, {"get", "post"}),
    ("staff:deactivate", True, {"get", "post"}),
    ("staff:reactivate", True, {"post"}),
    ("staff:password", True, {"get", "post"}),
    ("staff:otp_reset", True, {"post"}),
    ("cases:caseload_transfer", True, {"get", "post"}),
]


def _url(name, takes_staff, member):
    return reverse(name, kwargs={"staff_pk": member.pk}) if takes_staff else reverse(name)


@pytest.mark.parametrize("name,takes_staff,methods", VIEWS)
def test_personas(client, name, takes_staff, methods, manager, counsellor, officer, other_manager):
    url = _url(name, takes_staff, counsellor)
    first = sorted(methods)[0]  # "get" where allowed, else "post"

    response = getattr(client, first)(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))

    for user in (counsellor, officer):
        client.force_login(user)
        assert getattr(client, first)(url).status_code == 403

    client.force_login(manager)
    response = getattr(client, first)(url)
    assert response.status_code == (200 if first == "get" else 302)
    for method in {"get", "post", "put", "delete"} - methods:
        assert getattr(client, method)(url).status_code == 405

    if takes_staff:
        client.force_login(other_manager)
        assert getattr(client, first)(url).status_code == 404


def test_another_municipalitys_manager_cannot_touch_staff_even_by_hand_posted_forms(
    client, counsellor, other_manager, municipality
):
    TOTPDevice.objects.create(user=counsellor, name="app", confirmed=True)
    household = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    client.force_login(other_manager)
    posts = {
        "staff:detail": {"first_name": "Hacked", "last_name": "X", "roles": ["manager"]},
        "staff:deactivate": {},
        "staff:password": {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        "staff:otp_reset": {},
        "cases:caseload_transfer": {"to_user": other_manager.pk},
    }
    for name, data in posts.items():
        assert client.post(reverse(name, kwargs={"staff_pk": counsellor.pk}), data).status_code == 404, name
    counsellor.refresh_from_db()
    household.refresh_from_db()
    assert counsellor.first_name != "Hacked" and not counsellor.is_manager and counsellor.is_active
    assert counsellor.check_password(TEST_PASSWORD)
    assert TOTPDevice.objects.filter(user=counsellor).exists()
    assert household.counsellor == counsellor


def test_services_refuse_another_municipalitys_manager(counsellor, other_manager):
    with pytest.raises(PermissionDenied):
        services.staff_deactivate(user=counsellor, by=other_manager)
    with pytest.raises(PermissionDenied):
        services.staff_password_reset(user=counsellor, by=other_manager, password=NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.staff_otp_reset(user=counsellor, by=other_manager)


def test_list_shows_own_municipality_with_roles_two_factor_and_activity(
    client, manager, counsellor, other_counsellor
):
    TOTPDevice.objects.create(user=counsellor, name="app", confirmed=True)
    gone = CounsellorFactory(municipality=manager.municipality, first_name="Gammel", last_name="Ansatt")
    services.staff_deactivate(user=gone, by=manager)
    client.force_login(manager)
    response = client.get(reverse("staff:list"))
    rows = {member.pk: member for member in response.context["staff"]}
    assert set(rows) == {manager.pk, counsellor.pk, gone.pk}
    assert rows[counsellor.pk].otp_enrolled and not rows[manager.pk].otp_enrolled
    assert list(rows)[-1] == gone.pk  # the deactivated last
    html = response.content.decode()
    assert other_counsellor.username not in html
    assert "Deaktivert" in html and "Boveileder" in html


def test_staff_list_is_paged(client, manager, monkeypatch):
    monkeypatch.setattr("boveileder.views.staff.STAFF_PAGE_SIZE", 2)
    CounsellorFactory.create_batch(3, municipality=manager.municipality)
    client.force_login(manager)
    first = client.get(reverse("staff:list"))
    assert len(first.context["staff"]) == 2 and first.context["page"].paginator.num_pages == 2
    assert len(client.get(reverse("staff:list"), {"page": 2}).context["staff"]) == 2


# Session, and the user with the menu's municipality; the count and the page (two-factor as an EXISTS
# in the same query); the session saved on every request.
STAFF_LIST_QUERIES = 4


def test_staff_list_query_count_is_pinned_and_does_not_grow(client, manager, django_assert_num_queries):
    client.force_login(manager)
    url = reverse("staff:list")
    client.get(url)
    with django_assert_num_queries(STAFF_LIST_QUERIES):
        assert client.get(url).status_code == 200
    for member in CounsellorFactory.create_batch(19, municipality=manager.municipality):
        TOTPDevice.objects.create(user=member, name="app", confirmed=True)
    with django_assert_num_queries(STAFF_LIST_QUERIES):
        response = client.get(url)
    assert len(response.context["staff"]) == 20


def test_create_with_a_chosen_password_in_the_managers_municipality(client, manager, other_municipality):
    client.force_login(manager)
    response = client.post(
        reverse("staff:create"),
        {
            "username": "nina.boveileder",
            "first_name": "Nina",
            "last_name": "Berg",
            "email": "nina@example.no",
            "roles": ["counsellor"],
            "can_approve_decisions": "on",
            "password_choice": "choose",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "municipality": other_municipality.pk,  # hand-added: ignored
        },
    )
    member = User.objects.get(username="nina.boveileder@alesund")  # namespaced
    assert response.status_code == 302 and response.url == reverse(
        "staff:detail", kwargs={"staff_pk": member.pk}
    )
    assert member.municipality == manager.municipality
    assert member.is_counsellor and not member.is_manager and member.can_approve_decisions
    client.logout()
    assert client.login(username="nina.boveileder@alesund", password=NEW_PASSWORD)


def test_create_with_a_generated_password_shows_it_once(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("staff:create"),
        {
            "username": "per.officer",
            "first_name": "Per",
            "last_name": "Dal",
            "roles": ["officer"],
            "password_choice": "generate",
        },
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert len(password) >= 12 and password in response.content.decode()
    member = User.objects.get(username="per.officer@alesund")
    assert member.check_password(password)
    page = client.get(reverse("staff:detail", kwargs={"staff_pk": member.pk})).content.decode()
    assert password not in page


@pytest.mark.parametrize(
    "password,message",
    [
        ("kort-pass", "Passordet er for kort"),
        ("password1234", "Dette passordet er for vanlig"),
        ("nina.boveileder", "Passordet er for likt brukernavn"),
    ],
)
def test_create_refuses_a_weak_password_and_keeps_what_was_typed(client, manager, password, message):
    client.force_login(manager)
    response = client.post(
        reverse("staff:create"),
        {
            "username": "nina.boveileder",
            "first_name": "Nina",
            "last_name": "Berg",
            "roles": ["counsellor"],
            "password_choice": "choose",
            "password1": password,
            "password2": password,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert 'value="nina.boveileder"' in html and 'value="Berg"' in html
    assert not User.objects.filter(username__startswith="nina.boveileder").exists()


def test_create_refuses_a_taken_username_and_no_role(client, manager, counsellor):
    CounsellorFactory(municipality=manager.municipality, username="kari.vik@alesund")
    client.force_login(manager)
    data = {"username": "Kari.Vik", "first_name": "A", "last_name": "B", "password_choice": "generate"}
    response = client.post(reverse("staff:create"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"roles"}
    response = client.post(reverse("staff:create"), {**data, "roles": ["counsellor"]})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username"}


def test_edit_names_and_roles(client, manager, counsellor):
    client.force_login(manager)
    url = reverse("staff:detail", kwargs={"staff_pk": counsellor.pk})
    response = client.post(
        url, {"first_name": "Kari", "last_name": "Nordvik", "roles": ["counsellor", "officer"]}
    )
    assert response.status_code == 302
    counsellor.refresh_from_db()
    assert counsellor.last_name == "Nordvik" and counsellor.is_officer and counsellor.is_counsellor


def test_a_manager_cannot_remove_their_own_manager_role_or_deactivate_themself(client, manager):
    client.force_login(manager)
    url = reverse("staff:detail", kwargs={"staff_pk": manager.pk})
    response = client.post(url, {"first_name": "Lise", "last_name": "Leder", "roles": ["counsellor"]})
    assert (
        response.status_code == 200 and "Du kan ikke fjerne din egen lederrolle" in response.content.decode()
    )
    response = client.post(reverse("staff:deactivate", kwargs={"staff_pk": manager.pk}), follow=True)
    assert "Du kan ikke deaktivere deg selv" in response.content.decode()
    manager.refresh_from_db()
    assert manager.is_manager and manager.is_active


def test_the_municipality_keeps_an_active_manager(manager):
    """The rule itself, at the service: a manager whom only an inactive manager could replace stays."""
    second = ManagerFactory(municipality=manager.municipality)
    services.staff_deactivate(user=second, by=manager)
    with pytest.raises(ValidationError):
        services.staff_deactivate(user=manager, by=manager)
    with pytest.raises(ValidationError):
        services.staff_update(
            user=manager,
            by=manager,
            first_name="L",
            last_name="L",
            email="",
            roles=["officer"],
            can_approve_decisions=False,
        )
    # Another manager may take the manager role from a colleague while they themselves remain.
    services.staff_reactivate(user=second, by=manager)
    services.staff_update(
        user=second,
        by=manager,
        first_name="S",
        last_name="S",
        email="",
        roles=["officer"],
        can_approve_decisions=False,
    )
    assert (
        User.objects.filter(municipality=manager.municipality, is_manager=True, is_active=True).count() == 1
    )
    with pytest.raises(ValidationError):
        services._ensure_a_manager_remains(manager)


def test_deactivated_staff_cannot_log_in_and_their_session_ends(client, manager, counsellor):
    other = Client()
    other.force_login(counsellor)
    assert other.get(reverse("cases:caseload")).status_code == 200
    client.force_login(manager)
    client.post(reverse("staff:deactivate", kwargs={"staff_pk": counsellor.pk}))
    counsellor.refresh_from_db()
    assert not counsellor.is_active
    response = other.get(reverse("cases:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not other.login(username=counsellor.username, password=TEST_PASSWORD)

    client.post(reverse("staff:reactivate", kwargs={"staff_pk": counsellor.pk}))
    assert other.login(username=counsellor.username, password=TEST_PASSWORD)


def test_deactivation_page_shows_the_open_households(client, manager, counsellor, municipality):
    HouseholdFactory.create_batch(2, municipality=municipality, counsellor=counsellor)
    client.force_login(manager)
    html = client.get(reverse("staff:deactivate", kwargs={"staff_pk": counsellor.pk})).content.decode()
    assert "2 åpne husstander" in html
    assert reverse("cases:caseload_transfer", kwargs={"staff_pk": counsellor.pk}) in html


def test_password_reset_sets_the_new_password_and_the_old_stops_working(client, manager, counsellor):
    client.force_login(manager)
    url = reverse("staff:password", kwargs={"staff_pk": counsellor.pk})
    response = client.post(url, {"password1": "kort", "password2": "kort"})
    assert response.status_code == 200 and "Passordet er for kort" in response.content.decode()
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    client.logout()
    assert not client.login(username=counsellor.username, password=TEST_PASSWORD)
    assert client.login(username=counsellor.username, password=NEW_PASSWORD)


def test_otp_reset_removes_the_devices(client, manager, counsellor):
    TOTPDevice.objects.create(user=counsellor, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=counsellor, name="backup")
    static.token_set.create(token="12345678")
    keep = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    client.force_login(manager)
    detail = reverse("staff:detail", kwargs={"staff_pk": counsellor.pk})
    assert "Tilbakestill tofaktorinnlogging" in client.get(detail).content.decode()
    response = client.post(reverse("staff:otp_reset", kwargs={"staff_pk": counsellor.pk}))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=counsellor).exists()
    assert not StaticDevice.objects.filter(user=counsellor).exists()
    assert TOTPDevice.objects.filter(pk=keep.pk).exists()


def test_the_menu_shows_staff_to_managers_only(client, manager, counsellor):
    client.force_login(manager)
    assert reverse("staff:list") in client.get(reverse("reports:dashboard")).content.decode()
    client.force_login(counsellor)
    assert reverse("staff:list") not in client.get(reverse("cases:caseload")).content.decode()


def test_staff_without_municipality_are_out_of_reach(client, manager):
    admin = UserFactory(municipality=None, is_superuser=True, is_staff=True)
    client.force_login(manager)
    assert client.get(reverse("staff:detail", kwargs={"staff_pk": admin.pk})).status_code == 404


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_managers_deactivating_each_other_at_once_leave_one_active():
    """On PostgreSQL the managers' rows are locked in one order: whichever way the race goes, a
    manager remains, and the other request gets the rule's message, not a deadlock."""
    import threading

    from django.db import connection

    from tests.factories import MunicipalityFactory

    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    first, second = ManagerFactory.create_batch(2, municipality=municipality)
    barrier = threading.Barrier(2)
    outcomes = []

    def deactivate(user, by):
        try:
            barrier.wait()
            services.staff_deactivate(user=user, by=by)
            outcomes.append("done")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=deactivate, args=(second, first)),
        threading.Thread(target=deactivate, args=(first, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["ValidationError", "done"], outcomes
    assert User.objects.filter(municipality=municipality, is_manager=True, is_active=True).count() == 1
