"""Individual decisions, the pages: persona checks for every view, four eyes when posted by hand,
bad input kept as typed, query counts that do not grow with the rows."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Appeal, Decision, DecisionLetter
from cases.services import decisions as services
from cases.tasks.letters import decision_letter_render
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    ManagerFactory,
    PersonFactory,
    TenancyFactory,
)

TODAY = timezone.localdate()


def _decision(household, person, by, **extra):
    fields = {
        "main_content": "Oppfølgingsbesøk to ganger i måneden.",
        "period_from": TODAY,
        "period_to": TODAY + timedelta(days=180),
        "assessment": "Familien ønsker å kjøpe egen bolig.",
        "reasons": "Familien er vanskeligstilt på boligmarkedet.",
    }
    fields.update(extra)
    return services.decision_draft(household=household, person=person, by=by, **fields)


class Ctx:
    """Municipality A's household with a decision in each state, an appeal at each step."""

    def __init__(self, household, counsellor, manager):
        self.household, self.counsellor, self.manager = household, counsellor, manager
        self.person = PersonFactory(household=household, with_national_id=True, household_role="applicant")
        TenancyFactory(household=household)
        self.draft = _decision(household, self.person, counsellor)
        self.submitted = services.decision_submit(
            decision=_decision(household, self.person, counsellor), by=counsellor
        )
        approved = services.decision_submit(
            decision=_decision(household, self.person, counsellor), by=counsellor
        )
        self.approved = services.decision_approve(decision=approved, by=manager, on=TODAY - timedelta(days=3))
        self.letter = self.approved.letters.get()
        self.letter.pdf.save("vedtak-test.pdf", ContentFile(b"%PDF-1.4 test letter"), save=False)
        self.letter.rendered_at = timezone.now()
        self.letter.status = DecisionLetter.Status.DONE
        self.letter.save()
        new = services.appeal_register(decision=self.approved, received_on=TODAY, by=counsellor)
        kept = services.appeal_register(decision=self.approved, received_on=TODAY, by=counsellor)
        services.appeal_second_look(appeal=kept, result="kept", on=TODAY, by=counsellor)
        forwarded = services.appeal_register(decision=self.approved, received_on=TODAY, by=counsellor)
        services.appeal_second_look(appeal=forwarded, result="kept", on=TODAY, by=counsellor)
        services.appeal_forward(appeal=forwarded, on=TODAY, by=counsellor)
        self.appeal_new, self.appeal_kept, self.appeal_forwarded = new, kept, forwarded
        self.failed = DecisionLetter.objects.create(
            decision=self.approved, status=DecisionLetter.Status.FAILED, error="RuntimeError: no fonts"
        )


