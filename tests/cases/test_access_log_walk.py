"""The innsynslogg misses no page: every URL of the project is classified here as showing one
household's personal data (then a colleague opening it leaves exactly one access-log row naming that
household and that colleague) or as not showing one household's record (with the reason). A new URL
that is in neither list fails the test, so it is classified the day it is added.

The objects come from the access walk's registry (tests/boveileder/test_access_walk.py): every
object there hangs on one household of municipality A."""

import pytest
from django.core.files.base import ContentFile

from boveileder.models import Role
from cases.models import RecordView
from tests import factories as f
from tests.boveileder.test_access_walk import (
    OPEN_URLS,
    ROLE_FACTORIES,
    SIGNED_IN_URLS,
    URLS,
    World,
    _build_url,
    access_roles,
)

# URL name -> the method that shows the record (POST where the page is shown only on request).
SHOWS_A_HOUSEHOLD = {
    "cases:household_detail": "get",
    "cases:household_edit": "get",
    "cases:household_close": "get",
    "cases:household_privacy": "get",
    "cases:followup_log": "get",
    "cases:followup_edit": "get",
    "cases:held_detail": "get",
    "cases:person_add": "get",
    "cases:person_detail": "get",
    "cases:person_edit": "get",
    "cases:person_remove": "get",
    "cases:person_national_id": "post",
    "cases:person_innsyn": "get",
    "cases:consent_add": "get",
    "cases:consent_withdraw": "get",
    "cases:startloan_create": "get",
    "cases:startloan_detail": "get",
    "cases:startloan_update": "get",
    "cases:startloan_transition": "get",
    "cases:decision_create": "get",
    "cases:decision_detail": "get",
    "cases:decision_edit": "get",
    "cases:letter_download": "get",
    "cases:document_upload": "get",
    "cases:document_download": "get",
    "housing:tenancy_renew": "get",
    "housing:tenancy_move_out": "get",
    "housing:flag_detail": "get",
    "housing:startloan_purchase": "get",
}

_CHANGE = "only changes a record (POST, then a redirect); the change is kept in its history and timeline"
_LIST = "a list of many households, each a link to its record (logged when opened)"
_NONE = "holds no household's personal data"
NOT_A_HOUSEHOLD_RECORD = {
    "home": "the landing page: a redirect by role",
    "otp_verify": _NONE,
    "otp_setup": _NONE,
    "municipality_contact": "the municipality's own address and contact details: " + _NONE,
    "municipality_sso": "the municipality's sign-in settings: " + _NONE,
    "profile": "the staff member's own settings: " + _NONE,
    "saved_view_save": "saves a list page's filter (POST only): " + _NONE,
    "saved_view_remove": "deletes one of one's saved views (POST only): " + _NONE,
    "cases:caseload": _LIST,
    "cases:team": _LIST,
    "cases:search": _LIST,
    "cases:startloan_pipeline": _LIST,
    "cases:decision_queue": _LIST,
    "cases:household_register": "a form for a new household: nothing registered yet",
    "cases:household_reopen": _CHANGE,
    "cases:household_access_log": "the innsynslogg itself: who looked, not the household's record",
    "cases:decision_submit": _CHANGE,
    "cases:decision_approve": _CHANGE,
    "cases:decision_send_back": _CHANGE,
    "cases:decision_renew": _CHANGE,
    "cases:letter_archive": _CHANGE,
    "cases:letter_retry": _CHANGE,
    "dispatch:letter_post": _CHANGE,
    "cases:appeal_register": _CHANGE,
    "cases:appeal_second_look": _CHANGE,
    "cases:appeal_forward": _CHANGE,
    "cases:appeal_outcome": _CHANGE,
    "cases:decision_approvers": "staff who may approve: " + _NONE,
    "cases:agency_list": "partner agencies: " + _NONE,
    "cases:agency_add": _NONE,
    "cases:agency_edit": _NONE,
    "cases:caseload_transfer": "a counsellor's caseload moved to another: " + _LIST,
    "cases:calendar_subscription": "the staff member's own calendar address: " + _NONE,
    "cases:followup_offline": "the follow-up form the phone keeps: the household is chosen on the device; "
    + _NONE,
    "cases:followup_offline_token": "who is signed in and a CSRF token: " + _NONE,
    "cases:followup_sync": "a visit from the phone's queue, stored; answers with a redirect: " + _CHANGE,
    "cases:followup_sent": "the stored visit's id, reference and notices, for the phone's queue: " + _NONE,
    "cases:followup_held": "a visit kept aside, said to its counsellor without the household: " + _NONE,
    "cases:held_list": "visits kept aside, each a link to its page (logged when opened): " + _LIST,
    "housing:unit_list": _LIST,
    "housing:unit_create": _NONE,
    "housing:unit_detail": "a unit and the households that have lived there: " + _LIST,
    "housing:unit_edit": "the unit's facts: " + _NONE,
    "housing:tenancy_move_in": "a unit and a form to choose a household: " + _LIST,
    "housing:household_choices": "the move-in search's matches (POST only): " + _LIST,
    "housing:flag_queue": _LIST,
    "housing:flag_thresholds": _NONE,
    "exchange:index": _NONE,
    "exchange:import_upload": _CHANGE,
    "exchange:import_job": "the import's progress and counts: " + _NONE,
    "exchange:import_confirm": _CHANGE,
    "exchange:import_template": _NONE,
    "exchange:export": _CHANGE,
    "exchange:export_job": "the export's progress: " + _NONE,
    "exchange:import_retry": _CHANGE,
    "exchange:export_retry": _CHANGE,
    "exchange:export_file": "the whole municipality's records for its manager: " + _LIST,
    "reports:dashboard": "aggregates: " + _NONE,
    "reports:records": "the records behind a figure: " + _LIST,
    "reports:data_quality": "the records with gaps: " + _LIST,
    "reports:generate": "aggregates: " + _NONE,
    "reports:archive": "aggregates: " + _NONE,
    "reports:report_detail": "aggregates: " + _NONE,
    "reports:report_status": "aggregates: " + _NONE,
    "reports:download": "aggregates: " + _NONE,
    "reports:report_retry": _CHANGE,
    "reports:narrative": "aggregates: " + _NONE,
    "reports:sharing": "a choice of the municipality's, no household: " + _NONE,
    "reports:observer": "aggregates across municipalities: " + _NONE,
    "reports:observer_trend": "aggregates across municipalities: " + _NONE,
    "reports:observer_archive": "aggregates: " + _NONE,
    "reports:observer_download": "aggregates: " + _NONE,
    "reports:grant_list": _NONE,
    "reports:grant_create": _NONE,
    "reports:grant_detail": _NONE,
    "reports:grant_edit": _NONE,
    "journal:journal": "the journal: letters and appeals of many households, each a link to its decision: "
    + _LIST,
    "journal:public": "the public journal: every person's name screened: " + _NONE,
    "journal:export": "the journal of a period as a file, for the manager: " + _LIST,
    "staff:list": _NONE,
    "staff:create": _NONE,
    "staff:detail": _NONE,
    "staff:deactivate": _NONE,
    "staff:reactivate": _NONE,
    "staff:password": _NONE,
    "staff:otp_reset": _NONE,
}

