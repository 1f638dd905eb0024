"""The counsellor's caseload, the team's view, and the household page; every write to a household
(register, edit, close, reopen) and a member's particulars (edit, the national ID shown on request)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boveileder.access import ALL_ROLES, get_for_user, role_required
from boveileder.forms import add_form_errors
from boveileder.models import Role
from boveileder.once import create_once
from boveileder.paging import keyset_page, numbered_page
from boveileder.params import cursor_param, int_param
from cases.access import get_record_for
from cases.deadlines import deadlines_for
from cases.forms.households import (
    CaseloadFilterForm,
    CloseForm,
    HouseholdEditForm,
    HouseholdForm,
    PersonEditForm,
    PersonForm,
    TeamFilter,
)
from cases.models import (
    TIMELINE_FOLLOWUP_FIELDS,
    Decision,
    FollowUp,
    Household,
    Person,
    StartLoanApplication,
)
from cases.services.households import household_close as close_service
from cases.services.households import household_register as register_service
from cases.services.households import household_reopen as reopen_service
from cases.services.households import household_update, person_link, person_update
from cases.services.timeline import record_view_log
from cases.views.persons import resolve_duplicates

# Counsellors read it on a phone, where each household is a card of seven lines: 25 keep a page to
# a few screens, sorted with what is due first (and each page about 10 ms quicker than 50).
CASELOAD_PAGE_SIZE = 25
DEADLINES_SHOWN = 10  # the nearest first; the rest one click away
TEAM_PAGE_SIZE = 50
TIMELINE_PAGE_SIZE = 50  # on a phone each event is a card: 100 made some twenty-five screens
STARTLOAN_LABELS = dict(StartLoanApplication.Status.choices)
TOPIC_LABELS = dict(FollowUp.Topic.choices)


def _with_members(households):
    """Each household's current members, by name (all a list shows of them)."""
    members = Person.objects.members().only("household_id", "first_name", "last_name")
    return households.prefetch_related(Prefetch("members", queryset=members, to_attr="current_members"))


def caseload_shown(rows, show: str, today):
    """The caseload filter's «Show» choice (`CaseloadFilterForm.show`) applied to rows annotated with
    the caseload's facts; the hand-over page picks households by the same words."""
    if show == "overdue":
        return rows.filter(next_step_due__lt=today).exclude(next_step="")
    if show == "flagged":
        return rows.filter(has_open_flag=True)
    return rows


def _link_maker(url_name):
    """`reverse(url_name, args=[pk])` for a page of rows at the cost of one reverse: the URL with a
    sentinel pk, formatted per row (the pattern takes a number, so nothing else can match it)."""
    sentinel = "9876543210123"
    return reverse(url_name, args=[sentinel]).replace(sentinel, "{}").format


def _label_rows(rows, today):
    """What a row of the caseload or the team view shows, prepared once in Python: the template's
    loops, links and translations per row were a third of the caseload's time."""
    detail, log = _link_maker("cases:household_detail"), _link_maker("cases:followup_log")
    for row in rows:
        row.startloan_label = STARTLOAN_LABELS.get(row.startloan_status, "")
        row.member_names = ", ".join(str(m) for m in row.current_members)
        row.detail_url, row.log_url = detail(row.pk), log(row.pk)
        row.lived_there = (
            _("lived there %(since)s") % {"since": timesince(row.tenancy_start, today)}
            if row.tenancy_start
            else ""
        )
    return rows


def household_for(user, pk, queryset=None):
    """The one door to a household: 404 outside the user's municipality or a restricted household."""
    base = Household.objects if queryset is None else queryset
    return get_for_user(user, base.visible_to(user), pk=pk)


