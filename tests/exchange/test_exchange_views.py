"""The import and export pages: persona checks, upload, preview with problems, confirm, result."""

import io
import uuid
import zipfile

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cases.models import Household, Person
from exchange import jobs
from tests.exchange.exchange_helpers import data, xlsx
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
BAD_ID = "12096342567"


@pytest.fixture(autouse=True)
def kari(counsellor):
    return counsellor  # username «kari», used by the files


@pytest.fixture(autouse=True)
def eager_tasks(request):
    """The tasks run in the test's process, also when a broker is configured, except in the test
    that is about the real worker."""
    if "celery_worker_process" in request.fixturenames:
        yield
        return
    from boveileder.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def upload(client, content: bytes, name="import.xlsx"):
    """Upload a file; the check queued after commit runs (eagerly, without a broker)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("exchange:import_upload"), {"file": SimpleUploadedFile(name, content)})


def storage_files():
    try:
        return default_storage.listdir(jobs.FOLDER)[1]
    except FileNotFoundError:
        return []


def test_a_manager_uploads_sees_the_preview_confirms_and_gets_the_result(
    client_for, manager, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    assert client.get(reverse("exchange:index")).status_code == 200
    response = upload(client, xlsx())
    assert response.status_code == 302
    preview = client.get(response.url)
    text = preview.content.decode()
    assert preview.status_code == 200 and "households" in text
    assert Household.objects.count() == 0  # a preview writes nothing
    job_id = response.url.rstrip("/").rsplit("/", 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        confirm = client.post(reverse("exchange:import_confirm", args=[job_id]))
    assert confirm.status_code == 302
    result = client.get(confirm.url)
    assert reverse("reports:dashboard") in result.content.decode()
    assert Household.objects.filter(municipality=manager.municipality).count() == 2
    assert not [f for f in storage_files() if f.startswith(job_id)]  # the file is gone after the import


def test_problems_are_listed_and_the_file_is_not_kept(client_for, manager):
    client = client_for(manager)
    response = upload(
        client, xlsx(data(persons=[(0, {"national_id": BAD_ID})], units=[(0, {"rooms": "tre"})]))
    )
    page = client.get(response.url).content.decode()
    assert "ugyldig fødselsnummer" in page and "«tre»" in page
    assert BAD_ID not in page
    job_id = response.url.rstrip("/").rsplit("/", 1)[1]
    assert not [f for f in storage_files() if f.startswith(job_id)]
    # a rejected job cannot be confirmed
    client.post(reverse("exchange:import_confirm", args=[job_id]))
    assert Household.objects.count() == 0


def test_the_progress_partial_polls_while_the_job_works(client_for, manager):
    client = client_for(manager)
    job_id = str(uuid.uuid4())
    cache.set(
        f"exchange-import:{job_id}",
        {
            "id": job_id,
            "municipality_id": manager.municipality_id,
            "state": jobs.State.RUNNING,
            "done": 40,
            "total": 80,
            "counts": {},
            "problems": [],
            "problem_count": 0,
        },
    )
    partial = client.get(reverse("exchange:import_job", args=[job_id]), headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert 'hx-trigger="every 1s"' in text and 'value="50"' in text and "<html" not in text
    assert "<script" not in text and "style=" not in text


def test_a_wrong_file_type_or_size_is_refused_by_the_form(client_for, manager, settings):
    client = client_for(manager)
    response = upload(client, b"a,b\n1,2\n", name="households.csv")
    assert response.status_code == 400 and ".xlsx" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 100
    response = upload(client, xlsx())
    assert response.status_code == 400 and "MB" in response.content.decode()


def test_the_template_workbook_has_the_sheets_columns_and_an_example(client_for, manager):
    response = client_for(manager).get(reverse("exchange:import_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "veiledning",
        "households",
        "persons",
        "units",
        "tenancies",
        "startloans",
        "followups",
        "consents",
        "flags",
        "decisions",
        "appeals",
    ]
    persons = list(workbook["persons"].values)
    assert persons[0][:6] == (
        "household_ref",
        "first_name",
        "last_name",
        "birth_date",
        "national_id",
        "phone",
    )
    assert persons[1][0] == "H-EKSEMPEL-1" and len(persons) == 2


def export(client, **fields):
    """Ask for an export and fetch its file once the worker (eager here) has written it."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("exchange:export"), fields)
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200 and "Eksporten er klar" in page.content.decode()
    return client.get(response.url + "file/")


