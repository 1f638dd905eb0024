"""The demo gives the tenancy officer a queue of long-tenure flags to review: seeded through the
flag job itself, so a demo that silently seeded none (the job missing or renamed) fails here."""

from datetime import date

import pytest
from django.urls import reverse

from boveileder.models import User
from demo.data import seed_municipality
from housing.models import LongTenureFlag

pytestmark = pytest.mark.django_db


def test_the_demo_officer_has_flags_to_review(client):
    seed_municipality(households=10, today=date(2026, 11, 26))
    flags = LongTenureFlag.objects.unresolved()
    assert flags.exists()
    client.force_login(User.objects.get(username="ola.saksbehandler"))
    html = client.get(reverse("housing:flag_queue")).content.decode()
    for flag in flags[:3]:
        assert flag.tenancy.unit.address in html
