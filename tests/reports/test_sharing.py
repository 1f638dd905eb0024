"""The manager's choice, per funder, whether the municipality's figures are shared; its changes kept."""

from django.urls import reverse

from reports.models import FigureSharing

URL = reverse("reports:sharing")


def test_a_manager_shares_with_one_funder_and_the_change_is_listed(client_for, manager, municipality):
    client = client_for(manager)
    assert "Ingen valg er gjort" in client.get(URL).content.decode()
    response = client.post(URL, {"husbanken": "on"}, follow=True)
    page = response.content.decode()
    assert "Valget ditt er lagret." in page
    assert FigureSharing.objects.get(municipality=municipality, funder="husbanken").shared
    assert not FigureSharing.objects.get(municipality=municipality, funder="statsforvalteren").shared
    assert "checked" in page
    r = client.post(URL, {})
    assert r.status_code == 302  # stops sharing with Husbanken
    changes = FigureSharing.history.filter(municipality_id=municipality.pk, funder="husbanken")
    assert [c.shared for c in changes.order_by("history_date")] == [True, False]
    assert {c.history_user_id for c in changes} == {manager.pk}
    assert str(manager) in client.get(URL).content.decode()


def test_personas(client, client_for, counsellor, other_manager, municipality):
    assert client.get(URL).status_code == 302  # anonymous: to login
    assert client_for(counsellor).get(URL).status_code == 403
    assert client_for(other_manager).put(URL).status_code == 405
    client_for(other_manager).post(URL, {"statsforvalteren": "on"})
    assert not FigureSharing.objects.filter(municipality=municipality).exists()  # only its own
