"""cases stands on its own: with nothing registered at its extension points (cases.extensions) its
pages work and show no unit, flag or tenancy; with housing's registrations they show housing's facts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from boveileder import extensions
from housing.models import LongTenureFlag
from tests.factories import HouseholdFactory, LongTenureFlagFactory, PersonFactory, TenancyFactory

pytestmark = pytest.mark.django_db


def _not_housing(fn) -> bool:
    return not fn.__module__.startswith("housing")


@pytest.fixture
def without_housing(monkeypatch):
    """The extension points as they would be with housing not installed."""
    hooks = {point: [f for f in fns if _not_housing(f)] for point, fns in extensions.HOOKS.items()}
    sections = {
        page: [s for s in found if _not_housing(s.context)] for page, found in extensions.SECTIONS.items()
    }
    monkeypatch.setattr(extensions, "HOOKS", hooks)
    monkeypatch.setattr(extensions, "SECTIONS", sections)


@pytest.fixture
def housed(municipality, counsellor):
    household = HouseholdFactory(municipality=municipality, counsellor=counsellor, reference="H-1")
    PersonFactory(household=household, first_name="Amina", last_name="Hassan")
    tenancy = TenancyFactory(household=household, start_date=date.today() - timedelta(days=900))
    LongTenureFlagFactory(tenancy=tenancy, status=LongTenureFlag.Status.REFERRED, referred_to=counsellor)
    return household, tenancy.unit.address


def _get(client, name, *args, **query):
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def test_housing_fills_in_the_caseload_the_household_page_and_search(client_for, counsellor, housed):
    household, address = housed
    client = client_for(counsellor)
    caseload = _get(client, "cases:caseload", sort="tenure")
    assert address in caseload and "Henvist til deg" in caseload
    assert "Leieforhold" in _get(client, "cases:household_detail", household.pk)
    found = client.post(reverse("cases:search"), {"q": address.split()[0]}).content.decode()
    assert household.reference in found


def test_without_housing_cases_pages_work_and_show_none_of_its_facts(
    client_for, counsellor, housed, without_housing
):
    household, address = housed
    client = client_for(counsellor)
    caseload = _get(client, "cases:caseload", sort="tenure", show="flagged")
    assert address not in caseload and "Henvist til deg" not in caseload
    team = _get(client, "cases:team")
    assert household.reference in team and address not in team
    page = _get(client, "cases:household_detail", household.pk)
    assert "Leieforhold" not in page and address not in page
    found = client.post(reverse("cases:search"), {"q": address.split()[0]}).content.decode()
    assert household.reference not in found
    assert household.reference in client.post(reverse("cases:search"), {"q": "Amina"}).content.decode()
