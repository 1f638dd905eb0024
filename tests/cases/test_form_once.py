"""A form that creates a record is accepted once: sending the same form again (Back,
then Lagre; a double tap; a resent POST) lands on what the first one created, with a message, and
stores nothing more. One mechanism for every such form."""

from datetime import UTC, date, timedelta

import pytest
from django.urls import reverse

from cases.models import Consent, Decision, FollowUp, Household, PartnerAgency, Person, StartLoanApplication
from housing.models import RentalUnit, Tenancy
from reports.models import FunderReport, FundingGrant
from tests.factories import PartnerAgencyFactory, PersonFactory, RentalUnitFactory
from tests.html_forms import untouched

pytestmark = pytest.mark.django_db
TODAY = date.today()
REPLAYED = "Skjemaet var allerede sendt og lagret. Det ble ikke lagret en gang til."


def followup_data(data):
    data.update(minutes=["45"], note=["Gikk gjennom budsjettet."])


def household_data(data):
    data.update(
        {
            "reference": ["H-ONCE-1"],
            "member-first_name": ["Amina"],
            "member-last_name": ["Hassan"],
            "member-birth_date": ["1985-04-12"],
        }
    )


def person_data(data):
    data.update(first_name=["Yusuf"], last_name=["Hassan"], birth_date=["2015-03-01"])


def consent_data(data):
    data.update(agency=[str(PartnerAgency.objects.get().pk)], purpose=["Budsjett og husleie"])


def startloan_data(data):
    data.update(received_on=[(TODAY - timedelta(days=3)).isoformat()], loan_amount_nok=["2500000"])


def decision_data(data):
    data.update(main_content=["Oppfølging to ganger i måneden."])


def agency_data(data):
    data.update(name=["Flyktningkontoret"])


def unit_data(data):
    data.update(reference=["U-ONCE"], address=["Storgata 1"])


def move_in_data(data):
    from cases.models import Household

    household = Household.objects.get(reference="H-ONCE-2")
    data.update(household=[str(household.pk)], start_date=[(TODAY - timedelta(days=1)).isoformat()])


def grant_data(data):
    data.update(
        funder=["husbanken"],
        amount_nok=["193000"],
        period_from=["2026-01-01"],
        period_to=["2026-12-31"],
        purpose=["Kompetanse"],
    )


@pytest.fixture
def setting(municipality, counsellor, officer, manager, household):
    PersonFactory(household=household, first_name="Amina", household_role="applicant")
    PartnerAgencyFactory(municipality=municipality, name="NAV Ålesund")
    unit = RentalUnitFactory(municipality=municipality)
    household.reference = "H-ONCE-2"
    household.save()
    return {"household": household, "unit": unit}


# (url name, args from the setting, who, fill in, the records that must not double)
FORMS = [
    ("cases:followup_log", "household", "counsellor", followup_data, FollowUp),
    ("cases:household_register", None, "counsellor", household_data, Household),
    ("cases:person_add", "household", "counsellor", person_data, Person),
    ("cases:consent_add", "household", "counsellor", consent_data, Consent),
    ("cases:startloan_create", "household", "counsellor", startloan_data, StartLoanApplication),
    ("cases:decision_create", "household", "counsellor", decision_data, Decision),
    ("cases:agency_add", None, "manager", agency_data, PartnerAgency),
    ("housing:unit_create", None, "officer", unit_data, RentalUnit),
    ("housing:tenancy_move_in", "unit", "officer", move_in_data, Tenancy),
    ("reports:grant_create", None, "manager", grant_data, FundingGrant),
    ("reports:generate", None, "manager", lambda data: None, FunderReport),
]


@pytest.mark.parametrize(("name", "arg", "who", "fill", "model"), FORMS, ids=[f[0] for f in FORMS])
def test_a_form_sent_twice_stores_one_record_and_lands_on_it(
    request, client_for, setting, name, arg, who, fill, model
):
    client = client_for(request.getfixturevalue(who))
    url = reverse(name, args=[setting[arg].pk] if arg else [])
    page = client.get(url)
    data = untouched(page.content.decode())
    assert data.get("form_token"), "the form carries a one-time token"
    fill(data)
    before = model.objects.count()

    first = client.post(url, data)
    assert first.status_code == 302, [
        line for line in first.content.decode().splitlines() if "feedback" in line or "alert" in line
    ]
    again = client.post(url, data, follow=True)

    assert model.objects.count() == before + 1
    assert again.redirect_chain[0] == (first.url, 302)
    assert REPLAYED in again.content.decode()


