"""The records behind a figure: the page says which figure it is and how it is defined."""

import re

from django.urls import reverse
from django.utils import timezone

from tests.factories import FollowUpFactory, HouseholdFactory


def test_the_records_page_is_headed_by_its_figure_and_its_definition(client_for, manager, municipality):
    FollowUpFactory(household=HouseholdFactory(municipality=municipality), date=timezone.localdate())
    page = client_for(manager).get(reverse("reports:records", args=["followups"])).content.decode()
    assert re.search(r"<h1[^>]*>\s*Oppfølginger\s*</h1>", page)
    assert re.search(r"<title>\s*Oppfølginger · Boveileder\s*</title>", page)
    assert "Oppfølginger datert i perioden" in page  # the definition, in Norwegian, capitalised
