"""Redis stopped, as an outage leaves it (it is the cache and the workers' broker): the product served
by gunicorn, as deployed, goes on with the counsellor's and the manager's work. A follow-up logged is
saved and shown, every page answers, a funder report asked for waits queued for the background, and
what cannot work without Redis (an import, an export) says so in Norwegian; no request waits on Redis
for long.

The Redis is one of the test's own, really stopped; the app is a gunicorn process on the test database
(`tests.redis_down`)."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.urls import reverse

from cases.models import FollowUp
from exchange.jobs import FOLDER
from reports.models import FunderReport
from tests.exchange.exchange_helpers import data, xlsx
from tests.html_forms import untouched
from tests.redis_down import PASSWORD, app_server, own_redis, staff  # noqa: F401 - fixtures

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
# A request must not wait for Redis: with it down, each call to it is refused at once (a Redis that
# stops answering costs a call CACHE_TIMEOUT_SECONDS). Well past that, the request has hung.
PATIENCE_SECONDS = 10


def _signed_in(base: str, user) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/login/", timeout=PATIENCE_SECONDS)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = session.post(
        f"{base}/login/",
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        timeout=PATIENCE_SECONDS,
    )
    assert answer.status_code == 200 and not answer.url.rstrip("/").endswith("/login"), answer.url
    return session


def _post_form(session: requests.Session, base: str, path: str, changes: dict, *, index=1, action=None):
    """Open the page at `path` and send its form `index` (to `action`, or back to the page) with
    `changes`, as a browser would."""
    page = session.get(base + path, timeout=PATIENCE_SECONDS)
    assert page.status_code == 200
    data = {**untouched(page.text, index), **changes}
    data["csrfmiddlewaretoken"] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        base + (action or path),
        data,
        headers={"Referer": base + path},
        timeout=PATIENCE_SECONDS,
        allow_redirects=False,
    )


def test_with_redis_stopped_a_follow_up_is_saved_and_every_page_answers(app_server, staff):  # noqa: F811
    base, stop_redis, log = app_server
    counsellor, manager, household = staff
    kari = _signed_in(base, counsellor)
    stop_redis()

    household_page = reverse("cases:household_detail", args=[household.pk])
    for path in (reverse("cases:caseload"), household_page):
        assert kari.get(base + path, timeout=PATIENCE_SECONDS).status_code == 200, path
    today = date.today()
    logged = _post_form(
        kari,
        base,
        reverse("cases:followup_log", args=[household.pk]),
        {
            "date": today.isoformat(),
            "kind": "home_visit",
            "minutes": "45",
            "note": "Gikk gjennom budsjettet.",
            "next_step": "Ringe banken",
            "next_step_due": (today + timedelta(days=7)).isoformat(),
        },
    )
    assert logged.status_code == 302 and logged.headers["Location"] == household_page, log.read_text()[-3000:]
    assert FollowUp.objects.filter(household=household, next_step="Ringe banken").exists()
    page = kari.get(base + household_page, timeout=PATIENCE_SECONDS).text
    assert "Oppfølgingen er registrert." in page and "Ringe banken" in page

    # The manager signs in while Redis is down: the figures are computed on the spot.
    lise = _signed_in(base, manager)
    dashboard = lise.get(base + reverse("reports:dashboard"), timeout=PATIENCE_SECONDS)
    assert dashboard.status_code == 200 and "Tall og rapporter" in dashboard.text
    asked = _post_form(lise, base, reverse("reports:generate"), {"funder": "husbanken"})
    assert asked.status_code == 302, log.read_text()[-3000:]
    report = FunderReport.objects.get(municipality=manager.municipality)
    assert report.status == FunderReport.Status.QUEUED  # its recovery sends it once Redis is back
    assert lise.get(base + asked.headers["Location"], timeout=PATIENCE_SECONDS).status_code == 200

    exchange = reverse("exchange:index")
    export = _post_form(lise, base, exchange, {"format": "xlsx"}, index=2, action=reverse("exchange:export"))
    assert export.status_code == 503
    assert "Import og eksport går i bakgrunnen" in export.text  # the message, in Norwegian
    uploads = Path(settings.MEDIA_ROOT) / FOLDER
    kept_before = set(uploads.glob("*"))
    page = lise.get(base + exchange, timeout=PATIENCE_SECONDS).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    upload = lise.post(
        base + reverse("exchange:import_upload"),
        {"csrfmiddlewaretoken": token},
        files={"file": ("husstander.xlsx", xlsx(data()))},
        headers={"Referer": base + exchange},
        timeout=PATIENCE_SECONDS,
        allow_redirects=False,
    )
    assert upload.status_code == 503 and "Ingenting ble lagret" in upload.text
    assert set(uploads.glob("*")) == kept_before  # the upload was not kept
    assert "Internal Server Error" not in log.read_text()
