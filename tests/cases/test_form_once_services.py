"""Identical POSTs at the same moment, on PostgreSQL with real concurrent requests: each
thread is its own request on its own database connection, released together by a barrier."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.models import FollowUp, Household
from tests.html_forms import untouched

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def at_once(user, url, forms):
    """POST each of `forms` to `url` as `user` at the same moment; the responses, in order."""
    barrier = threading.Barrier(len(forms))
    responses = [None] * len(forms)

    def send(i, data):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        try:
            barrier.wait()
            responses[i] = client.post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, data)) for i, data in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def test_five_identical_follow_ups_sent_at_once_store_one(counsellor, household):
    client = Client()
    client.force_login(counsellor)
    url = reverse("cases:followup_log", args=[household.pk])
    data = untouched(client.get(url).content.decode())
    data.update(minutes=["45"], note=["Gikk gjennom budsjettet."])

    responses = at_once(counsellor, url, [data] * 5)

    assert [r.status_code for r in responses] == [302] * 5
    assert {r.url for r in responses} == {reverse("cases:household_detail", args=[household.pk])}
    assert FollowUp.objects.filter(household=household).count() == 1


def test_three_registrations_with_one_reference_at_once_give_one_household_and_field_errors(counsellor):
    client = Client()
    client.force_login(counsellor)
    url = reverse("cases:household_register")
    forms = []
    for first_name in ("Amina", "Yusuf", "Leila"):  # three forms, three tokens, one reference
        data = untouched(client.get(url).content.decode())
        data.update(
            {
                "reference": ["H-2026-777"],
                "member-first_name": [first_name],
                "member-last_name": ["Hassan"],
                "member-birth_date": [date(1990, 1, 1).isoformat()],
            }
        )
        forms.append(data)

    responses = at_once(counsellor, url, forms)

    assert sorted(r.status_code for r in responses) == [200, 200, 302]
    for refused in (r for r in responses if r.status_code == 200):
        html = refused.content.decode()
        assert "En annen husstand i kommunen har allerede denne referansen." in html
        assert 'id="error_1_id_reference"' in html
    assert Household.objects.filter(reference="H-2026-777").count() == 1
