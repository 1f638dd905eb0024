from django.urls import path

from cases.views import access_log, consents, followups, households, persons, search
from cases.views import agencies as agency_views  # partner agencies
from cases.views import calendar as calendar_views
from cases.views import caseload_transfer as caseload_transfer_views  # staff management
from cases.views import decisions as decision_views
from cases.views import documents as document_views
from cases.views import household_edit as edit_views  # editing households and persons
from cases.views import innsyn as innsyn_views
from cases.views import offline as offline_views
from cases.views import restriction as restriction_views
from cases.views import startloans as startloan_views

app_name = "cases"

urlpatterns = [
    # --- households, caseload, follow-ups, consents
    path("", households.caseload, name="caseload"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("team/", households.team, name="team"),
    path("search/", search.search, name="search"),
    path("households/new/", households.household_register, name="household_register"),
    path("households/<int:pk>/close/", households.household_close, name="household_close"),
    path("households/<int:pk>/reopen/", households.household_reopen, name="household_reopen"),
    path("households/<int:pk>/access-log/", access_log.household_access_log, name="household_access_log"),
    path("households/<int:pk>/followups/new/", followups.followup_new, name="followup_log"),
    path("followups/<int:pk>/", followups.followup_edit, name="followup_edit"),
    # --- logging a visit offline
    path("followups/offline/", offline_views.followup_offline, name="followup_offline"),
    path("followups/offline/token/", offline_views.offline_token, name="followup_offline_token"),
    path("households/<int:pk>/followups/sync/", offline_views.followup_sync, name="followup_sync"),
    path("followups/<int:pk>/sent/", offline_views.followup_sent, name="followup_sent"),
    path("followups/held/<int:pk>/", offline_views.followup_held, name="followup_held"),
    path("followups/kept-aside/", offline_views.held_list, name="held_list"),
    path("followups/kept-aside/<int:pk>/", offline_views.held_detail, name="held_detail"),
    path("households/<int:pk>/members/new/", persons.person_add, name="person_add"),
    path("persons/<int:pk>/", persons.person_detail, name="person_detail"),
    path("persons/<int:pk>/remove/", persons.person_remove, name="person_remove"),
    path("households/<int:pk>/consents/new/", consents.consent_new, name="consent_add"),
    path("consents/<int:pk>/withdraw/", consents.consent_withdraw_view, name="consent_withdraw"),
    # --- editing households and persons; partner agencies
    path("households/<int:pk>/edit/", edit_views.household_edit, name="household_edit"),
    path("persons/<int:pk>/edit/", edit_views.person_edit, name="person_edit"),
    path("persons/<int:pk>/national-id/", edit_views.person_national_id, name="person_national_id"),
    path("agencies/", agency_views.agency_list, name="agency_list"),
    path("agencies/new/", agency_views.agency_add, name="agency_add"),
    path("agencies/<int:pk>/edit/", agency_views.agency_edit, name="agency_edit"),
    # --- start-up loans
    path("startloans/", startloan_views.startloan_pipeline, name="startloan_pipeline"),
    path(
        "households/<int:household_pk>/startloans/new/",
        startloan_views.startloan_create,
        name="startloan_create",
    ),
    path("startloans/<int:pk>/", startloan_views.startloan_detail, name="startloan_detail"),
    path("startloans/<int:pk>/edit/", startloan_views.startloan_update, name="startloan_update"),
    path(
        "startloans/<int:pk>/status/<str:to_status>/",
        startloan_views.startloan_transition,
        name="startloan_transition",
    ),
    # --- privacy: restriction and innsyn
    path("households/<int:pk>/privacy/", restriction_views.household_privacy, name="household_privacy"),
    path("persons/<int:pk>/innsyn/", innsyn_views.person_innsyn, name="person_innsyn"),
    # --- individual decisions
    path("decisions/", decision_views.decision_queue, name="decision_queue"),
    path("decisions/approvers/", decision_views.decision_approvers, name="decision_approvers"),
    path(
        "households/<int:household_pk>/decisions/new/",
        decision_views.decision_create,
        name="decision_create",
    ),
    path("decisions/<int:pk>/", decision_views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/edit/", decision_views.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/submit/", decision_views.decision_submit, name="decision_submit"),
    path("decisions/<int:pk>/approve/", decision_views.decision_approve, name="decision_approve"),
    path("decisions/<int:pk>/send-back/", decision_views.decision_send_back, name="decision_send_back"),
    path("decisions/<int:pk>/renew/", decision_views.decision_renew, name="decision_renew"),
    path(
        "decisions/<int:decision_pk>/letters/<int:letter_pk>/pdf/",
        decision_views.letter_download,
        name="letter_download",
    ),
    path(
        "decisions/<int:decision_pk>/letters/<int:letter_pk>/archive/",
        decision_views.letter_archive,
        name="letter_archive",
    ),
    path(
        "decisions/<int:decision_pk>/letters/<int:letter_pk>/retry/",
        decision_views.letter_retry,
        name="letter_retry",
    ),
    path("decisions/<int:decision_pk>/appeals/new/", decision_views.appeal_register, name="appeal_register"),
    path(
        "decisions/<int:decision_pk>/appeals/<int:appeal_pk>/second-look/",
        decision_views.appeal_second_look,
        name="appeal_second_look",
    ),
    path(
        "decisions/<int:decision_pk>/appeals/<int:appeal_pk>/forward/",
        decision_views.appeal_forward,
        name="appeal_forward",
    ),
    path(
        "decisions/<int:decision_pk>/appeals/<int:appeal_pk>/outcome/",
        decision_views.appeal_outcome,
        name="appeal_outcome",
    ),
    # --- documents and the calendar feed
    path("households/<int:pk>/documents/new/", document_views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", document_views.document_download, name="document_download"),
    path("calendar/", calendar_views.calendar_subscription, name="calendar_subscription"),
    path("calendar/<str:token>/feed.ics", calendar_views.calendar_feed, name="calendar_feed"),
    # --- moving a counsellor's caseload (staff management)
    path(
        "staff/<int:staff_pk>/caseload/transfer/",
        caseload_transfer_views.caseload_transfer_view,
        name="caseload_transfer",
    ),
]
