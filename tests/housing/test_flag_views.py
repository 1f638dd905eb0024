"""The review queue, the decision on one flag and the thresholds: personas, decisions, query counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import StartLoanApplication, TimelineEvent
from housing.models import FlagDecision, LongTenureFlag
from tests.factories import (
    CounsellorFactory,
    FollowUpFactory,
    LongTenureFlagFactory,
    StartLoanApplicationFactory,
    TenancyFactory,
)

Status = LongTenureFlag.Status


def flag_in(municipality, start=date(2020, 1, 1), **kw):
    tenancy = TenancyFactory(household__municipality=municipality, start_date=start)
    return LongTenureFlagFactory(tenancy=tenancy, **kw)


@pytest.fixture
def flag(municipality):
    return flag_in(municipality)


@pytest.fixture
def other_flag(other_municipality):
    return flag_in(other_municipality)


# --- personas --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "manager"])
def test_officers_and_managers_open_the_queue_and_a_flag(request, client_for, flag, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("housing:flag_queue")).status_code == 200
    assert client.get(reverse("housing:flag_detail", args=[flag.pk])).status_code == 200


@pytest.mark.django_db
def test_a_counsellor_is_refused(client_for, counsellor, flag):
    client = client_for(counsellor)
    assert client.get(reverse("housing:flag_queue")).status_code == 403
    assert client.get(reverse("housing:flag_detail", args=[flag.pk])).status_code == 403
    assert client.get(reverse("housing:flag_thresholds")).status_code == 403


@pytest.mark.django_db
def test_another_municipalitys_flag_is_404(client_for, officer, other_flag):
    assert client_for(officer).get(reverse("housing:flag_detail", args=[other_flag.pk])).status_code == 404
    response = client_for(officer).post(
        reverse("housing:flag_detail", args=[other_flag.pk]), {"decision": "resolved"}
    )
    assert response.status_code == 404
    assert other_flag.decisions.count() == 0


@pytest.mark.django_db
def test_anonymous_goes_to_login(client, flag):
    for url in [
        reverse("housing:flag_queue"),
        reverse("housing:flag_detail", args=[flag.pk]),
        reverse("housing:flag_thresholds"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.django_db
def test_wrong_methods_are_405(client_for, officer, manager, flag):
    assert client_for(officer).post(reverse("housing:flag_queue")).status_code == 405
    assert client_for(officer).delete(reverse("housing:flag_detail", args=[flag.pk])).status_code == 405
    assert client_for(manager).put(reverse("housing:flag_thresholds")).status_code == 405


@pytest.mark.django_db
def test_only_managers_set_thresholds(client_for, officer, manager, municipality):
    assert client_for(officer).get(reverse("housing:flag_thresholds")).status_code == 403
    client = client_for(manager)
    assert client.get(reverse("housing:flag_thresholds")).status_code == 200
    response = client.post(
        reverse("housing:flag_thresholds"), {"tenure_threshold_years": "4", "expiry_window_months": "3"}
    )
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert (municipality.tenure_threshold_years, municipality.expiry_window_months) == (4, 3)


@pytest.mark.django_db
def test_bad_thresholds_are_explained_in_norwegian_and_kept(client_for, manager, municipality):
    response = client_for(manager).post(
        reverse("housing:flag_thresholds"), {"tenure_threshold_years": "0", "expiry_window_months": "tolv"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Oppgi et antall år fra 1 til 20." in body
    assert "Oppgi et heltall." in body
    assert 'value="tolv"' in body
    municipality.refresh_from_db()
    assert municipality.tenure_threshold_years == 3


# --- the queue -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_shows_longest_residence_first_with_counsellor_contact_and_loan(
    client_for, officer, municipality
):
    newer = flag_in(municipality, start=date(2022, 5, 1))
    older = flag_in(municipality, start=date(2018, 5, 1))
    FollowUpFactory(household=older.tenancy.household, date=date(2026, 1, 14))
    FollowUpFactory(household=older.tenancy.household, date=date(2025, 11, 2))
    StartLoanApplicationFactory(
        household=older.tenancy.household, status=StartLoanApplication.Status.IN_REVIEW
    )
    body = client_for(officer).get(reverse("housing:flag_queue")).content.decode()
    assert body.index(older.tenancy.household.reference) < body.index(newer.tenancy.household.reference)
    assert str(older.tenancy.household.counsellor) in body
    assert "14.01.2026" in body and "02.11.2025" not in body
    assert "Under behandling" in body  # the loan's status, in Norwegian
    assert "Lang botid" in body


@pytest.mark.django_db
def test_resolved_flags_are_not_in_the_queue_and_sleeping_ones_wait(client_for, officer, municipality):
    today = timezone.localdate()
    resolved = flag_in(municipality, status=Status.RESOLVED, resolved_on=today)
    asleep = flag_in(municipality, status=Status.SLEEPING, sleep_until=today + timedelta(days=30))
    awake = flag_in(municipality, status=Status.SLEEPING, sleep_until=today)
    referred = flag_in(municipality, status=Status.REFERRED)
    client = client_for(officer)
    todo = client.get(reverse("housing:flag_queue")).content.decode()
    later = client.get(reverse("housing:flag_queue") + "?show=sleeping").content.decode()
    following = client.get(reverse("housing:flag_queue") + "?show=following").content.decode()
    ref = lambda f: f.tenancy.household.reference  # noqa: E731
    assert ref(awake) in todo and ref(asleep) not in todo and ref(resolved) not in todo
    assert ref(asleep) in later and ref(awake) not in later
    assert ref(referred) in following and ref(referred) not in todo
    assert "Se på igjen (1)" not in todo  # the tab counts
    assert "Senere (1)" in todo and "Å se på (1)" in todo and "I samtale (1)" in todo


@pytest.mark.django_db
def test_a_restricted_household_is_not_named_to_an_officer(client_for, officer, manager, municipality):
    flag = flag_in(municipality)
    household = flag.tenancy.household
    household.restricted = True
    household.save()
    FollowUpFactory(household=household, date=date(2026, 1, 14))
    body = client_for(officer).get(reverse("housing:flag_queue")).content.decode()
    assert household.reference not in body and "Sperret husstand" in body and "14.01.2026" not in body
    assert household.reference in client_for(manager).get(reverse("housing:flag_queue")).content.decode()


@pytest.mark.django_db
def test_the_queue_query_count_is_pinned_and_does_not_grow(
    client_for, officer, municipality, django_assert_num_queries
):
    client = client_for(officer)
    flag_in(municipality)
    client.get(reverse("housing:flag_queue"))  # warm the session
    with django_assert_num_queries(4) as one:
        assert client.get(reverse("housing:flag_queue")).status_code == 200
    for n in range(20):
        f = flag_in(municipality, start=date(2019, 1, 1) + timedelta(days=n))
        FollowUpFactory(household=f.tenancy.household)
        StartLoanApplicationFactory(household=f.tenancy.household)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("housing:flag_queue"))
    assert response.content.decode().count('data-label="Husstand"') == 21


@pytest.mark.django_db
def test_the_flag_page_query_count_does_not_grow_with_decisions(
    client_for, officer, flag, municipality, django_assert_num_queries
):
    client = client_for(officer)
    url = reverse("housing:flag_detail", args=[flag.pk])
    client.get(url)
    with django_assert_num_queries(6) as one:  # 5 reads and the innsynslogg's one INSERT
        client.get(url)
    for _ in range(5):
        FlagDecision.objects.create(flag=flag, decision="referred", decided_on=date(2026, 1, 1), by=officer)
        CounsellorFactory(municipality=municipality)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


# --- decisions -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_referring_to_a_counsellor(client_for, officer, flag, municipality):
    colleague = CounsellorFactory(municipality=municipality, first_name="Jon", last_name="Vik")
    response = client_for(officer).post(
        reverse("housing:flag_detail", args=[flag.pk]),
        {"decision": "referred", "referred_to": colleague.pk, "note": "Ønsker å snakke om kjøp"},
    )
    assert response.status_code == 302 and response.url == reverse("housing:flag_queue")
    flag.refresh_from_db()
    assert (flag.status, flag.referred_to, flag.resolved_on) == (Status.REFERRED, colleague, None)
    decision = flag.decisions.get()
    assert (decision.by, decision.note, decision.referred_to) == (
        officer,
        "Ønsker å snakke om kjøp",
        colleague,
    )
    event = TimelineEvent.objects.get(household=flag.tenancy.household, kind="flag_decided")
    assert "Jon Vik" in event.text and event.actor == officer


@pytest.mark.django_db
def test_not_realistic_now_needs_a_reason_and_a_later_date(client_for, officer, flag):
    url = reverse("housing:flag_detail", args=[flag.pk])
    response = client_for(officer).post(
        url, {"decision": "sleeping", "sleep_until": "2020-01-01", "note": ""}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Datoen for å se på saken igjen må være etter i dag." in body
    assert "Si kort hvorfor det ikke er realistisk nå." in body
    assert 'value="2020-01-01"' in body
    flag.refresh_from_db()
    assert flag.status == Status.OPEN and not flag.decisions.exists()

    later = timezone.localdate() + timedelta(days=180)
    response = client_for(officer).post(
        url, {"decision": "sleeping", "sleep_until": later.isoformat(), "note": "Venter på fast jobb"}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.sleep_until, flag.resolved_on) == (Status.SLEEPING, later, None)


@pytest.mark.django_db
def test_referring_without_a_counsellor_is_explained(client_for, officer, flag, other_counsellor):
    url = reverse("housing:flag_detail", args=[flag.pk])
    body = client_for(officer).post(url, {"decision": "referred", "note": "x"}).content.decode()
    assert "Velg boveilederen." in body
    body = (
        client_for(officer)
        .post(url, {"decision": "referred", "referred_to": other_counsellor.pk})
        .content.decode()
    )
    assert "Velg et gyldig valg" in body  # not a counsellor of this municipality
    body = client_for(officer).post(url, {"decision": "nonsense"}).content.decode()
    assert "Velg et gyldig valg" in body
    assert not flag.decisions.exists()


@pytest.mark.django_db
def test_contract_renewed_renews_the_tenancy_and_resolves_the_flag(client_for, officer, flag):
    url = reverse("housing:flag_detail", args=[flag.pk])
    body = client_for(officer).post(url, {"decision": "contract_renewed"}).content.decode()
    assert "Oppgi ny utløpsdato for kontrakten." in body
    new_end = flag.tenancy.contract_end_date + timedelta(days=3 * 365)
    response = client_for(officer).post(
        url, {"decision": "contract_renewed", "new_end_date": new_end.isoformat()}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    flag.tenancy.refresh_from_db()
    assert flag.status == Status.RESOLVED and flag.resolved_on == timezone.localdate()
    assert flag.tenancy.contract_end_date == new_end
    assert flag.tenancy.renewals.get().new_end_date == new_end
    assert flag.decisions.get().decision == "contract_renewed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "decision,status", [("startloan_encouraged", Status.STARTLOAN_ENCOURAGED), ("resolved", Status.RESOLVED)]
)
def test_other_decisions(client_for, officer, flag, decision, status):
    response = client_for(officer).post(
        reverse("housing:flag_detail", args=[flag.pk]), {"decision": decision}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == status
    assert (flag.resolved_on is not None) == (status == Status.RESOLVED)
    assert TimelineEvent.objects.filter(household=flag.tenancy.household, kind="flag_decided").count() == 1


@pytest.mark.django_db
def test_a_resolved_flag_takes_no_more_decisions(client_for, officer, flag):
    url = reverse("housing:flag_detail", args=[flag.pk])
    client_for(officer).post(url, {"decision": "resolved"})
    # Kept with its history, but no form and no second decision.
    response = client_for(officer).get(url)
    assert response.status_code == 200 and "Lagre beslutningen" not in response.content.decode()
    assert client_for(officer).post(url, {"decision": "referred"}).status_code == 409
    assert FlagDecision.objects.filter(flag=flag).count() == 1


@pytest.mark.django_db
def test_wording_invites_a_conversation(client_for, officer, flag):
    body = client_for(officer).get(reverse("housing:flag_detail", args=[flag.pk])).content.decode().lower()
    assert "samtale" in body
    for pressure in ["må flytte", "kast", "utkast", "oppsig", "frist for å flytte"]:
        assert pressure not in body


@pytest.mark.django_db
def test_a_flag_resolves_itself_when_the_tenancy_ends(officer, flag):
    from housing.services.tenancies import tenancy_end

    tenancy_end(tenancy=flag.tenancy, on=date(2026, 2, 1), reason="bought", by=officer)
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_on) == (Status.RESOLVED, date(2026, 2, 1))


@pytest.mark.django_db
def test_the_queue_pages_in_order_of_residence(client_for, officer, municipality):
    flags = [flag_in(municipality, start=date(2015, 1, 1) + timedelta(days=n)) for n in range(51)]
    client = client_for(officer)
    first = client.get(reverse("housing:flag_queue")).content.decode()
    second = client.get(reverse("housing:flag_queue"), {"page": 2}).content.decode()
    newest = flags[-1].tenancy.household.reference
    assert "Å se på (51)" in first and "Neste side" in first
    assert newest not in first and newest in second and flags[0].tenancy.household.reference not in second