def test_export_leaves_out_national_ids_unless_asked_and_neutralises_formulas(client_for, manager, household):
    PersonFactory(household=household, with_national_id=True, first_name='=HYPERLINK("x")')
    client = client_for(manager)
    response = export(client, format="xlsx")
    assert response.status_code == 200 and manager.municipality.slug in response["Content-Disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["persons"].values)
    national_id = Person.objects.get().national_id
    assert national_id not in str(rows)
    assert rows[1][1] == '\'=HYPERLINK("x")'
    response = export(client, format="zip", national_ids="on")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert national_id in archive.read("persons.csv").decode("utf-8-sig")
    assert national_id not in response["Content-Disposition"]


def test_only_the_manager_who_asked_fetches_the_export(
    client_for, manager, municipality, other_manager, household
):
    from django.test import TestCase

    from tests.factories import ManagerFactory

    with TestCase.captureOnCommitCallbacks(execute=True):
        url = client_for(manager).post(reverse("exchange:export"), {"format": "xlsx"}).url
    colleague = ManagerFactory(municipality=municipality, username="kollega")
    for someone in (colleague, other_manager):
        assert client_for(someone).get(url).status_code == 404
        assert client_for(someone).get(url + "file/").status_code == 404
    assert client_for(manager).get(url + "file/").status_code == 200


def test_the_hourly_sweep_removes_old_exports_and_uploads(settings):
    import os
    import time

    from django.core.files.base import ContentFile

    from exchange.tasks import exchange_sweep

    assert settings.CELERY_BEAT_SCHEDULE["exchange-sweep-hourly"]["task"] == exchange_sweep.name
    old = [
        default_storage.save(f"{folder}/old.xlsx", ContentFile(b"x"))
        for folder in (jobs.EXPORT_FOLDER, jobs.FOLDER)
    ]
    past = time.time() - jobs.JOB_SECONDS - 60
    for path in old:
        os.utime(default_storage.path(path), (past, past))
    fresh = default_storage.save(f"{jobs.EXPORT_FOLDER}/fresh.xlsx", ContentFile(b"x"))
    exchange_sweep()
    assert not any(default_storage.exists(path) for path in old)
    assert default_storage.exists(fresh)
    default_storage.delete(fresh)


def test_a_queued_export_says_so_and_a_failed_one_says_what_to_do(
    client_for, manager, household, monkeypatch
):
    client = client_for(manager)
    url = client.post(reverse("exchange:export"), {"format": "xlsx"}).url  # not run: no commit here
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Skriver eksporten" in page
    assert client.get(url + "file/").status_code == 404

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "export_rows", broken)
    jobs.export_job_run(url.rstrip("/").rsplit("/", 1)[1])
    page = client.get(url)
    assert page.status_code == 200 and "Eksporten stoppet" in page.content.decode()


# --- persona checks ---------------------------------------------------------------------------

PAGES = [
    ("get", "exchange:index", False),
    ("post", "exchange:import_upload", False),
    ("get", "exchange:import_job", True),
    ("post", "exchange:import_confirm", True),
    ("get", "exchange:import_template", False),
    ("post", "exchange:export", False),
    ("get", "exchange:export_job", True),
    ("get", "exchange:export_file", True),
]


def _job(municipality_id, user_id):
    """A finished import and a finished export under one id (each page reads its own)."""
    from django.core.files.base import ContentFile

    job_id = str(uuid.uuid4())
    cache.set(
        f"exchange-export:{job_id}",
        {
            "id": job_id,
            "municipality_id": municipality_id,
            "user_id": user_id,
            "format": "xlsx",
            "national_ids": False,
            "filename": "boveileder-test.xlsx",
            "path": default_storage.save(f"{jobs.EXPORT_FOLDER}/{job_id}.xlsx", ContentFile(b"PK")),
            "state": jobs.State.DONE,
        },
    )
    cache.set(
        f"exchange-import:{job_id}",
        {
            "id": job_id,
            "municipality_id": municipality_id,
            "state": jobs.State.DONE,
            "done": 0,
            "total": 0,
            "counts": {},
            "problems": [],
            "problem_count": 0,
        },
    )
    return job_id


