"""A municipality sending through the SvarUt and Maskinporten stand-ins, and an approved decision
whose letter is made (a real PDF)."""

from datetime import date
from types import SimpleNamespace

import pytest

from cases.services import decisions
from dispatch.models import SvarUtAccount
from tests import svarut_standin as standin
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    PersonFactory,
)

PASSWORD_ENV = "BOVEILEDER_TEST_SVARUT_PASSWORD"


@pytest.fixture
def standins(tmp_path):
    cert_path, key_path, certificate = standin.business_certificate(tmp_path)
    with standin.Maskinporten(certificate) as maskinporten, standin.SvarUt(maskinporten) as svarut:
        yield SimpleNamespace(
            maskinporten=maskinporten, svarut=svarut, cert_path=cert_path, key_path=key_path
        )


def svarut_account_for(municipality, standins) -> SvarUtAccount:
    return SvarUtAccount.objects.create(
        municipality=municipality,
        base_url=standins.svarut.url,
        account_id=standin.ACCOUNT_ID,
        integration_id=standin.INTEGRATION_ID,
        integration_password_env=PASSWORD_ENV,
        token_url=standins.maskinporten.token_url,
        audience=standins.maskinporten.audience,
        client_id=standin.CLIENT_ID,
        certificate_path=str(standins.cert_path),
        private_key_path=str(standins.key_path),
    )


@pytest.fixture
def svarut_password(monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, standin.INTEGRATION_PASSWORD)


def decision_world(slug="alesund-svarut"):
    municipality = MunicipalityFactory(
        name=f"Kommune {slug}",
        slug=slug,
        postal_address="Postboks 1521",
        postcode="6025",
        post_town="Ålesund",
    )
    counsellor = CounsellorFactory(municipality=municipality, first_name="Kari", last_name="Nordvik")
    manager = ManagerFactory(municipality=municipality, first_name="Lise", last_name="Leder")
    household = HouseholdFactory(
        municipality=municipality,
        counsellor=counsellor,
        reference="H-2026-19",
        postal_address="Storgata 12 B",
        postcode="6002",
        post_town="Ålesund",
    )
    person = PersonFactory(household=household, first_name="Amina", last_name="Hassan", with_national_id=True)
    decision = decisions.decision_draft(
        household=household,
        person=person,
        by=counsellor,
        main_content="Oppfølgingsbesøk to ganger i måneden.",
        period_from=date(2026, 3, 2),
        reasons="Husstanden er vanskeligstilt på boligmarkedet.",
    )
    decisions.decision_submit(decision=decision, by=counsellor)
    return SimpleNamespace(
        municipality=municipality,
        counsellor=counsellor,
        manager=manager,
        household=household,
        person=person,
        decision=decision,
    )


def approve_and_render(world, on=None):
    """Approve and make the letter here (in a test's transaction, nothing queued after commit runs)."""
    decisions.decision_approve(decision=world.decision, by=world.manager, on=on)
    letter = decisions.letter_render(letter=world.decision.letters.get())
    assert letter.pdf, letter.error
    return letter


@pytest.fixture
def world(db):
    return decision_world()
