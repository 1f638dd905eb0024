"""Registering households and members (with the possible-duplicate check), removing members,
closing and reopening a case; every change keeps its history."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from boveileder.national_id import synthetic
from cases.models import Household, Person, TimelineEvent
from cases.services.households import household_close, household_reopen, person_add
from tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()
BORN = date(1985, 4, 12)


def register_data(**overrides):
    data = {
        "reference": "H-2026-001",
        "enrolled_on": TODAY.isoformat(),
        "housing_at_start": "municipal_rental",
        "notes": "",
        "member-first_name": "Amina",
        "member-last_name": "Hassan",
        "member-birth_date": BORN.isoformat(),
        "member-national_id": "",
        "member-household_role": "applicant",
        "member-phone": "40000000",
        "member-email": "",
        "member-interpreter_language": "",
    }
    data.update(overrides)
    return data


def test_register_a_household_with_its_main_person(client_for, counsellor):
    response = client_for(counsellor).post(
        reverse("cases:household_register"), register_data(counsellor=counsellor.pk)
    )
    assert response.status_code == 302
    household = Household.objects.get(reference="H-2026-001")
    assert household.counsellor == counsellor and household.municipality == counsellor.municipality
    person = household.members.get()
    assert (person.first_name, person.birth_date, person.household_role) == ("Amina", BORN, "applicant")
    assert household.history.get().history_user == counsellor
    assert person.history.get().history_type == "+"
    kinds = set(TimelineEvent.objects.filter(household=household).values_list("kind", flat=True))
    assert kinds == {"household_registered", "member_added"}


def test_a_member_born_after_today_is_refused_and_the_form_keeps_what_was_typed(client_for, counsellor):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client_for(counsellor).post(
        reverse("cases:household_register"), register_data(**{"member-birth_date": tomorrow})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fødselsdatoen kan ikke være etter i dag." in html
    assert 'value="Amina"' in html and 'value="Hassan"' in html and 'value="H-2026-001"' in html
    assert f'value="{tomorrow}"' in html
    assert not Household.objects.exists()


def test_a_national_id_typed_with_spaces_is_accepted_and_stored_as_digits(client_for, counsellor):
    response = client_for(counsellor).post(
        reverse("cases:household_register"), register_data(**{"member-national_id": "120963 425 68"})
    )
    assert response.status_code == 302
    assert Household.objects.get().members.get().national_id == "12096342568"


def test_an_invalid_national_id_is_refused_in_norwegian_and_the_form_keeps_the_rest(client_for, counsellor):
    response = client_for(counsellor).post(
        reverse("cases:household_register"), register_data(**{"member-national_id": "12096342569"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "ikke et gyldig fødselsnummer" in html
    assert 'value="Amina"' in html and 'value="H-2026-001"' in html
    assert not Household.objects.exists()


def test_add_member_born_after_today_is_refused(client_for, counsellor, household):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client_for(counsellor).post(
        reverse("cases:person_add", args=[household.pk]),
        {"first_name": "Baby", "last_name": "Hassan", "birth_date": tomorrow, "household_role": "child"},
    )
    html = response.content.decode()
    assert "Fødselsdatoen kan ikke være etter i dag." in html and 'value="Baby"' in html
    assert not household.members.exists()


def test_same_name_and_birth_date_shows_the_match_before_saving(
    client_for, municipality, counsellor, household
):
    existing = PersonFactory(household=household, first_name="Amina", last_name="Hassan", birth_date=BORN)
    client = client_for(counsellor)
    response = client.post(reverse("cases:household_register"), register_data())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Denne personen kan allerede være registrert" in html
    assert household.reference in html and f'name="link_person" value="{existing.pk}"' in html
    assert not Household.objects.filter(reference="H-2026-001").exists()

    # Linking moves the existing person into the new household instead of a duplicate.
    response = client.post(reverse("cases:household_register"), register_data(link_person=existing.pk))
    assert response.status_code == 302
    new = Household.objects.get(reference="H-2026-001")
    existing.refresh_from_db()
    assert existing.household == new
    assert Person.objects.filter(first_name="Amina").count() == 1
    assert TimelineEvent.objects.filter(household=household, kind="member_moved").exists()


def test_confirming_another_person_registers_them(client_for, counsellor, household):
    PersonFactory(household=household, first_name="Amina", last_name="Hassan", birth_date=BORN)
    response = client_for(counsellor).post(
        reverse("cases:household_register"), register_data(confirm_new="1")
    )
    assert response.status_code == 302
    assert Person.objects.filter(first_name="Amina").count() == 2


def test_same_national_id_can_only_be_linked(client_for, counsellor, household):
    import random

    national_id = synthetic(BORN, random.Random(3))
    existing = PersonFactory(household=household, first_name="A", last_name="B", national_id=national_id)
    client = client_for(counsellor)
    data = {
        "first_name": "Annen",
        "last_name": "Skrivemåte",
        "birth_date": BORN.isoformat(),
        "national_id": national_id,
        "household_role": "other",
        "confirm_new": "1",
    }
    other = HouseholdFactory(municipality=household.municipality, counsellor=counsellor)
    response = client.post(reverse("cases:person_add", args=[other.pk]), data)
    html = response.content.decode()
    assert "Det samme fødselsnummeret er allerede registrert" in html
    panel = html[html.index('id="duplicates-heading"') : html.index("</section>")]
    assert national_id not in panel  # the match is shown masked only
    assert national_id[:6] + "•••••" in panel
    assert 'name="confirm_new"' not in html
    response = client.post(reverse("cases:person_add", args=[other.pk]), {**data, "link_person": existing.pk})
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.household == other


def test_a_match_in_a_household_i_cannot_open_is_only_counted(client_for, municipality, counsellor):
    hidden = HouseholdFactory(municipality=municipality, restricted=True)
    secret = PersonFactory(household=hidden, first_name="Amina", last_name="Hassan", birth_date=BORN)
    response = client_for(counsellor).post(reverse("cases:household_register"), register_data())
    html = response.content.decode()
    assert "i en husstand du ikke har tilgang til" in html
    assert hidden.reference not in html
    response = client_for(counsellor).post(
        reverse("cases:household_register"), register_data(link_person=secret.pk)
    )
    assert response.status_code == 200  # not linked: the match is not the user's to take
    secret.refresh_from_db()
    assert secret.household == hidden


def test_remove_a_member_keeps_the_person_and_its_history(client_for, counsellor, household):
    person = person_add(
        household=household, by=counsellor, first_name="Ola", last_name="Hansen", birth_date=BORN
    )
    client = client_for(counsellor)
    response = client.post(reverse("cases:person_remove", args=[person.pk]), {"left_on": TODAY.isoformat()})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.left_on == TODAY
    assert [h.left_on for h in person.history.order_by("history_date")] == [None, TODAY]
    html = client.get(reverse("cases:household_detail", args=[household.pk])).content.decode()
    assert "Tidligere medlemmer" in html
    caseload = client.get(reverse("cases:caseload")).content.decode()
    assert "Ola Hansen" not in caseload


def test_close_and_reopen_a_case(client_for, counsellor, household):
    client = client_for(counsellor)
    response = client.post(
        reverse("cases:household_close", args=[household.pk]),
        {"closed_on": TODAY.isoformat(), "close_reason": "goal_reached"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.closed_on, household.close_reason) == (TODAY, "goal_reached")
    assert household.reference not in client.get(reverse("cases:caseload")).content.decode()
    assert (
        "Saken ble avsluttet"
        in client.get(reverse("cases:household_detail", args=[household.pk])).content.decode()
    )
    assert client.post(reverse("cases:household_reopen", args=[household.pk])).status_code == 302
    household.refresh_from_db()
    assert household.closed_on is None
    history = [(h.closed_on, h.close_reason) for h in household.history.order_by("history_date")]
    assert history[-2:] == [(TODAY, "goal_reached"), (None, "")]
    kinds = list(TimelineEvent.objects.filter(household=household).values_list("kind", flat=True))
    assert "household_closed" in kinds and "household_reopened" in kinds


def test_close_needs_a_reason_and_no_future_date(client_for, counsellor, household):
    response = client_for(counsellor).post(
        reverse("cases:household_close", args=[household.pk]),
        {"closed_on": (TODAY + timedelta(days=2)).isoformat(), "close_reason": ""},
    )
    html = response.content.decode()
    assert "Datoen kan ikke være fram i tid." in html
    assert "Feltet er påkrevet." in html
    household.refresh_from_db()
    assert household.closed_on is None


def test_services_refuse_double_close_and_reopen(counsellor, household):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        household_reopen(household=household, by=counsellor)
    household_close(household=household, by=counsellor, on=TODAY, reason="other")
    with pytest.raises(ValidationError):
        household_close(household=household, by=counsellor, on=TODAY, reason="other")


def test_the_person_page_is_logged_and_masks_the_national_id(client_for, officer, household):
    import random

    from cases.models import RecordView

    national_id = synthetic(BORN, random.Random(5))
    person = PersonFactory(household=household, national_id=national_id, birth_date=BORN)
    html = client_for(officer).get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert national_id not in html and national_id[:6] + "•••••" in html
    view = RecordView.objects.get(person=person)
    assert (view.user, view.household, view.what) == (officer, household, "person")


@pytest.mark.parametrize(
    "name,method,roles_ok",
    [
        ("cases:household_register", "get", ("counsellor", "manager")),
        ("cases:person_add", "get", ("counsellor", "manager")),
        ("cases:household_close", "get", ("counsellor", "manager")),
        ("cases:person_detail", "get", ("counsellor", "manager", "officer")),
        ("cases:person_remove", "get", ("counsellor", "manager")),
    ],
)
def test_persona_checks(request, client_for, household, other_counsellor, name, method, roles_ok):
    person = PersonFactory(household=household)
    on_person = name in ("cases:person_detail", "cases:person_remove")
    args = [] if name == "cases:household_register" else [person.pk if on_person else household.pk]
    url = reverse(name, args=args)
    assert Client().get(url).status_code == 302
    for role in ("counsellor", "manager", "officer"):
        expected = 200 if role in roles_ok else 403
        assert client_for(request.getfixturevalue(role)).get(url).status_code == expected, role
    if args:
        assert client_for(other_counsellor).get(url).status_code == 404
    assert client_for(request.getfixturevalue("counsellor")).delete(url).status_code == 405


def test_reopen_is_post_only(client_for, counsellor, officer, other_counsellor, household):
    url = reverse("cases:household_reopen", args=[household.pk])
    assert client_for(counsellor).get(url).status_code == 405
    assert client_for(officer).post(url).status_code == 403
    assert client_for(other_counsellor).post(url).status_code == 404


def test_where_the_household_lived_at_the_start_is_kept_and_shown_on_its_page(client_for, counsellor):
    """A Statsforvalteren report item: the counsellor's choice on the register form is the record's
    and the household page's, never the default in its place."""
    client = client_for(counsellor)
    response = client.post(
        reverse("cases:household_register"),
        register_data(counsellor=counsellor.pk, housing_at_start="private_rental"),
    )
    household = Household.objects.get(reference="H-2026-001")
    assert household.housing_at_start == "private_rental"
    page = client.get(response.url).content.decode()
    assert "Bosituasjon ved oppstart: Privat leie" in " ".join(page.split())