@pytest.mark.parametrize(("method", "name", "takes_job"), PAGES)
def test_persona_checks(
    client, client_for, manager, counsellor, officer, other_manager, method, name, takes_job
):
    args = [_job(manager.municipality_id, manager.pk)] if takes_job else []
    url = reverse(name, args=args)
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous.url
    for user in (counsellor, officer):
        assert getattr(client_for(user), method)(url).status_code == 403
    wrong = "post" if method == "get" else "get"
    assert getattr(client_for(manager), wrong)(url).status_code == 405
    assert getattr(client_for(manager), method)(url).status_code in (200, 302, 400)
    if takes_job:
        assert getattr(client_for(other_manager), method)(url).status_code == 404
        unknown = reverse(name, args=[str(uuid.uuid4())])
        assert getattr(client_for(manager), method)(unknown).status_code == 404


@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=st.one_of(
        st.binary(min_size=1, max_size=200),
        st.builds(lambda b, cut: b[: max(cut, 1)], st.just(xlsx()), st.integers(min_value=1, max_value=5000)),
        st.builds(
            lambda cell: xlsx(data(followups=[(0, {"minutes": cell})], persons=[(1, {"birth_date": cell})])),
            st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.dates()),
        ),
    ),
    name=st.sampled_from(["import.xlsx", "import.zip"]),
)
def test_broken_files_never_crash_the_page(client_for, manager, raw, name):
    client = client_for(manager)
    response = upload(client, raw, name=name)
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "alert-danger" in text or "Importen er ferdig" in text or "Filen har ingen feil" in text


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_import_runs_in_a_real_worker_with_progress(client, manager, counsellor, celery_worker_process):
    from tests.services import wait_for

    client.force_login(manager)
    response = upload(client, xlsx())
    job_id = response.url.rstrip("/").rsplit("/", 1)[1]

    def state():
        return jobs.job_get(job_id, manager.municipality_id)["state"]

    wait_for(lambda: state() == jobs.State.READY, timeout=60)
    assert Household.objects.count() == 0
    client.post(reverse("exchange:import_confirm", args=[job_id]))
    wait_for(lambda: state() == jobs.State.DONE, timeout=60)
    job = jobs.job_get(job_id, manager.municipality_id)
    assert job["done"] == job["total"] == 13
    assert job["counts"]["followups"]["created"] == 3
    assert Household.objects.filter(municipality=manager.municipality).count() == 2
    assert not [f for f in storage_files() if f.startswith(job_id)]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_export_is_written_by_a_real_worker_and_fetched_from_its_page(
    client, manager, household, celery_worker_process
):
    from tests.services import wait_for

    client.force_login(manager)
    url = client.post(reverse("exchange:export"), {"format": "xlsx"}).url
    job_id = url.rstrip("/").rsplit("/", 1)[1]
    wait_for(lambda: jobs.export_job_get(job_id, manager)["state"] == jobs.State.DONE, timeout=60)
    assert "Eksporten er klar" in client.get(url).content.decode()
    response = client.get(url + "file/")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [row[0] for row in workbook["households"].values][1] == household.reference


@pytest.mark.parametrize("problems", [1, 20])
def test_the_job_page_does_not_query_more_for_more_problems(
    client_for, manager, django_assert_num_queries, problems
):
    client = client_for(manager)
    job_id = str(uuid.uuid4())
    listed = [
        {"sheet": "persons", "row": n + 2, "column": "birth_date", "message": "x"} for n in range(problems)
    ]
    cache.set(
        f"exchange-import:{job_id}",
        {
            "id": job_id,
            "municipality_id": manager.municipality_id,
            "state": jobs.State.REJECTED,
            "done": 0,
            "total": 0,
            "counts": {},
            "problems": listed,
            "problem_count": problems,
        },
    )
    client.get(reverse("exchange:index"))  # warm the session
    with django_assert_num_queries(2):  # session, user with its municipality: no rows
        response = client.get(reverse("exchange:import_job", args=[job_id]))
    assert (
        response.content.decode().count(
            '<td data-label="Ark">Personer <span class="small text-body-secondary">(persons)</span></td>'
        )
        == problems
    )


def test_a_failing_job_logs_no_national_id_and_keeps_no_file(client_for, manager, monkeypatch, caplog):
    def explode(**kwargs):
        raise ValueError("cell 12096342568 broke it")

    monkeypatch.setattr(jobs, "cases_import", explode)
    client = client_for(manager)
    response = upload(client, xlsx())
    page = client.get(response.url).content.decode()
    assert "Importen stoppet" in page
    assert "12096342568" not in caplog.text and "[fnr]" in caplog.text
    job_id = response.url.rstrip("/").rsplit("/", 1)[1]
    assert not [f for f in storage_files() if f.startswith(job_id)]
