"""A counsellor or officer saves a list page's filter under a name and finds it in the menu."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boveileder.models import SavedView
from tests.factories import CounsellorFactory, OfficerFactory

pytestmark = pytest.mark.django_db
SAVE = reverse("saved_view_save")


def _save(client, name, url_name, query):
    return client.post(SAVE, {"name": name, "url_name": url_name, "query": query}, follow=True)


def test_a_counsellor_saves_the_caseload_filter_and_finds_it_in_the_menu(client_for, counsellor):
    client = client_for(counsellor)
    page = client.get(reverse("cases:caseload"), {"show": "overdue"}).content.decode()
    assert "Lagre filteret som en visning" in page and 'name="query" value="show=overdue"' in page

    response = _save(client, "Forfalt", "cases:caseload", "show=overdue&page=3&junk=x")
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("cases:caseload") + "?show=overdue"  # no page, no junk
    assert "Visningen «Forfalt» er lagret." in html
    assert "Lagrede visninger" in html and 'href="/cases/?show=overdue">Forfalt</a>' in html
    # On every page after, from the session: the menu costs no query.
    assert 'href="/cases/?show=overdue">Forfalt</a>' in client.get(reverse("profile")).content.decode()


def test_the_menu_comes_with_a_new_session(client, counsellor):
    SavedView.objects.create(user=counsellor, name="Flagg", url_name="cases:caseload", query="show=flagged")
    client.force_login(counsellor)
    assert 'href="/cases/?show=flagged">Flagg</a>' in client.get(reverse("cases:caseload")).content.decode()


def test_an_officer_saves_the_flag_queue_and_the_unit_list(client_for, officer):
    client = client_for(officer)
    assert "Lagre filteret som en visning" in client.get(reverse("housing:unit_list")).content.decode()
    _save(client, "Ledige", "housing:unit_list", "state=vacant&after=12")
    _save(client, "Behandlet", "housing:flag_queue", "show=handled&outcome=moved_out")
    assert {(v.name, v.query) for v in SavedView.objects.filter(user=officer)} == {
        ("Ledige", "state=vacant"),
        ("Behandlet", "outcome=moved_out&show=handled"),
    }
    # A page the officer's roles do not open cannot be saved.
    response = _save(client, "Saksmengde", "cases:caseload", "show=overdue")
    assert "Denne siden kan ikke lagres som visning." in response.content.decode()
    assert not SavedView.objects.filter(url_name="cases:caseload").exists()


def test_a_national_id_is_refused_and_the_name_is_kept(client_for, officer):
    response = _save(client_for(officer), "Søk på person", "housing:unit_list", "q=12096342568")
    html = response.content.decode()
    assert response.status_code == 200
    assert "En lagret visning kan ikke inneholde et fødselsnummer." in html
    assert 'value="Søk på person"' in html  # nothing entered is lost
    assert "12096342568" not in html and not SavedView.objects.exists()


def test_names_are_each_ones_own_and_unique_per_person(client_for, counsellor, municipality):
    client = client_for(counsellor)
    _save(client, "Forfalt", "cases:caseload", "show=overdue")
    response = _save(client, "forfalt", "cases:caseload", "show=flagged")
    assert "Du har allerede en lagret visning med det navnet." in response.content.decode()
    response = _save(client, "", "cases:caseload", "show=flagged")
    assert "Gi visningen et navn." in response.content.decode()
    colleague = CounsellorFactory(municipality=municipality)
    assert _save(client_for(colleague), "Forfalt", "cases:caseload", "").status_code == 200
    assert SavedView.objects.count() == 2


def test_one_deletes_ones_own_and_not_anothers(client_for, counsellor, municipality):
    mine = SavedView.objects.create(user=counsellor, name="Forfalt", url_name="cases:caseload", query="")
    colleague = OfficerFactory(municipality=municipality)
    theirs = SavedView.objects.create(user=colleague, name="Ledige", url_name="housing:unit_list", query="")
    client = client_for(counsellor)
    assert client.post(reverse("saved_view_remove", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("saved_view_remove", args=[mine.pk])).status_code == 405
    response = client.post(reverse("saved_view_remove", args=[mine.pk]), follow=True)
    html = response.content.decode()
    assert "Den lagrede visningen er slettet." in html and "Forfalt" not in html
    assert list(SavedView.objects.all()) == [theirs]


def test_the_caseload_pays_no_query_for_the_menu(client_for, counsellor):
    SavedView.objects.create(user=counsellor, name="Forfalt", url_name="cases:caseload", query="show=overdue")
    client = client_for(counsellor)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("cases:caseload")).content.decode()
    assert ">Forfalt</a>" in html
    assert not [query for query in queries.captured_queries if "boveileder_savedview" in query["sql"]]
