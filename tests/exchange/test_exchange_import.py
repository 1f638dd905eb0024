"""import_cases: all or nothing, idempotent, every problem reported with sheet, row and column."""

import csv
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from boveileder.models import Municipality
from cases.models import (
    FollowUp,
    Household,
    Person,
    StartLoanApplication,
    StartLoanStatusChange,
    TimelineEvent,
)
from housing.models import RentalUnit, Tenancy
from tests.exchange.exchange_helpers import data, xlsx, zipped
from tests.factories import CounsellorFactory

pytestmark = pytest.mark.django_db


def run(path, *args, slug="alesund", language="en"):
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "import_cases",
            str(path),
            "--municipality",
            slug,
            "--language",
            language,
            *args,
            stdout=out,
            stderr=err,
        )
    except CommandError as error:
        return 1, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Household, Person, RentalUnit, Tenancy, StartLoanApplication, FollowUp, TimelineEvent)
    }


@pytest.fixture
def kari(municipality):
    return CounsellorFactory(municipality=municipality, username="kari")


def write(tmp_path, content: bytes, name="import.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_import_writes_every_sheet_through_the_models(tmp_path, kari):
    code, out, err = run(write(tmp_path, xlsx()))
    assert code == 0, err
    assert "households: 2 created, 0 updated, 0 unchanged" in out
    assert "followups: 3 created, 0 updated, 0 unchanged" in out
    h1 = Household.objects.get(reference="H-1")
    assert h1.counsellor == kari and h1.enrolled_on == date(2024, 1, 15)
    assert Household.objects.get(reference="H-2").enrolled_on == date(2024, 2, 15)  # DD.MM.YYYY
    kari_p = Person.objects.get(first_name="Kari")
    assert kari_p.national_id == "12096342568" and kari_p.birth_date == date(1985, 3, 12)
    unit = RentalUnit.objects.get(reference="U-1")
    assert (unit.area_m2, unit.monthly_rent_nok, unit.postcode) == (64.5, 9500, "6002")
    ended = Tenancy.objects.get(household=h1)
    assert (ended.moved_out_on, ended.move_out_reason) == (date(2024, 6, 30), "bought")
    loan = StartLoanApplication.objects.get()
    assert (loan.status, loan.decided_on, loan.loan_amount_nok) == ("disbursed", date(2024, 4, 10), 2_800_000)
    assert StartLoanStatusChange.objects.get(application=loan).to_status == "disbursed"
    assert FollowUp.objects.get(kind="phone").note == "=1+1"
    kinds = set(h1.events.values_list("kind", flat=True))
    assert {
        "household_imported",
        "tenancy_started",
        "tenancy_ended",
        "startloan_received",
        "followup",
    } <= kinds


def test_municipality_is_created_when_named(tmp_path, db):
    code, out, err = run(write(tmp_path, xlsx()), "--municipality-name", "Giske", slug="giske")
    # the counsellor «kari» does not exist in a new municipality: that is a problem, and nothing is made
    assert code == 1 and "kari" in err
    assert not Municipality.objects.filter(slug="giske").exists()
    plain = data(households=[(0, {"counsellor": ""})], followups=[(0, {"counsellor": ""})])
    code, out, err = run(write(tmp_path, xlsx(plain)), "--municipality-name", "Giske", slug="giske")
    assert code == 0, err
    assert Household.objects.filter(municipality__slug="giske").count() == 2


def test_unknown_municipality_without_a_name_is_refused(tmp_path, db):
    code, _out, err = run(write(tmp_path, xlsx()), slug="nowhere")
    assert code == 1 and "--municipality-name" in err


def test_importing_the_same_file_again_changes_nothing(tmp_path, kari):
    path = write(tmp_path, xlsx())
    assert run(path)[0] == 0
    before = counts()
    history = Household.history.count() + Tenancy.history.count() + FollowUp.history.count()
    code, out, _err = run(path)
    assert code == 0
    assert counts() == before
    assert Household.history.count() + Tenancy.history.count() + FollowUp.history.count() == history
    for sheet, n in (("households", 2), ("persons", 3), ("units", 2), ("tenancies", 2), ("startloans", 1)):
        assert f"{sheet}: 0 created, 0 updated, {n} unchanged" in out


def test_an_edited_file_updates_what_changed(tmp_path, kari):
    run(write(tmp_path, xlsx()))
    edited = data(
        units=[(1, {"monthly_rent_nok": "8000"})],
        tenancies=[(1, {"moved_out_on": "2025-05-31", "move_out_reason": "private_rental"})],
        followups=[
            {
                "household_ref": "H-2",
                "date": "2025-01-10",
                "kind": "digital",
                "minutes": "15",
                "counsellor": "kari",
                "note": "",
            }
        ],
    )
    code, out, err = run(write(tmp_path, xlsx(edited), "edited.xlsx"))
    assert code == 0, err
    assert "units: 0 created, 1 updated, 1 unchanged" in out
    assert "tenancies: 0 created, 1 updated, 1 unchanged" in out
    assert "followups: 1 created, 0 updated, 3 unchanged" in out
    assert RentalUnit.objects.get(reference="U-2").monthly_rent_nok == 8000
    moved = Tenancy.objects.get(household__reference="H-2")
    assert moved.move_out_reason == "private_rental"
    assert moved.household.events.filter(kind="tenancy_ended").exists()  # through tenancy_end


def test_dry_run_writes_nothing_and_counts(tmp_path, kari):
    before = counts()
    code, out, err = run(write(tmp_path, xlsx()), "--dry-run")
    assert code == 0, err
    assert (
        "households: 2 created" in out and "nothing was written" in out.lower() or "ingenting" in out.lower()
    )
    assert counts() == before


def test_dry_run_does_not_create_the_municipality(tmp_path, db):
    plain = data(households=[(0, {"counsellor": ""})], followups=[(0, {"counsellor": ""})])
    code, _out, err = run(
        write(tmp_path, xlsx(plain)), "--municipality-name", "Giske", "--dry-run", slug="giske"
    )
    assert code == 0, err
    assert not Municipality.objects.filter(slug="giske").exists()


def test_csv_folder_and_zip_are_read_like_the_workbook(tmp_path, kari):
    folder = tmp_path / "csv"
    folder.mkdir()
    import zipfile
    from io import BytesIO

    with zipfile.ZipFile(BytesIO(zipped())) as archive:
        archive.extractall(folder)
    # columns in any order, semicolons as Norwegian Excel writes them
    units = list(csv.reader((folder / "units.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert units[0][0] == "unit_ref"
    with open(folder / "units.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows([list(reversed(row)) for row in units])
    code, out, err = run(folder)
    assert code == 0, err
    assert RentalUnit.objects.get(reference="U-1").address == "Storgata 1"
    code, out, err = run(write(tmp_path, zipped(), "import.zip"))
    assert code == 0 and "households: 0 created, 0 updated, 2 unchanged" in out


def test_the_template_workbook_imports_as_it_is(tmp_path, municipality):
    from exchange.export import template_xlsx

    code, out, err = run(write(tmp_path, template_xlsx()))
    assert code == 0, err
    assert "households: 1 created" in out and "followups: 1 created" in out


def test_the_counts_are_in_norwegian_by_default(tmp_path, kari):
    path = write(tmp_path, xlsx())
    out = StringIO()
    call_command("import_cases", str(path), "--municipality", "alesund", "--dry-run", stdout=out)
    assert "households: 2 opprettet, 0 oppdatert, 0 uendret" in out.getvalue()
    assert "Prøvekjøring: ingenting ble lagret." in out.getvalue()


def test_moves_dated_ahead_are_imported_as_planned(tmp_path, kari):
    """A file from Kobo may hold a move-out or a move-in not yet come; the timeline says
    planned, never that it has happened."""
    from datetime import timedelta

    from django.utils import timezone

    ahead = timezone.localdate() + timedelta(days=40)
    sheets = data(
        tenancies=[
            (1, {"moved_out_on": ahead.isoformat(), "move_out_reason": "private_rental"}),
            {
                "unit_ref": "U-2",
                "household_ref": "H-1",
                "start_date": ahead.isoformat(),
                "contract_end_date": "",
                "moved_out_on": "",
                "move_out_reason": "",
            },
        ]
    )
    assert run(write(tmp_path, xlsx(sheets)))[0] == 0
    assert not TimelineEvent.objects.filter(occurred_on__gt=timezone.localdate()).exists()
    kinds = set(TimelineEvent.objects.values_list("kind", flat=True))
    assert {"tenancy_end_planned", "tenancy_start_planned"} <= kinds


def test_consents_are_imported_with_their_agency_person_and_timeline(tmp_path, kari):
    from cases.models import Consent, PartnerAgency

    consent = {
        "household_ref": "H-1",
        "agency": "NAV Ålesund",
        "agency_kind": "nav",
        "purpose": "Økonomi",
        "given_on": "2024-02-01",
        "valid_until": "2025-02-01",
        "withdrawn_on": "",
        "given_by_first_name": "Kari",
        "given_by_last_name": "Nordmann",
        "recorded_by": "kari",
    }
    code, out, err = run(write(tmp_path, xlsx(data(consents=[consent]))))
    assert code == 0, err
    saved = Consent.objects.get()
    assert saved.agency == PartnerAgency.objects.get(name="NAV Ålesund", kind="nav")
    assert saved.person.first_name == "Kari" and saved.recorded_by == kari
    assert TimelineEvent.objects.filter(kind="consent_recorded", household=saved.household).count() == 1
    code, out, err = run(write(tmp_path, xlsx(data(consents=[consent]))))
    assert "consents: 0 created, 0 updated, 1 unchanged" in out
    code, out, err = run(
        write(
            tmp_path,
            xlsx(data(consents=[{**consent, "withdrawn_on": "2024-01-01", "given_by_first_name": "Ola"}])),
        )
    )
    assert code == 1
    assert "consents, row 2, withdrawn_on: A consent cannot be withdrawn before it was given." in err
    assert "consents, row 2, given_by_first_name: No member of the household by this name" in err


def test_flags_are_imported_for_their_tenancy_and_one_open_flag_per_tenancy(tmp_path, kari):
    from housing.models import LongTenureFlag

    flag = {
        "unit_ref": "U-1",
        "tenancy_start_date": "2024-08-01",
        "raised_on": "2024-09-01",
        "reasons": "tenure, contract_expiry",
        "status": "referred",
        "referred_to": "kari",
        "resolved_on": "",
    }
    code, out, err = run(write(tmp_path, xlsx(data(flags=[flag]))))
    assert code == 0, err
    saved = LongTenureFlag.objects.get()
    assert saved.tenancy.household.reference == "H-2" and saved.reasons == ["tenure", "contract_expiry"]
    assert saved.referred_to == kari and saved.status == "referred"
    code, out, err = run(write(tmp_path, xlsx(data(flags=[flag]))))
    assert "flags: 0 created, 0 updated, 1 unchanged" in out
    second = {**flag, "raised_on": "2024-10-01"}
    stray = {**flag, "tenancy_start_date": "2023-01-01", "reasons": "tenure, lonely"}
    code, out, err = run(write(tmp_path, xlsx(data(flags=[flag, second, stray]))))
    assert code == 1
    assert "flags, row 3, resolved_on: The tenancy has another unresolved flag in row 2" in err
    assert "flags, row 4, tenancy_start_date: No tenancy of this unit from this date" in err
    assert "flags, row 4, reasons: «lonely» is not one of: tenure, contract_expiry." in err


def test_decisions_and_appeals_are_imported_and_checked(tmp_path, kari, municipality):
    from cases.models import Appeal, Decision
    from tests.factories import ManagerFactory

    ManagerFactory(municipality=municipality, username="lise")
    decision = {
        "household_ref": "H-1",
        "number": "1",
        "first_name": "Kari",
        "last_name": "Nordmann",
        "status": "approved",
        "outcome": "granted",
        "main_content": "Oppfølging",
        "period_from": "2024-02-01",
        "drafted_by": "kari",
        "approved_by": "lise",
        "approved_on": "2024-01-25",
    }
    appeal = {"household_ref": "H-1", "decision_number": "1", "received_on": "2024-02-10", "note": "Klage"}
    code, out, err = run(write(tmp_path, xlsx(data(decisions=[decision], appeals=[appeal]))))
    assert code == 0, err
    saved = Appeal.objects.get()
    assert saved.decision == Decision.objects.get(status="approved") and saved.within_deadline
    assert TimelineEvent.objects.filter(kind="decision_approved").count() == 1
    code, out, err = run(write(tmp_path, xlsx(data(decisions=[decision], appeals=[appeal]))))
    assert "decisions: 0 created, 0 updated, 1 unchanged" in out and "appeals: 0 created" in out
    own = {**decision, "number": "2", "approved_by": "kari"}
    skipped = {**decision, "number": "4", "status": "draft", "approved_by": "", "approved_on": ""}
    early = {**appeal, "decision_number": "2", "received_on": "2024-01-01"}
    code, out, err = run(
        write(tmp_path, xlsx(data(decisions=[decision, own, skipped], appeals=[appeal, early])))
    )
    assert code == 1
    assert "decisions, row 3, approved_by: A decision is not approved by the one who drafted it." in err
    assert (
        "decisions, row 4, number: Number a household's decisions 1, 2, 3… in drafting order: the next is 3."
        in err
    )
    assert "appeals, row 3, received_on: An appeal cannot arrive before the decision was made." in err