@require_GET
@role_required(Role.COUNSELLOR, Role.MANAGER)
def caseload(request):
    """The households I follow, with what needs doing next."""
    user, today = request.user, timezone.localdate()
    mine = Household.objects.caseload_of(user)
    form = CaseloadFilterForm(request.GET or None)
    show, sort = "", "due"
    if form.is_valid():
        show, sort = form.cleaned_data["show"], form.cleaned_data["sort"] or "due"
    rows = caseload_shown(_with_members(mine.only("id", "reference").with_caseload_facts(user)), show, today)
    ordering = {
        "due": [F("next_step_due").asc(nulls_last=True), "reference"],
        "contact": [F("last_contact").asc(nulls_first=True), "reference"],
        "tenure": [F("tenancy_start").asc(nulls_last=True), "reference"],
        "reference": ["reference"],
    }[sort]
    page = numbered_page(request, rows.order_by(*ordering), size=CASELOAD_PAGE_SIZE)
    _label_rows(page.object_list, today)
    query = request.GET.copy()
    query.pop("page", None)
    deadlines = deadlines_for(user, mine, today)
    all_deadlines = request.GET.get("deadlines") == "all"
    query_all_deadlines = query.copy()
    query_all_deadlines["deadlines"] = "all"
    return render(
        request,
        "cases/caseload.html",
        {
            "page": page,
            "households": page.object_list,
            "form": form,
            "today": today,
            "deadlines": deadlines if all_deadlines else deadlines[:DEADLINES_SHOWN],
            "deadlines_total": len(deadlines),
            "deadlines_overdue": sum(d.overdue(today) for d in deadlines),
            "query": query.urlencode(),
            "query_all_deadlines": query_all_deadlines.urlencode(),
            "decisions_for_attention": list(Decision.objects.for_attention_of(user)),
        },
    )


@require_GET
@role_required(Role.COUNSELLOR, Role.MANAGER)
def team(request):
    """Every household of the municipality, by counsellor; read-only, keyset-paginated by reference."""
    user = request.user
    households = Household.objects.visible_to(user).select_related("counsellor")
    filters = TeamFilter(request.GET or None, queryset=households, user=user)
    filtered = filters.qs if filters.is_valid() else households
    cursor = cursor_param(request.GET.get("after"))
    rows, last = keyset_page(
        _with_members(filtered.with_caseload_facts(user)),
        keys=["reference"],
        after=(cursor,) if cursor else None,
        size=TEAM_PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "cases/team.html",
        {
            "filter": filters,
            "households": _label_rows(rows, timezone.localdate()),
            "next_after": last and last.reference,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "first_page": not cursor_param(request.GET.get("after")),
        },
    )


def _timeline_page(household, before: int | None):
    """Newest first, a page at a time; the next page starts after the last event shown (keyset on
    the timeline's own order: occurred_on, recorded_at, id). A follow-up's event carries its
    follow-up (`event.followup`), read in the same query."""
    keys = ("occurred_on", "recorded_at", "id")
    after = None
    if before is not None:
        after = household.events.filter(pk=before).values_list(*keys).first()
    rows, last = keyset_page(
        household.events.select_related("actor").with_followup(),
        keys=keys,
        after=after,
        descending=True,
        size=TIMELINE_PAGE_SIZE,
    )
    edit = _link_maker("cases:followup_edit")
    for event in rows:
        event.followup = _followup_of(event)
        if event.followup is not None:
            event.followup.edit_url = edit(event.followup.pk)
    return rows, last and last.pk


def _followup_of(event):
    """The event's follow-up as the timeline shows it (an unsaved copy of the fields read), or None."""
    if event.followup_id is None:
        return None
    followup = FollowUp(**{name: getattr(event, f"followup_{name}") for name in TIMELINE_FOLLOWUP_FIELDS})
    followup.topics_display = ", ".join(str(TOPIC_LABELS.get(t, t)) for t in followup.topics)
    return followup


