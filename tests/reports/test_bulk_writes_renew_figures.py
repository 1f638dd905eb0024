"""Writes that send no save signals renew the figures' generation themselves: the nightly flag job
(INSERT … SELECT) and the spreadsheet import (bulk inserts). A manager who looked at the dashboard
before either sees the new figures right after, not when the cache times out 15 minutes later."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.exchange.exchange_helpers import data, xlsx
from tests.factories import CounsellorFactory, HouseholdFactory, TenancyFactory
from tests.reports.dashboard_reading import figure

pytestmark = pytest.mark.django_db


def test_flags_raised_by_the_nightly_job_show_at_once(client_for, manager, municipality):
    TenancyFactory(
        household=HouseholdFactory(municipality=municipality),
        start_date=date.today() - timedelta(days=5 * 365),
        contract_end_date=None,
    )
    client = client_for(manager)
    assert figure(client, "long_tenure_flags_raised") == "0"  # now cached

    call_command("flag_long_tenure", "--municipality", municipality.slug, stdout=StringIO())

    assert figure(client, "long_tenure_flags_raised") == "1"


def test_an_import_shows_at_once(client_for, manager, municipality, tmp_path):
    CounsellorFactory(municipality=municipality, username="kari@alesund")  # named «kari» in the file
    client = client_for(manager)
    assert figure(client, "followups") == "0"  # now cached

    today = timezone.localdate().isoformat()
    path = tmp_path / "cases.xlsx"
    sheets = data(followups=[{"household_ref": "H-2", "date": today, "kind": "phone", "minutes": "15"}])
    sheets["tenancies"] = []  # tenancies are saved one by one, with signals: only bulk writes here
    path.write_bytes(xlsx(sheets))
    call_command("import_cases", str(path), "--municipality", municipality.slug, stdout=StringIO())

    assert figure(client, "followups") == "1"
