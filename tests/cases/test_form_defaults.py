"""What every form says and starts with: the empty choice of a select reads «Velg …»,
an invalid date has one wording in every form, a new household's first person is its main person,
and an untouched start-up loan form creates nothing."""

import re

import pytest
from django.urls import reverse

from cases.models import StartLoanApplication
from tests.factories import LongTenureFlagFactory, PartnerAgencyFactory, PersonFactory, TenancyFactory
from tests.html_forms import untouched

pytestmark = pytest.mark.django_db
INVALID_DATE = "Skriv en gyldig dato."


@pytest.fixture
def pages(municipality, household, counsellor):
    PersonFactory(household=household)
    PartnerAgencyFactory(municipality=municipality)
    tenancy = TenancyFactory(household=household)
    flag = LongTenureFlagFactory(tenancy=tenancy)
    return {"household": household, "flag": flag, "unit": tenancy.unit}


SELECTS = [  # (url name, arg, who, a select with an empty choice)
    ("cases:household_register", None, "counsellor", "counsellor"),
    ("cases:household_edit", "household", "manager", "counsellor"),
    ("cases:consent_add", "household", "counsellor", "person"),
    ("housing:flag_detail", "flag", "officer", "referred_to"),
    ("reports:grant_create", None, "manager", "funder"),
]


@pytest.mark.parametrize(("name", "arg", "who", "select"), SELECTS, ids=[s[0] for s in SELECTS])
def test_the_empty_choice_of_a_select_reads_velg(request, client_for, pages, name, arg, who, select):
    client = client_for(request.getfixturevalue(who))
    html = client.get(reverse(name, args=[pages[arg].pk] if arg else [])).content.decode()
    assert "---------" not in html
    tag = re.search(rf'<select name="{select}".*?</select>', html, re.S).group(0)
    assert re.search(r'<option value=""[^>]*>Velg …</option>', tag), tag


DATES = [  # (url name, arg, who, a date field)
    ("cases:followup_log", "household", "counsellor", "date"),
    ("cases:household_register", None, "counsellor", "enrolled_on"),
    ("cases:household_register", None, "counsellor", "member-birth_date"),
    ("cases:consent_add", "household", "counsellor", "given_on"),
    ("cases:household_close", "household", "counsellor", "closed_on"),
    ("cases:startloan_create", "household", "counsellor", "received_on"),
    ("cases:decision_create", "household", "counsellor", "period_from"),
    ("housing:tenancy_move_in", "unit", "officer", "start_date"),
    ("reports:grant_create", None, "manager", "period_from"),
]


@pytest.mark.parametrize(("name", "arg", "who", "field"), DATES, ids=[f"{d[0]}-{d[3]}" for d in DATES])
def test_an_invalid_date_has_one_wording_in_every_form(request, client_for, pages, name, arg, who, field):
    client = client_for(request.getfixturevalue(who))
    url = reverse(name, args=[pages[arg].pk] if arg else [])
    data = untouched(client.get(url).content.decode())
    data[field] = ["31.02.2026"]
    html = client.post(url, data).content.decode()
    field_id = "id_" + field.replace("member-", "member-")
    error = re.search(rf'<p id="error_1_{field_id}"><strong>(.*?)</strong></p>', html)
    assert error and error.group(1) == INVALID_DATE, html[:200]


def test_a_new_household_s_first_person_is_its_main_person(client_for, counsellor):
    html = client_for(counsellor).get(reverse("cases:household_register")).content.decode()
    assert untouched(html)["member-household_role"] == ["applicant"]


def test_an_untouched_start_up_loan_form_creates_nothing(client_for, counsellor, household):
    client = client_for(counsellor)
    url = reverse("cases:startloan_create", args=[household.pk])
    response = client.post(url, untouched(client.get(url).content.decode()))
    assert response.status_code == 200
    assert not StartLoanApplication.objects.exists()
    assert '<p id="error_1_id_received_on"><strong>' in response.content.decode()