def test_a_form_refused_for_its_content_can_be_corrected_and_sent_with_the_same_token(
    client_for, counsellor, household
):
    client = client_for(counsellor)
    url = reverse("cases:followup_log", args=[household.pk])
    data = untouched(client.get(url).content.decode())
    data["minutes"] = ["-5"]
    assert client.post(url, data).status_code == 200  # refused: nothing stored, the token not used up
    data["minutes"] = ["30"]
    assert client.post(url, data).status_code == 302
    assert FollowUp.objects.filter(household=household).count() == 1


def test_a_token_is_only_a_replay_for_the_one_who_sent_it(client_for, counsellor, household, municipality):
    from tests.factories import CounsellorFactory

    client = client_for(counsellor)
    url = reverse("cases:followup_log", args=[household.pk])
    data = untouched(client.get(url).content.decode())
    client.post(url, data)
    colleague = CounsellorFactory(municipality=municipality)
    response = client_for(colleague).post(url, data, follow=True)
    assert FollowUp.objects.filter(household=household).count() == 1
    assert REPLAYED not in response.content.decode()


def test_tokens_are_forgotten_after_two_days(client_for, counsellor, household):
    from datetime import datetime

    from boveileder.models import FormSubmission
    from boveileder.tasks import form_submissions_sweep

    client = client_for(counsellor)
    url = reverse("cases:followup_log", args=[household.pk])
    client.post(url, untouched(client.get(url).content.decode()))
    old = FormSubmission.objects.get()
    FormSubmission.objects.filter(pk=old.pk).update(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    client.post(url, untouched(client.get(url).content.decode()))
    assert form_submissions_sweep() == 1
    assert FormSubmission.objects.count() == 1


@pytest.fixture
def steps(municipality, household, counsellor):
    from tests.factories import (
        ConsentFactory,
        LongTenureFlagFactory,
        StartLoanApplicationFactory,
        TenancyFactory,
    )

    person = PersonFactory(household=household)
    tenancy = TenancyFactory(household=household, start_date=TODAY - timedelta(days=2000))
    return {
        "household": household,
        "person": person,
        "consent": ConsentFactory(household=household, given_on=TODAY - timedelta(days=30)),
        "tenancy": tenancy,
        "flag": LongTenureFlagFactory(tenancy=tenancy),
        "startloan": StartLoanApplicationFactory(household=household, status="received"),
    }


def _with(**values):
    return lambda data: data.update({k: [v] for k, v in values.items()})


# Forms that record a step (a status change, a closing, a move-out): sent twice, the second lands
# where the first did, with the message, not on an error page («cannot go from X to X»).
STEPS = [
    ("cases:startloan_transition", ["startloan", "in_review"], "counsellor", _with()),
    ("cases:household_close", ["household"], "counsellor", _with(close_reason="goal_reached")),
    ("cases:person_remove", ["person"], "counsellor", _with()),
    ("cases:consent_withdraw", ["consent"], "counsellor", _with()),
    (
        "housing:tenancy_renew",
        ["tenancy"],
        "officer",
        _with(new_end_date=(TODAY + timedelta(days=900)).isoformat()),
    ),
    (
        "housing:tenancy_move_out",
        ["tenancy"],
        "officer",
        _with(move_out_reason="private_rental", moved_out_on=TODAY.isoformat()),
    ),
    ("housing:flag_detail", ["flag"], "officer", _with(decision="resolved", note="Snakket med husstanden.")),
]


@pytest.mark.parametrize(("name", "args", "who", "fill"), STEPS, ids=[s[0] for s in STEPS])
def test_a_step_sent_twice_is_recorded_once_and_lands_where_the_first_did(
    request, client_for, steps, name, args, who, fill
):
    client = client_for(request.getfixturevalue(who))
    url = reverse(name, args=[steps[a].pk if a in steps else a for a in args])
    data = untouched(client.get(url).content.decode())
    assert data.get("form_token"), "the form carries a one-time token"
    fill(data)
    first = client.post(url, data)
    assert first.status_code == 302, [
        line for line in first.content.decode().splitlines() if "feedback" in line or "alert" in line
    ]
    again = client.post(url, data, follow=True)
    assert again.redirect_chain[0] == (first.url, 302)
    html = again.content.decode()
    assert REPLAYED in html and "alert-danger" not in html