@pytest.fixture
def ctx(household, counsellor, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return Ctx(household, counsellor, manager)


TODAY_ISO = TODAY.isoformat()
# name, method, url kwargs from ctx, the right user, POST data, the answer the right user gets.
VIEWS = [
    ("decision_create", "get", lambda c: {"household_pk": c.household.pk}, "counsellor", None, 200),
    ("decision_detail", "get", lambda c: {"pk": c.approved.pk}, "counsellor", None, 200),
    ("decision_edit", "get", lambda c: {"pk": c.draft.pk}, "counsellor", None, 200),
    (
        "decision_submit",
        "post",
        lambda c: {"pk": c.draft.pk},
        "counsellor",
        lambda c: {"submit-approver": c.manager.pk},
        302,
    ),
    ("decision_approve", "post", lambda c: {"pk": c.submitted.pk}, "manager", {}, 302),
    (
        "decision_send_back",
        "post",
        lambda c: {"pk": c.submitted.pk},
        "manager",
        {"send_back-comment": "Skriv mer om hvordan familien deltok."},
        302,
    ),
    ("decision_renew", "post", lambda c: {"pk": c.approved.pk}, "counsellor", {}, 302),
    (
        "letter_download",
        "get",
        lambda c: {"decision_pk": c.approved.pk, "letter_pk": c.letter.pk},
        "counsellor",
        None,
        200,
    ),
    (
        "letter_archive",
        "post",
        lambda c: {"decision_pk": c.approved.pk, "letter_pk": c.letter.pk},
        "counsellor",
        lambda c: {
            f"letter-{c.letter.pk}-archived_on": TODAY_ISO,
            f"letter-{c.letter.pk}-archive_ref": "26/1-1",
        },
        302,
    ),
    (
        "letter_retry",
        "post",
        lambda c: {"decision_pk": c.approved.pk, "letter_pk": c.failed.pk},
        "counsellor",
        {},
        302,
    ),
    (
        "appeal_register",
        "post",
        lambda c: {"decision_pk": c.approved.pk},
        "counsellor",
        {"appeal-received_on": TODAY_ISO},
        302,
    ),
    (
        "appeal_second_look",
        "post",
        lambda c: {"decision_pk": c.approved.pk, "appeal_pk": c.appeal_new.pk},
        "counsellor",
        lambda c: {
            f"appeal-{c.appeal_new.pk}-second_look": "kept",
            f"appeal-{c.appeal_new.pk}-on": TODAY_ISO,
        },
        302,
    ),
    (
        "appeal_forward",
        "post",
        lambda c: {"decision_pk": c.approved.pk, "appeal_pk": c.appeal_kept.pk},
        "counsellor",
        lambda c: {f"appeal-{c.appeal_kept.pk}-on": TODAY_ISO},
        302,
    ),
    (
        "appeal_outcome",
        "post",
        lambda c: {"decision_pk": c.approved.pk, "appeal_pk": c.appeal_forwarded.pk},
        "counsellor",
        lambda c: {
            f"appeal-{c.appeal_forwarded.pk}-outcome": "upheld",
            f"appeal-{c.appeal_forwarded.pk}-on": TODAY_ISO,
        },
        302,
    ),
    ("decision_queue", "get", lambda c: {}, "counsellor", None, 200),
    ("decision_approvers", "get", lambda c: {}, "manager", None, 200),
]
IDS = [v[0] for v in VIEWS]


def _request(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data or {})


def _data(data, ctx):
    return data(ctx) if callable(data) else data


@pytest.mark.django_db
@pytest.mark.parametrize("name,method,kwargs,who,data,status", VIEWS, ids=IDS)
def test_the_right_role_gets_in(client_for, ctx, request, name, method, kwargs, who, data, status):
    user = request.getfixturevalue(who)
    url = reverse(f"cases:{name}", kwargs=kwargs(ctx))
    response = _request(client_for(user), method, url, _data(data, ctx))
    assert response.status_code == status, response.content.decode()[:2000]


@pytest.mark.django_db
@pytest.mark.parametrize("name,method,kwargs,who,data,status", VIEWS, ids=IDS)
def test_a_role_without_the_right_gets_403(client_for, ctx, officer, name, method, kwargs, who, data, status):
    outsider = officer if who == "counsellor" else ctx.counsellor
    url = reverse(f"cases:{name}", kwargs=kwargs(ctx))
    assert _request(client_for(outsider), method, url, _data(data, ctx)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name,method,kwargs,who,data,status", VIEWS, ids=IDS)
def test_another_municipality_gets_404(
    client_for, ctx, other_manager, name, method, kwargs, who, data, status
):
    url_kwargs = kwargs(ctx)
    if not url_kwargs:
        pytest.skip("no object in the URL")
    url = reverse(f"cases:{name}", kwargs=url_kwargs)
    other_manager.can_approve_decisions = True
    assert _request(client_for(other_manager), method, url, _data(data, ctx)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name,method,kwargs,who,data,status", VIEWS, ids=IDS)
def test_anonymous_goes_to_login(client, ctx, name, method, kwargs, who, data, status):
    url = reverse(f"cases:{name}", kwargs=kwargs(ctx))
    response = _request(client, method, url, _data(data, ctx))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name,method,kwargs,who,data,status", VIEWS, ids=IDS)
def test_the_wrong_method_gets_405(client_for, ctx, request, name, method, kwargs, who, data, status):
    client = client_for(request.getfixturevalue(who))
    url = reverse(f"cases:{name}", kwargs=kwargs(ctx))
    if name in ("decision_create", "decision_edit", "decision_approvers"):
        wrong = client.put(url)  # GET and POST are both allowed
    elif method == "get":
        wrong = client.post(url)
    else:
        wrong = client.get(url)
    assert wrong.status_code == 405


@pytest.mark.django_db
def test_a_restricted_household_s_decision_is_hidden_from_other_counsellors(client_for, ctx, municipality):
    ctx.household.restricted = True
    ctx.household.save()
    colleague = CounsellorFactory(municipality=municipality)
    url = reverse("cases:decision_detail", args=[ctx.approved.pk])
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(ctx.counsellor).get(url).status_code == 200


# --- four eyes -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_posting_the_approval_of_their_own_draft_by_hand_is_refused(
    client_for, household, municipality
):
    boss = ManagerFactory(municipality=municipality)
    other_boss = ManagerFactory(municipality=municipality)
    person = PersonFactory(household=household)
    own = services.decision_submit(decision=_decision(household, person, boss), by=boss)
    client = client_for(boss)
    page = client.get(reverse("cases:decision_detail", args=[own.pk])).content.decode()
    assert "Godkjenn vedtaket" not in page
    assert "Du skrev dette vedtaket, så en annen må godkjenne det." in page
    # Posted by hand, even naming another approver: refused, nothing changes.
    response = client.post(
        reverse("cases:decision_approve", args=[own.pk]),
        {"approved_by": other_boss.pk, "drafted_by": other_boss.pk},
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == Decision.Status.SUBMITTED and own.approved_by is None
    assert not DecisionLetter.objects.filter(decision=own).exists()


@pytest.mark.django_db
def test_an_authorised_counsellor_cannot_approve_their_own_draft_but_a_colleague_s(
    client_for, ctx, municipality
):
    ctx.counsellor.can_approve_decisions = True
    ctx.counsellor.save()
    client = client_for(ctx.counsellor)
    assert client.post(reverse("cases:decision_approve", args=[ctx.submitted.pk])).status_code == 403
    colleague = CounsellorFactory(municipality=municipality)
    theirs = services.decision_submit(decision=_decision(ctx.household, ctx.person, colleague), by=colleague)
    response = client.post(reverse("cases:decision_approve", args=[theirs.pk]))
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.approved_by == ctx.counsellor


@pytest.mark.django_db
def test_a_decision_without_main_content_cannot_be_approved_from_the_page(client_for, ctx):
    Decision.objects.filter(pk=ctx.submitted.pk).update(main_content="")
    client = client_for(ctx.manager)
    response = client.post(reverse("cases:decision_approve", args=[ctx.submitted.pk]), follow=True)
    assert (
        "Et vedtak som innvilger bistand, må beskrive hovedinnholdet i bistanden."
        in response.content.decode()
    )
    ctx.submitted.refresh_from_db()
    assert ctx.submitted.status == Decision.Status.SUBMITTED


# --- the journey through the pages -----------------------------------------------------------


@pytest.mark.django_db
def test_draft_submit_approve_then_the_deadline_and_timeline_show(
    client_for, household, counsellor, manager, django_capture_on_commit_callbacks
):
    person = PersonFactory(household=household, with_national_id=True)
    client = client_for(counsellor)
    form = client.get(reverse("cases:decision_create", args=[household.pk])).content.decode()
    assert "boligsosiale feltet § 6" in form
    response = client.post(
        reverse("cases:decision_create", args=[household.pk]),
        {
            "person": person.pk,
            "outcome": "granted",
            "main_content": "Hjelp til å søke startlån.",
            "period_from": TODAY_ISO,
            "legal_basis": "Boligsosialloven § 6.",
        },
    )
    decision = household.decisions.get()
    assert response.url == reverse("cases:decision_detail", args=[decision.pk])
    client.post(reverse("cases:decision_submit", args=[decision.pk]), {"submit-approver": manager.pk})
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("cases:decision_approve", args=[decision.pk]))
    page = client.get(reverse("cases:decision_detail", args=[decision.pk])).content.decode()
    deadline = TODAY + timedelta(weeks=3)
    assert f'Klagefrist</dt><dd class="col-sm-8" data-testid="appeal-deadline">{deadline:%d.%m.%Y}' in page
    household_page = client.get(reverse("cases:household_detail", args=[household.pk])).content.decode()
    assert "Utkast til vedtak skrevet" in household_page
    assert f"Vedtak godkjent (hjelp innvilget); klagefrist {deadline:%d.%m.%Y}" in household_page
    assert person.national_id not in household_page


@pytest.mark.django_db
def test_bad_input_on_the_draft_is_explained_and_kept(client_for, household, counsellor):
    person = PersonFactory(household=household)
    response = client_for(counsellor).post(
        reverse("cases:decision_create", args=[household.pk]),
        {
            "person": person.pk,
            "outcome": "granted",
            "assessment": "Trangboddhet, ønsker å eie selv.",
            "period_from": TODAY_ISO,
            "period_to": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Perioden kan ikke slutte før den begynner." in page
    assert "Trangboddhet, ønsker å eie selv." in page
    assert not household.decisions.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("garbage", ["not-a-date", "2026-02-30", ""])
def test_a_bad_appeal_date_is_explained_and_the_note_kept(client_for, ctx, garbage):
    response = client_for(ctx.counsellor).post(
        reverse("cases:appeal_register", args=[ctx.approved.pk]),
        {"appeal-received_on": garbage, "appeal-note": "Klagen kom på e-post."},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Klagen kom på e-post." in page
    assert "dato" in page.lower() or "feltet" in page.lower()


@pytest.mark.django_db
def test_an_appeal_before_the_decision_is_refused_with_a_message(client_for, ctx):
    response = client_for(ctx.counsellor).post(
        reverse("cases:appeal_register", args=[ctx.approved.pk]),
        {"appeal-received_on": (ctx.approved.approved_on - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "En klage kan ikke komme før vedtaket ble fattet." in response.content.decode()


@pytest.mark.django_db
def test_a_late_appeal_is_marked_late(client_for, household, counsellor, manager):
    person = PersonFactory(household=household)
    decision = services.decision_submit(decision=_decision(household, person, counsellor), by=counsellor)
    services.decision_approve(decision=decision, by=manager, on=TODAY - timedelta(days=40))
    response = client_for(counsellor).post(
        reverse("cases:appeal_register", args=[decision.pk]), {"appeal-received_on": TODAY_ISO}, follow=True
    )
    assert "Klagen er registrert. Den kom etter fristen." in response.content.decode()
    assert Appeal.objects.get(decision=decision).within_deadline is False


@pytest.mark.django_db
def test_the_letter_downloads_as_a_pdf_named_without_the_national_id(client_for, ctx):
    response = client_for(ctx.counsellor).get(
        reverse("cases:letter_download", args=[ctx.approved.pk, ctx.letter.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert "attachment" in disposition and ctx.household.reference in disposition
    assert ctx.person.national_id not in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_a_letter_still_being_made_sends_you_back_with_a_note(client_for, ctx):
    pending = DecisionLetter.objects.create(decision=ctx.approved)
    url = reverse("cases:letter_download", args=[ctx.approved.pk, pending.pk])
    response = client_for(ctx.counsellor).get(url, follow=True)
    assert "Brevet lages nå." in response.content.decode()


@pytest.mark.django_db
def test_a_failed_letter_is_made_again_on_request(client_for, ctx, django_capture_on_commit_callbacks):
    client = client_for(ctx.counsellor)
    page = client.get(reverse("cases:decision_detail", args=[ctx.approved.pk])).content.decode()
    assert "Brevet kunne ikke lages." in page
    url = reverse("cases:letter_retry", args=[ctx.approved.pk, ctx.failed.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(url)
    assert len(queued) == 1
    ctx.failed.refresh_from_db()
    assert ctx.failed.error == ""
    decision_letter_render(ctx.failed.pk)  # what the worker runs
    ctx.failed.refresh_from_db()
    assert ctx.failed.rendered_at and not ctx.failed.error
    response = client.post(url, follow=True)
    assert "Brevet er allerede laget." in response.content.decode()


@pytest.mark.django_db
def test_the_letter_is_marked_as_filed(client_for, ctx):
    prefix = f"letter-{ctx.letter.pk}"
    client = client_for(ctx.counsellor)
    bad = client.post(
        reverse("cases:letter_archive", args=[ctx.approved.pk, ctx.letter.pk]),
        {f"{prefix}-archived_on": TODAY_ISO},
    )
    assert bad.status_code == 400
    client.post(
        reverse("cases:letter_archive", args=[ctx.approved.pk, ctx.letter.pk]),
        {f"{prefix}-archived_on": TODAY_ISO, f"{prefix}-archive_ref": "2026/431-3"},
    )
    page = client.get(reverse("cases:decision_detail", args=[ctx.approved.pk])).content.decode()
    assert f"arkivert {TODAY:%d.%m.%Y}, referanse 2026/431-3" in page


@pytest.mark.django_db
def test_renewal_opens_the_new_draft(client_for, ctx):
    response = client_for(ctx.counsellor).post(reverse("cases:decision_renew", args=[ctx.approved.pk]))
    new = Decision.objects.get(replaces=ctx.approved)
    assert response.url == reverse("cases:decision_edit", args=[new.pk])


# --- the approvers page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_authorises_and_unauthorises_a_counsellor(
    client_for, manager, counsellor, other_counsellor
):
    client = client_for(manager)
    url = reverse("cases:decision_approvers")
    assert str(counsellor) in client.get(url).content.decode()
    assert str(other_counsellor) not in client.get(url).content.decode()
    client.post(url, {"staff": counsellor.pk, "allowed": "1"})
    counsellor.refresh_from_db()
    assert counsellor.can_approve_decisions
    client.post(url, {"staff": counsellor.pk, "allowed": "0"})
    counsellor.refresh_from_db()
    assert not counsellor.can_approve_decisions
    assert client.post(url, {"staff": other_counsellor.pk, "allowed": "1"}).status_code == 404
    assert client.post(url, {"staff": "x' OR 1=1", "allowed": "1"}).status_code == 404
    other_counsellor.refresh_from_db()
    assert not other_counsellor.can_approve_decisions


# --- the household page's section ------------------------------------------------------------


@pytest.mark.django_db
def test_the_household_page_lists_decisions_for_counsellors_not_officers(client_for, ctx, officer):
    url = reverse("cases:household_detail", args=[ctx.household.pk])
    assert "Skriv utkast til vedtak" in client_for(ctx.counsellor).get(url).content.decode()
    assert "Skriv utkast til vedtak" not in client_for(officer).get(url).content.decode()


# --- query counts ----------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_queue_costs_the_same_for_one_decision_and_twenty(client_for, municipality, manager):
    client = client_for(manager)
    url = reverse("cases:decision_queue")

    def add(n):
        for _ in range(n):
            household = HouseholdFactory(municipality=municipality)
            person = PersonFactory(household=household)
            drafter = CounsellorFactory(municipality=municipality)
            services.decision_submit(decision=_decision(household, person, drafter), by=drafter)

    add(1)
    one = _count(client, url)
    add(19)
    assert _count(client, url) == one


@pytest.mark.django_db
def test_the_decision_page_costs_the_same_for_one_appeal_and_many(client_for, ctx, django_assert_num_queries):
    client = client_for(ctx.counsellor)
    url = reverse("cases:decision_detail", args=[ctx.approved.pk])
    before = _count(client, url)
    for _ in range(10):
        services.appeal_register(decision=ctx.approved, received_on=TODAY, by=ctx.counsellor)
    with django_assert_num_queries(before):
        client.get(url)


# --- deadlines in sight on the caseload ------------------------------------------------------


@pytest.mark.django_db
def test_the_caseload_shows_the_appeal_deadline_and_the_second_look(
    client_for, household, counsellor, manager
):
    person = PersonFactory(household=household)
    decision = services.decision_submit(decision=_decision(household, person, counsellor), by=counsellor)
    services.decision_approve(decision=decision, by=manager, on=TODAY - timedelta(days=2))
    client = client_for(counsellor)
    page = client.get(reverse("cases:caseload")).content.decode()
    deadline = TODAY - timedelta(days=2) + timedelta(weeks=3)
    assert f"{deadline:%d.%m.%Y}</time>" in page
    assert f"Klagefrist for vedtaket av {TODAY - timedelta(days=2):%d.%m.%Y}" in page
    services.appeal_register(decision=decision, received_on=TODAY, by=counsellor)
    page = client.get(reverse("cases:caseload")).content.decode()
    assert "Klagefrist for vedtaket" not in page
    assert "Klage venter på kommunens nye vurdering" in page
