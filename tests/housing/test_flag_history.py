"""Resolved flags do not vanish: a «Behandlet» tab on the queue with filters, and each
flag's page shows what was decided, by whom, when and why, once it is resolved."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from housing.models import FlagDecision, LongTenureFlag
from housing.services.flags import flag_decide
from housing.services.tenancies import tenancy_end
from tests.factories import LongTenureFlagFactory, OfficerFactory, TenancyFactory

Status = LongTenureFlag.Status


def flag_in(municipality, reference, start=date(2019, 1, 1)):
    tenancy = TenancyFactory(
        household__municipality=municipality, household__reference=reference, start_date=start
    )
    return LongTenureFlagFactory(tenancy=tenancy, raised_on=timezone.localdate() - timedelta(days=30))


def handled(client, **params):
    response = client.get(reverse("housing:flag_queue"), {"show": "handled", **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_resolved_flags_are_kept_under_handled_with_their_decision(client_for, officer, municipality):
    renewed = flag_in(municipality, "H-RENEWED")
    closed = flag_in(municipality, "H-CLOSED")
    moved = flag_in(municipality, "H-MOVED")
    flag_in(municipality, "H-OPEN")
    flag_decide(
        flag=renewed,
        decision="contract_renewed",
        by=officer,
        note="Ny periode",
        new_end_date=date(2030, 1, 1),
    )
    flag_decide(flag=closed, decision="resolved", by=officer, note="Har søkt startlån i Startskudd")
    tenancy_end(tenancy=moved.tenancy, on=timezone.localdate(), reason="bought", by=officer)

    client = client_for(officer)
    body = handled(client)
    assert "Behandlet (3)" in body
    for reference in ("H-RENEWED", "H-CLOSED", "H-MOVED"):
        assert reference in body
    assert "H-OPEN" not in body
    assert "Har søkt startlån i Startskudd" in body and str(officer) in body
    assert "Husstanden flyttet ut" in body

    only_moved = handled(client, outcome="moved_out")
    assert "H-MOVED" in only_moved and "H-CLOSED" not in only_moved and "H-RENEWED" not in only_moved
    only_renewed = handled(client, outcome="contract_renewed")
    assert "H-RENEWED" in only_renewed and "H-CLOSED" not in only_renewed
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "H-CLOSED" not in handled(client, resolved_from=future)
    assert "H-CLOSED" in handled(client, q="h-closed") and "H-MOVED" not in handled(client, q="h-closed")
    assert "Skriv en gyldig dato" in handled(client, resolved_from="i går")  # explained, never a 500


@pytest.mark.django_db
def test_a_resolved_flags_page_shows_its_history_and_takes_no_decision(client_for, officer, municipality):
    flag = flag_in(municipality, "H-0001")
    flag_decide(flag=flag, decision="resolved", by=officer, note="Familien ønsker å bli boende")
    url = reverse("housing:flag_detail", args=[flag.pk])
    body = client_for(officer).get(url).content.decode()
    assert "Familien ønsker å bli boende" in body and str(officer) in body and "Avsluttet" in body
    assert "Lagre beslutningen" not in body
    response = client_for(officer).post(url, {"decision": "resolved"})
    assert response.status_code == 409
    assert FlagDecision.objects.filter(flag=flag).count() == 1


@pytest.mark.django_db
def test_the_handled_tab_never_shows_another_municipality(
    client_for, officer, municipality, other_municipality
):
    other = flag_in(other_municipality, "H-MOLDE")
    flag_decide(flag=other, decision="resolved", by=OfficerFactory(municipality=other_municipality))
    assert "H-MOLDE" not in handled(client_for(officer))
    assert client_for(officer).get(reverse("housing:flag_detail", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_the_handled_tab_query_count_does_not_grow(
    client_for, officer, municipality, django_assert_num_queries
):
    client = client_for(officer)
    flag_decide(flag=flag_in(municipality, "H-A"), decision="resolved", by=officer, note="a")
    handled(client)
    with django_assert_num_queries(6) as one:
        handled(client)
    for n in range(15):
        flag = flag_in(municipality, f"H-{n:03d}", start=date(2018, 1, 1) + timedelta(days=n))
        flag_decide(
            flag=flag, decision="resolved", by=OfficerFactory(municipality=municipality), note=f"n{n}"
        )
    with django_assert_num_queries(len(one.captured_queries)):
        body = handled(client)
    assert body.count('data-label="Husstand"') == 16


@pytest.mark.django_db
def test_the_unit_page_keeps_each_tenancys_flags_with_their_decisions(client_for, officer, municipality):
    flag = flag_in(municipality, "H-0002")
    flag_decide(flag=flag, decision="resolved", by=officer, note="Vil bli boende inntil videre")
    url = reverse("housing:unit_detail", args=[flag.tenancy.unit_id])
    body = client_for(officer).get(url).content.decode()
    assert "Vil bli boende inntil videre" in body and str(officer) in body
    assert reverse("housing:flag_detail", args=[flag.pk]) in body and "Se hvordan det ble behandlet" in body


@pytest.mark.django_db
def test_a_restricted_households_reference_does_not_find_its_flag_for_an_officer(
    client_for, officer, manager, municipality
):
    flag = flag_in(municipality, "H-SPERRET")
    flag.tenancy.household.restricted = True
    flag.tenancy.household.save()
    flag_decide(flag=flag, decision="resolved", by=manager)
    assert "Ingen behandlede husstander passer." in handled(client_for(officer), q="H-SPERRET")
    assert "H-SPERRET" in handled(client_for(manager), q="H-SPERRET")


@pytest.mark.django_db
def test_only_the_municipality_s_officers_and_managers_decide_on_a_flag(municipality, counsellor, officer):
    """The flag's table says who decides: a counsellor, or an officer of another municipality, may not."""
    from django.core.exceptions import PermissionDenied

    from housing.services.flags import FLAG_MACHINE

    flag = flag_in(municipality, "H-WHO")
    stranger = OfficerFactory()
    for user in (counsellor, stranger):
        assert FLAG_MACHINE.allowed(user, flag) == []
        with pytest.raises(PermissionDenied):
            flag_decide(flag=flag, decision="resolved", by=user)
    assert {step.action for step in FLAG_MACHINE.allowed(officer, flag)} == set(
        LongTenureFlag.Decision.values
    )
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_on) == (Status.OPEN, None)


@pytest.mark.django_db
@pytest.mark.parametrize("status,resolved", [(Status.RESOLVED, None), (Status.REFERRED, date(2026, 1, 5))])
def test_a_flag_s_status_and_resolved_date_cannot_tell_two_stories(municipality, status, resolved):
    """Resolved is the status; the date is when it got there. The database refuses one without the other."""
    from django.db import IntegrityError, transaction

    flag = flag_in(municipality, "H-TWO")
    with pytest.raises(IntegrityError), transaction.atomic():
        LongTenureFlag.objects.filter(pk=flag.pk).update(status=status, resolved_on=resolved)
