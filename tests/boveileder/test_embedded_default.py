"""The embedded default (`make run`: settings.dev, SQLite, runserver) serves as
production does: no debug page listing every URL, Norwegian error pages in the site's layout
(English when English is chosen), and static files that answer."""

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def embedded_default(tmp_path_factory):
    """`manage.py runserver` as `make run` starts it: manage.py's default settings, nothing set."""
    folder = tmp_path_factory.mktemp("embedded")
    unset = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 - our own server
                break
            except urllib.error.HTTPError:
                break  # it answers (the empty database may make /healthz fail; that is fine here)
            except OSError:
                if server.poll() is not None:
                    pytest.fail("runserver did not start")
                subprocess.run(["sleep", "0.1"], check=True)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def _get(url, language=None):
    request = urllib.request.Request(url)  # noqa: S310 - our own server
    if language:
        request.add_header("Cookie", f"django_language={language}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_a_mistyped_address_gets_the_norwegian_404_in_the_sites_layout(embedded_default):
    status, html = _get(embedded_default + "/husstander-som-ikke-finnes/")
    assert status == 404
    assert "Siden finnes ikke" in html and '<html lang="nb">' in html
    assert "vendor/bootstrap/bootstrap.min.css" in html  # the site's layout
    assert "URLconf" not in html and "cases/" not in html and "DEBUG = True" not in html


def test_the_404_is_english_when_english_is_chosen(embedded_default):
    status, html = _get(embedded_default + "/no-such-page/", language="en")
    assert status == 404
    assert "Page not found" in html and '<html lang="en">' in html


def test_static_files_answer(embedded_default):
    status, html = _get(embedded_default + "/login/")
    assert status == 200
    for path in ("/static/css/app.css", "/static/vendor/bootstrap/bootstrap.min.css", "/static/js/app.js"):
        assert f'"{path}"' in html or path.split("/")[-1] in html
        assert _get(embedded_default + path)[0] == 200, path


@pytest.mark.django_db
@pytest.mark.parametrize("language,text", [("nb", "Noe gikk galt"), ("en", "Something went wrong")])
def test_the_500_page_is_translated_and_in_the_sites_layout(language, text, counsellor):
    from django.urls import get_resolver

    request = RequestFactory().get("/cases/")
    request.user = counsellor
    with translation.override(language):
        response = get_resolver().resolve_error_handler(500)(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert text in html and f'<html lang="{language}">' in html
    assert "vendor/bootstrap/bootstrap.min.css" in html
