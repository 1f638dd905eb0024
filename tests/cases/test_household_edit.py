"""Editing a household and a member: who may, what is refused with a Norwegian message (keeping what
was typed), the history and the timeline (naming fields, never a national ID), and the logged
"show national ID" action."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Household, Person, RecordView, TimelineEvent
from cases.services.households import household_update, person_update
from tests.factories import CounsellorFactory, HouseholdFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()
VALID_ID = "12096342568"
OTHER_VALID_ID = "31129956715"
ID_2032_ONLY = "30108299939"


def household_data(household, **overrides):
    data = {
        "counsellor": household.counsellor_id or "",
        "housing_at_start": household.housing_at_start,
        "enrolled_on": household.enrolled_on.isoformat(),
        "postal_address": household.postal_address,
        "postcode": household.postcode,
        "post_town": household.post_town,
        "notes": household.notes,
    }
    data.update(overrides)
    return data


def person_data(person, **overrides):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "national_id": "",
        "household_role": person.household_role,
        "phone": person.phone,
        "email": person.email,
        "interpreter_language": person.interpreter_language,
    }
    if person.needs_interpreter:
        data["needs_interpreter"] = "on"
    data.update(overrides)
    return data


@pytest.fixture
def person(household):
    return PersonFactory(
        household=household, first_name="Amina", last_name="Hassan", birth_date=date(1985, 4, 12)
    )


# --- persona checks ------------------------------------------------------------------------------

EDIT_URLS = ["cases:household_edit", "cases:person_edit"]


def _object_for(name, household, person):
    return household if name == "cases:household_edit" else person


@pytest.mark.parametrize("name", EDIT_URLS)
def test_counsellor_and_manager_open_the_edit_pages(client_for, counsellor, manager, household, person, name):
    url = reverse(name, args=[_object_for(name, household, person).pk])
    for user in (counsellor, manager):
        assert client_for(user).get(url).status_code == 200


@pytest.mark.parametrize("name", EDIT_URLS)
def test_an_officer_and_staff_without_a_role_get_403(
    client_for, officer, municipality, household, person, name
):
    url = reverse(name, args=[_object_for(name, household, person).pk])
    assert client_for(officer).get(url).status_code == 403
    assert client_for(UserFactory(municipality=municipality)).post(url, {}).status_code == 403


@pytest.mark.parametrize("name", EDIT_URLS)
def test_another_municipality_gets_404(client_for, other_counsellor, other_manager, household, person, name):
    url = reverse(name, args=[_object_for(name, household, person).pk])
    assert client_for(other_counsellor).get(url).status_code == 404
    assert client_for(other_manager).post(url, {}).status_code == 404


@pytest.mark.parametrize("name", EDIT_URLS)
def test_anonymous_goes_to_login_and_put_is_refused(client, client_for, counsellor, household, person, name):
    url = reverse(name, args=[_object_for(name, household, person).pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_for(counsellor).put(url).status_code == 405


@pytest.mark.parametrize("name", EDIT_URLS)
def test_a_restricted_household_is_404_for_another_counsellor_but_open_to_its_own(
    client_for, municipality, counsellor, manager, household, person, name
):
    household.restricted = True
    household.save()
    url = reverse(name, args=[_object_for(name, household, person).pk])
    colleague = CounsellorFactory(municipality=municipality)
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(counsellor).get(url).status_code == 200
    assert client_for(manager).get(url).status_code == 200


def test_show_national_id_personas(client, client_for, officer, other_counsellor, counsellor, household):
    person = PersonFactory(household=household, national_id=VALID_ID)
    url = reverse("cases:person_national_id", args=[person.pk])
    assert client.post(url).url.startswith(reverse("login"))
    assert client_for(counsellor).get(url).status_code == 405
    assert client_for(officer).post(url).status_code == 403
    assert client_for(other_counsellor).post(url).status_code == 404
    assert not RecordView.objects.filter(what="national_id_shown").exists()


# --- the household -------------------------------------------------------------------------------


def test_counsellor_edits_the_household_and_the_timeline_names_what_changed(
    client_for, counsellor, household
):
    response = client_for(counsellor).post(
        reverse("cases:household_edit", args=[household.pk]),
        household_data(household, housing_at_start="homeless", notes="Bor hos venner."),
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.housing_at_start, household.notes) == ("homeless", "Bor hos venner.")
    latest = household.history.first()
    assert latest.history_type == "~" and latest.history_user == counsellor
    assert latest.prev_record.housing_at_start == "municipal_rental"
    event = TimelineEvent.objects.get(household=household, kind="household_updated")
    assert event.text == "Opplysninger om husstanden endret: bosituasjon ved oppstart, notater"
    assert event.actor == counsellor


def test_saving_without_a_change_writes_nothing(client_for, counsellor, household):
    before = household.history.count()
    response = client_for(counsellor).post(
        reverse("cases:household_edit", args=[household.pk]), household_data(household)
    )
    assert response.status_code == 302
    assert household.history.count() == before
    assert not TimelineEvent.objects.filter(kind="household_updated").exists()


def test_a_counsellor_cannot_reassign_the_case(client_for, municipality, counsellor, household):
    colleague = CounsellorFactory(municipality=municipality)
    response = client_for(counsellor).post(
        reverse("cases:household_edit", args=[household.pk]),
        household_data(household, counsellor=colleague.pk, notes="Ny plan"),
    )
    household.refresh_from_db()
    assert household.counsellor == counsellor  # the posted counsellor is ignored: the field is locked
    assert household.notes == "Ny plan" and response.status_code == 302
    page = client_for(counsellor).get(reverse("cases:household_edit", args=[household.pk])).content.decode()
    assert "Bare en leder kan gi saken til en annen boveileder." in page
    with pytest.raises(ValidationError) as refused:
        household_update(household=household, by=counsellor, counsellor=colleague)
    assert "Bare en leder kan gi saken til en annen boveileder." in str(refused.value)
    household.refresh_from_db()
    assert household.counsellor == counsellor


def test_a_manager_reassigns_the_case(client_for, municipality, manager, counsellor, household):
    colleague = CounsellorFactory(municipality=municipality, first_name="Jon", last_name="Vik")
    response = client_for(manager).post(
        reverse("cases:household_edit", args=[household.pk]),
        household_data(household, counsellor=colleague.pk),
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.counsellor == colleague
    assert household.history.first().history_user == manager
    assert TimelineEvent.objects.get(kind="household_updated").text.endswith(": boveileder")


def test_a_manager_cannot_give_the_case_to_another_municipalitys_counsellor(
    manager, household, other_counsellor
):
    with pytest.raises(ValidationError):
        household_update(household=household, by=manager, counsellor=other_counsellor)


def test_an_enrolment_date_in_the_future_is_refused_and_the_form_keeps_what_was_typed(
    client_for, counsellor, household
):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client_for(counsellor).post(
        reverse("cases:household_edit", args=[household.pk]),
        household_data(household, enrolled_on=tomorrow, notes="Skrevet nå"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Datoen kan ikke være fram i tid." in html
    assert f'value="{tomorrow}"' in html and "Skrevet nå" in html
    household.refresh_from_db()
    assert household.notes == ""


# --- the person ----------------------------------------------------------------------------------


def test_edit_a_member_keeps_history_and_the_timeline_names_the_fields(client_for, counsellor, person):
    response = client_for(counsellor).post(
        reverse("cases:person_edit", args=[person.pk]),
        person_data(
            person,
            first_name="Amina S.",
            national_id="120963 42568",
            phone="41234567",
            needs_interpreter="on",
            interpreter_language="somali",
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.national_id, person.phone) == ("Amina S.", VALID_ID, "41234567")
    assert person.needs_interpreter and person.interpreter_language == "somali"
    latest = person.history.first()
    assert latest.history_type == "~" and latest.history_user == counsellor
    assert latest.prev_record.first_name == "Amina"
    event = TimelineEvent.objects.get(kind="person_updated", household=person.household)
    assert event.text.startswith("Opplysninger om Amina S. Hassan endret: fornavn, fødselsnummer, telefon")
    assert VALID_ID not in event.text and "120963" not in event.text
    # The history keeps no national ID at all: not a column, not a value.
    historical = person.history.model
    assert "national_id" not in {f.name for f in historical._meta.get_fields()}
    assert not any(VALID_ID in str(value) for row in person.history.values() for value in row.values())


def test_the_edit_page_shows_the_national_id_masked_only(client_for, counsellor, household):
    person = PersonFactory(household=household, national_id=VALID_ID)
    html = client_for(counsellor).get(reverse("cases:person_edit", args=[person.pk])).content.decode()
    assert VALID_ID not in html
    assert "120963•••••" in html and "Vis fødselsnummer" in html
    assert RecordView.objects.filter(person=person, what="person_edit", user=counsellor).exists()


def test_showing_the_national_id_is_logged(client_for, counsellor, manager, household):
    person = PersonFactory(household=household, national_id=VALID_ID)
    detail = client_for(counsellor).get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert VALID_ID not in detail and "Vis fødselsnummer" in detail
    response = client_for(counsellor).post(reverse("cases:person_national_id", args=[person.pk]))
    assert response.status_code == 200 and VALID_ID in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    shown = RecordView.objects.get(what="national_id_shown")
    assert (shown.user, shown.person, shown.household) == (counsellor, person, household)
    log = client_for(manager).get(reverse("cases:household_access_log", args=[household.pk]))
    assert shown in log.context["views"]
    assert f"Fødselsnummer vist: {person}" in log.content.decode()


def test_removing_the_national_id(counsellor, household):
    person = PersonFactory(household=household, national_id=VALID_ID)
    person_update(person=person, by=counsellor, national_id="")
    person.refresh_from_db()
    assert person.national_id == ""
    assert TimelineEvent.objects.get(kind="person_updated").text.endswith(": fødselsnummer")


def test_a_number_valid_only_under_the_2032_rule_is_accepted(counsellor, person):
    person_update(person=person, by=counsellor, national_id=ID_2032_ONLY)
    person.refresh_from_db()
    assert person.national_id == ID_2032_ONLY


def test_a_birth_date_after_today_is_refused_and_the_form_keeps_what_was_typed(
    client_for, counsellor, person
):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client_for(counsellor).post(
        reverse("cases:person_edit", args=[person.pk]),
        person_data(person, first_name="Aminah", birth_date=tomorrow, phone="49999999"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fødselsdatoen kan ikke være etter i dag." in html
    assert 'value="Aminah"' in html and f'value="{tomorrow}"' in html and 'value="49999999"' in html
    person.refresh_from_db()
    assert person.first_name == "Amina"
    with pytest.raises(ValidationError):
        person_update(person=person, by=counsellor, birth_date=TODAY + timedelta(days=1))


def test_an_invalid_national_id_is_refused_in_norwegian_and_kept_in_the_form(client_for, counsellor, person):
    response = client_for(counsellor).post(
        reverse("cases:person_edit", args=[person.pk]),
        person_data(person, national_id="12096342567", last_name="Hassan-Ali"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dette er ikke et gyldig fødselsnummer eller D-nummer: kontroller sifrene." in html
    assert 'value="12096342567"' in html and 'value="Hassan-Ali"' in html
    person.refresh_from_db()
    assert person.national_id == "" and person.last_name == "Hassan"
    assert not TimelineEvent.objects.filter(kind="person_updated").exists()


def test_a_national_id_another_person_in_the_municipality_has_gives_a_clear_message(
    client_for, counsellor, municipality, person
):
    other = PersonFactory(household=HouseholdFactory(municipality=municipality), national_id=OTHER_VALID_ID)
    response = client_for(counsellor).post(
        reverse("cases:person_edit", args=[person.pk]),
        person_data(person, national_id=OTHER_VALID_ID, first_name="Amira"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "En annen person i kommunen har allerede dette fødselsnummeret." in html
    assert 'value="Amira"' in html
    person.refresh_from_db()
    assert person.national_id == "" and person.first_name == "Amina"
    assert Person.objects.get(pk=other.pk).national_id == OTHER_VALID_ID


def test_the_same_national_id_in_another_municipality_is_allowed(counsellor, person, other_municipality):
    PersonFactory(household=HouseholdFactory(municipality=other_municipality), national_id=OTHER_VALID_ID)
    person_update(person=person, by=counsellor, national_id=OTHER_VALID_ID)
    person.refresh_from_db()
    assert person.national_id == OTHER_VALID_ID


def test_write_a_new_number_and_remove_the_old_is_refused(client_for, counsellor, household):
    person = PersonFactory(household=household, national_id=VALID_ID)
    response = client_for(counsellor).post(
        reverse("cases:person_edit", args=[person.pk]),
        person_data(person, national_id=OTHER_VALID_ID, remove_national_id="on"),
    )
    assert response.status_code == 200
    assert "ikke begge deler" in response.content.decode()
    person.refresh_from_db()
    assert person.national_id == VALID_ID


def test_an_empty_national_id_field_keeps_the_registered_number(client_for, counsellor, household):
    person = PersonFactory(household=household, national_id=VALID_ID, phone="")
    client_for(counsellor).post(
        reverse("cases:person_edit", args=[person.pk]), person_data(person, phone="1")
    )
    person.refresh_from_db()
    assert person.national_id == VALID_ID and person.phone == "1"


def test_household_changes_never_name_a_national_id(counsellor, household):
    PersonFactory(household=household, national_id=VALID_ID)
    household_update(household=household, by=counsellor, notes="Notat")
    summaries = " ".join(f"{event.text} {event.params}" for event in TimelineEvent.objects.all())
    assert VALID_ID not in summaries
    assert not Household.history.filter(notes__contains=VALID_ID).exists()


def test_a_counsellor_may_take_an_unassigned_case_but_give_it_to_no_one_else(
    client_for, municipality, counsellor
):
    household = HouseholdFactory(municipality=municipality, counsellor=None)
    colleague = CounsellorFactory(municipality=municipality)
    url = reverse("cases:household_edit", args=[household.pk])
    response = client_for(counsellor).post(url, household_data(household, counsellor=colleague.pk))
    assert response.status_code == 200 and "Velg et gyldig valg." in response.content.decode()
    household.refresh_from_db()
    assert household.counsellor is None
    assert (
        client_for(counsellor).post(url, household_data(household, counsellor=counsellor.pk)).status_code
        == 302
    )
    household.refresh_from_db()
    assert household.counsellor == counsellor


def test_opening_the_household_edit_page_is_in_the_access_log(client_for, counsellor, manager, household):
    client_for(counsellor).get(reverse("cases:household_edit", args=[household.pk]))
    log = client_for(manager).get(reverse("cases:household_access_log", args=[household.pk])).content.decode()
    assert RecordView.objects.filter(household=household, user=counsellor, what="household").count() == 1
    assert "Husstandssiden" in log