WALKED = [(route, name, pattern) for route, name, pattern in URLS if name not in OPEN_URLS]


def test_every_url_is_classified_once():
    names = {name for _route, name, _pattern in WALKED}
    unclassified = names - SHOWS_A_HOUSEHOLD.keys() - NOT_A_HOUSEHOLD_RECORD.keys()
    assert not unclassified, (
        f"classify {sorted(unclassified)} in tests/cases/test_access_log_walk.py: does the page show "
        "one household's personal data (then it must log the view) or not?"
    )
    assert not SHOWS_A_HOUSEHOLD.keys() & NOT_A_HOUSEHOLD_RECORD.keys()
    gone = (SHOWS_A_HOUSEHOLD.keys() | NOT_A_HOUSEHOLD_RECORD.keys()) - names
    assert not gone, f"no such URL any more: {sorted(gone)}"
    assert not SIGNED_IN_URLS & SHOWS_A_HOUSEHOLD.keys()


def _with_letter_file(world):
    """The decision's letter with its PDF, so the letter's address serves the file."""
    from datetime import date

    decision = world.get("decision")
    decision.approved_on = date.today()
    decision.save(update_fields=["approved_on"])
    letter = world.get("letter")
    letter.pdf.save("walk-letter.pdf", ContentFile(b"%PDF-1.7 letter"), save=True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SHOWS_A_HOUSEHOLD))
def test_a_colleague_opening_a_households_record_is_logged_once(client, name):
    pattern = next(p for _route, n, p in WALKED if n == name)
    world = World("kommune-a")
    household = world.get("household")
    url, _is_object = _build_url(name, pattern, world)
    if name == "cases:letter_download":
        _with_letter_file(world)
    role = access_roles(pattern.callback)[0]
    # A colleague: the right role in the same municipality, not the household's own counsellor.
    colleague = ROLE_FACTORIES[role](municipality=world.muni)
    if name == "cases:followup_edit":  # a follow-up is corrected only by the one who logged it
        followup = world.get("followup")
        followup.by = colleague
        followup.save(update_fields=["by"])
    assert household.counsellor_id != colleague.pk
    client.force_login(colleague)
    before = set(RecordView.objects.values_list("pk", flat=True))

    response = getattr(client, SHOWS_A_HOUSEHOLD[name])(url)

    assert response.status_code == 200, f"{name} gave {response.status_code}"
    rows = RecordView.objects.exclude(pk__in=before)
    assert [(row.household_id, row.user_id) for row in rows] == [(household.pk, colleague.pk)], name


@pytest.mark.django_db
def test_posting_a_form_back_is_not_logged_as_another_view(client):
    """A change is kept in the record's history and on the timeline; the innsynslogg has the GET."""
    world = World("kommune-a")
    decision = world.get("decision")
    colleague = f.CounsellorFactory(municipality=world.muni)
    client.force_login(colleague)
    client.post(f"/cases/decisions/{decision.pk}/submit/")
    assert not RecordView.objects.filter(user=colleague).exists()
    assert Role.COUNSELLOR in access_roles(
        next(p for _r, n, p in WALKED if n == "cases:decision_submit").callback
    )
