"""A county with two municipalities sharing with Husbanken, one not, and Husbanken's observer."""

import hashlib
from datetime import date

from django.core.files.base import ContentFile

from reports.models import FunderObserver, FunderReport
from reports.services.sharing import figure_sharing_set
from tests.factories import (
    FollowUpFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    UserFactory,
)


def observer_world(today: date) -> dict:
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund", number="1508")
    molde = MunicipalityFactory(name="Molde", slug="molde", number="1506")
    volda = MunicipalityFactory(name="Volda", slug="volda", number="1577")  # shares with no one
    for place in (alesund, molde):
        figure_sharing_set(
            municipality=place, funder="husbanken", shared=True, by=ManagerFactory(municipality=place)
        )
    households = {}
    for place, count in ((alesund, 9), (molde, 2), (volda, 6)):
        for _n in range(count):
            households.setdefault(place.slug, []).append(HouseholdFactory(municipality=place))
            FollowUpFactory(household=households[place.slug][-1], date=today)
    user = UserFactory(
        username="observator@husbanken", municipality=None, first_name="Hanne", last_name="Hus"
    )
    observer = FunderObserver.objects.create(
        user=user, funder="husbanken", name="Husbanken Midt", county="15"
    )
    pdf = b"%PDF-1.4\n% a report as it was sent\n"
    report = FunderReport.objects.create(
        municipality=molde,
        funder="husbanken",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        status=FunderReport.Status.DONE,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    report.pdf.save(f"reports/2026/funder-report-{report.pk}.pdf", ContentFile(pdf))
    hidden_report = FunderReport.objects.create(
        municipality=volda,
        funder="husbanken",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        status=FunderReport.Status.DONE,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    hidden_report.pdf.save(f"reports/2026/funder-report-{hidden_report.pk}.pdf", ContentFile(pdf))
    return {
        "alesund": alesund,
        "molde": molde,
        "volda": volda,
        "households": households,
        "observer": observer,
        "user": user,
        "report": report,
        "hidden_report": hidden_report,
        "pdf": pdf,
    }
