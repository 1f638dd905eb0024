"""A manager keeps the municipality's contact details, the sender block of decision letters."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("municipality_contact")
DATA = {
    "service_unit": "Boveiledertjenesten",
    "postal_address": "Postboks 1521",
    "postcode": "6025",
    "post_town": "Ålesund",
    "phone": "70 16 20 00",
    "email": "postmottak@alesund.kommune.no",
}


def test_a_manager_sets_the_contact_details_from_the_administration_menu(client_for, manager, municipality):
    client = client_for(manager)
    page = client.get(reverse("staff:list")).content.decode()
    assert f'href="{URL}"' in page and "Kommunens kontaktopplysninger" in page
    response = client.post(URL, {**DATA, "postal_address": " Postboks 1521 "})
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert (municipality.postal_address, municipality.postcode, municipality.email) == (
        "Postboks 1521",
        "6025",
        "postmottak@alesund.kommune.no",
    )
    assert municipality.has_sender_address


def test_bad_input_is_explained_and_kept(client_for, manager, municipality):
    response = client_for(manager).post(
        URL, {**DATA, "postcode": "60A5", "email": "ikke-epost", "post_town": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Et postnummer har fire sifre." in html and "Oppgi en gyldig e-postadresse" in html
    assert "Feltet er påkrevet." in html
    assert 'value="Postboks 1521"' in html and 'value="70 16 20 00"' in html
    municipality.refresh_from_db()
    assert municipality.postcode == "6025"  # the factory's, untouched


def test_only_managers_and_only_their_own_municipality(
    client_for, counsellor, officer, other_manager, municipality
):
    for user in (counsellor, officer):
        assert client_for(user).get(URL).status_code == 403
    client_for(other_manager).post(URL, {**DATA, "post_town": "Molde"})
    municipality.refresh_from_db()
    assert municipality.post_town == "Ålesund"


def test_anonymous_goes_to_login_and_put_is_refused(client, client_for, manager):
    assert client.get(URL).url.startswith(reverse("login"))
    assert client_for(manager).put(URL).status_code == 405