@require_GET
@role_required(*ALL_ROLES)
def household_detail(request, pk):
    """Members, consents, partner agencies and one timeline, newest first, and the sections the apps
    above cases give it (`page_sections "cases:household"`: housing's tenancies).

    A constant number of queries whatever the household holds: one per section."""
    user, today = request.user, timezone.localdate()
    household = household_for(
        user, pk, Household.objects.select_related("counsellor").with_agencies_involved()
    )
    record_view_log(user=user, household=household, what="household")
    # Ordered within the household; the model's ordering (by household first) would join households.
    people = list(household.members.order_by("birth_date", "first_name"))
    consents = list(household.consents.select_related("agency", "person").with_in_force(today))
    agencies = sorted(household.agencies_involved or [], key=str.casefold)
    events, older = _timeline_page(household, int_param(request.GET.get("before_event")))
    return render(
        request,
        "cases/household_detail.html",
        {
            "household": household,
            "members": [p for p in people if p.left_on is None],
            "former_members": [p for p in people if p.left_on is not None],
            "consents_in_force": [c for c in consents if c.in_force],
            "consents_other": [c for c in consents if not c.in_force],
            "agencies": agencies,
            "events": events,
            "older_events": older,
            "documents": list(household.documents.all()),
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
@create_once
def household_register(request):
    """Register a household and its main person, checking first whether the person already exists."""
    user = request.user
    form = HouseholdForm(request.POST or None, user=user)
    # The first person of a new household is its main person.
    person_form = PersonForm(
        request.POST or None, prefix="member", initial={"household_role": Person.HouseholdRole.APPLICANT}
    )
    duplicates = None
    if request.method == "POST" and form.is_valid() and person_form.is_valid():
        outcome = resolve_duplicates(request, person_form, municipality=user.municipality)
        if outcome.show:
            duplicates = outcome
        else:
            names = (
                "reference",
                "counsellor",
                "enrolled_on",
                "notes",
                "postal_address",
                "postcode",
                "post_town",
            )
            fields = {k: form.cleaned_data[k] for k in names}
            try:
                household = register_service(
                    municipality=user.municipality,
                    by=user,
                    housing_at_start=form.cleaned_data["housing_at_start"],
                    members=[] if outcome.link else [person_form.person_fields()],
                    **fields,
                )
                if outcome.link:
                    person_link(household=household, person=outcome.link, by=user)
            except ValidationError as error:
                add_form_errors(form, error, person_form)
            else:
                messages.success(request, _("The household is registered."))
                return redirect("cases:household_detail", household.pk)
    return render(
        request,
        "cases/household_form.html",
        {"form": form, "person_form": person_form, "duplicates": duplicates},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
@create_once
def household_close(request, pk):
    household = get_record_for(request, Household.objects.visible_to(request.user), what="close_form", pk=pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            close_service(
                household=household,
                by=request.user,
                on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["close_reason"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The case is closed."))
            return redirect("cases:household_detail", household.pk)
    return render(request, "cases/household_close.html", {"household": household, "form": form})


@require_POST
@role_required(Role.COUNSELLOR, Role.MANAGER)
def household_reopen(request, pk):
    household = household_for(request.user, pk)
    try:
        reopen_service(household=household, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The case is reopened."))
    return redirect("cases:household_detail", household.pk)


def _person_for(user, pk):
    """A person of a household the user may open (a restricted household: 404)."""
    return get_for_user(
        user,
        Person.objects.select_related("household").filter(household__in=Household.objects.visible_to(user)),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
def household_edit(request, pk):
    """Counsellor (a manager reassigns), housing at the start, enrolment date, notes."""
    household = get_for_user(
        request.user, Household.objects.visible_to(request.user).select_related("counsellor"), pk=pk
    )
    form = HouseholdEditForm(request.POST or None, instance=household, user=request.user)
    if request.method == "GET":
        record_view_log(
            user=request.user, household=household, what="household"
        )  # read as the household page
    if request.method == "POST" and form.is_valid():
        try:
            household_update(household=household, by=request.user, **form.changes())
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The household is updated."))
            return redirect("cases:household_detail", household.pk)
    return render(request, "cases/edit/household_form.html", {"household": household, "form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
def person_edit(request, pk):
    """A member's particulars; the national ID is shown masked, a new one may be written."""
    person = _person_for(request.user, pk)
    form = PersonEditForm(request.POST or None, person=person)
    if request.method == "GET":
        record_view_log(user=request.user, household=person.household, person=person, what="person_edit")
    if request.method == "POST" and form.is_valid():
        try:
            person_update(person=person, by=request.user, **form.changes())
        except ValidationError as error:
            add_form_errors(form, error)
            person.refresh_from_db()  # the page shows the registered particulars, not the refused ones
        else:
            messages.success(request, _("The particulars of %(name)s are updated.") % {"name": person})
            return redirect("cases:person_detail", person.pk)
    return render(request, "cases/edit/person_form.html", {"person": person, "form": form})


@require_POST
@role_required(Role.COUNSELLOR, Role.MANAGER)
def person_national_id(request, pk):
    """Show the full national ID, on an explicit request that is itself logged (innsynslogg).

    By POST, so the page is never reached by a link, a prefetch or the browser's history."""
    person = _person_for(request.user, pk)
    record_view_log(user=request.user, household=person.household, person=person, what="national_id_shown")
    response = render(request, "cases/edit/national_id.html", {"person": person})
    add_never_cache_headers(response)
    return response
