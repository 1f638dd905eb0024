"""Creating a staff member tells a manager nothing about other municipalities' accounts.
Usernames a manager gives are namespaced by the municipality (`kari.nordmann@alesund`), so a name
taken elsewhere is free here, and «taken» can only mean one of the manager's own staff."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import CounsellorFactory

User = get_user_model()
pytestmark = pytest.mark.django_db
PASSWORD = "Fjordbris-Ålesund-2026"


def _create(client, username):
    return client.post(
        reverse("staff:create"),
        {
            "username": username,
            "first_name": "Nina",
            "last_name": "Berg",
            "roles": ["counsellor"],
            "password_choice": "choose",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_a_username_taken_in_another_municipality_cannot_be_told_from_a_free_one(
    client, manager, other_municipality
):
    CounsellorFactory(municipality=other_municipality, username="per.hansen")
    client.force_login(manager)

    taken_elsewhere = _create(client, "per.hansen")
    free = _create(client, "nina.berg")

    assert taken_elsewhere.status_code == free.status_code == 302
    assert "tatt" not in client.get(taken_elsewhere.url).content.decode()
    member = User.objects.get(pk=taken_elsewhere.url.rstrip("/").rsplit("/", 1)[1])
    assert member.username == "per.hansen@alesund"
    assert member.municipality == manager.municipality
    assert User.objects.get(username="per.hansen").municipality == other_municipality
    assert Client().login(username=member.username, password=PASSWORD)


def test_a_username_of_the_managers_own_staff_is_taken_whatever_its_case(client, manager):
    client.force_login(manager)
    assert _create(client, "nina.berg").status_code == 302
    again = _create(client, "Nina.Berg")
    assert again.status_code == 200
    assert "Brukernavnet er tatt" in again.content.decode()
    assert 'value="Nina.Berg"' in again.content.decode()  # what was typed is kept
    assert User.objects.filter(username__iexact="nina.berg@alesund").count() == 1


def test_a_manager_cannot_write_another_municipalitys_namespace(client, manager, other_municipality):
    client.force_login(manager)
    response = _create(client, "per.hansen@molde")
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not User.objects.filter(username__startswith="per.hansen@molde").exists()


def test_no_account_is_given_a_name_in_another_municipalitys_namespace(municipality, other_municipality):
    """The admin too: «per.hansen@alesund» belongs to Ålesund, so an Ålesund manager creating
    «per.hansen» never meets a Molde account of that name."""
    with pytest.raises(ValidationError) as error:
        User(username="per.hansen@alesund", municipality=other_municipality, password="x").full_clean()
    assert "username" in error.value.error_dict
    User(username="per.hansen@alesund", municipality=municipality, password="x").full_clean()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_managers_creating_the_same_name_at_once_make_one_account_and_one_message():
    """The second save waits on the unique index for the first's transaction; when that commits, the
    second gets «taken» as a message, never a server error."""
    import threading

    from django.db import connection, transaction

    from boveileder.services import staff as services
    from tests.factories import ManagerFactory, MunicipalityFactory
    from tests.services import wait_for

    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    first, second = ManagerFactory.create_batch(2, municipality=municipality)
    outcome = []
    first_inserted, release_first = threading.Event(), threading.Event()

    def create_and_hold():
        try:
            with transaction.atomic():
                services.staff_create(
                    by=first, username="nina.berg", first_name="N", last_name="B", roles=["counsellor"]
                )
                first_inserted.set()
                release_first.wait(30)
        finally:
            connection.close()

    def create_second():
        try:
            services.staff_create(
                by=second, username="Nina.Berg", first_name="N", last_name="B", roles=["counsellor"]
            )
            outcome.append("created")
        except Exception as error:
            outcome.append(getattr(error, "message_dict", {}).get("username", [type(error).__name__]))
        finally:
            connection.close()

    holder = threading.Thread(target=create_and_hold)
    holder.start()
    assert first_inserted.wait(30)
    late = threading.Thread(target=create_second)
    late.start()

    def second_waits_on_a_lock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO%%boveileder_user%%'"
            )
            return cursor.fetchone()[0]

    wait_for(second_waits_on_a_lock, timeout=30, message="the second insert waiting on the first")
    release_first.set()
    holder.join(30)
    late.join(30)
    assert outcome == [["Brukernavnet er tatt. Velg et annet."]], outcome
    assert User.objects.filter(username__iexact="nina.berg@alesund").count() == 1
