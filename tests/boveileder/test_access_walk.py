"""Every URL of the project, walked: anonymous users go to login, staff of another municipality get
404 for municipality A's objects, a role the view does not declare gets 403, and the right role of
municipality A gets in (and its page has no inline script or style: the CSP would block it).
A URL without a role declaration, or with a URL argument this file does not
know, fails here: a new URL is covered the day it is added.

To cover a new URL argument, add it to KWARG_OBJECT (by argument name) or, for a plain `pk`/`id`,
to PK_OBJECT_BY_SEGMENT (by the path segment before it); the object is made by one of OBJECT_MAKERS."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from boveileder.access import ALL_ROLES, ANY_SIGNED_IN
from boveileder.models import Role, SavedView
from cases.models import Person
from reports.observer import FUNDER_OBSERVER
from tests import factories as f

# Open without login, on purpose, and why. Nothing else may be.
OPEN_URLS = {
    "login": "signing in",
    "logout": "signing out",
    "set_language": "the language before signing in",
    "healthz": "the load balancer's health check: no data",
    "sso_login": "signing in through the municipality's own provider",
    "sso_callback": "the provider's answer to a sign-in (state, nonce and PKCE checked)",
    "service_worker": "the service worker: the browser fetches it without the session",
    "manifest": "the web app manifest: the browser fetches it without the session",
    "cases:calendar_feed": (
        "a calendar client cannot sign in: the feed opens to the holder of its secret token only "
        "(256 bits, kept hashed, renewable), 404 otherwise; references and kinds of step, never a name"
    ),
}
# Any signed-in user, whatever the roles: the landing page and the two-factor steps after the password.
SIGNED_IN_URLS = {"home", "otp_verify", "otp_setup"}
SKIPPED_NAMESPACES = {"admin"}  # Django's admin: staff/superuser only, by Django itself.

ROLE_FACTORIES = {
    Role.COUNSELLOR: f.CounsellorFactory,
    Role.OFFICER: f.OfficerFactory,
    Role.MANAGER: f.ManagerFactory,
}


# --- the registry: which object of municipality A fills a URL argument --------------------------


def _household(w):
    return f.HouseholdFactory(municipality=w.muni, counsellor=w.users[Role.COUNSELLOR])


def _person(w):
    return f.PersonFactory(household=w.get("household"), with_national_id=True)


def _decision(w):
    from cases.models import Decision

    return Decision.objects.create(
        household=w.get("household"),
        person=w.get("person"),
        drafted_by=w.users[Role.COUNSELLOR],
        main_content="Oppfølging to ganger i måneden",
        period_from=date.today(),
    )


def _letter(w):
    from cases.models import DecisionLetter

    return DecisionLetter.objects.create(decision=w.get("decision"))


def _appeal(w):
    from cases.models import Appeal

    return Appeal.objects.create(decision=w.get("decision"), received_on=date.today(), within_deadline=True)


def _report(w):
    """A finished report with its archived file, so download and detail pages have something to give."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from reports.models import FunderReport

    data = b"%PDF-1.7 walk"
    report = FunderReport(
        municipality=w.muni,
        funder="husbanken",
        period_from=date(2025, 1, 1),
        period_to=date(2025, 3, 31),
        requested_by=w.users[Role.MANAGER],
        status=FunderReport.Status.DONE,
        finished_at=timezone.now(),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    report.pdf.save("walk.pdf", ContentFile(data), save=False)
    report.save()
    return report


def _grant(w):
    from reports.models import FundingGrant

    return FundingGrant.objects.create(
        municipality=w.muni,
        funder="husbanken",
        amount_nok=193_000,
        period_from=date(2025, 1, 1),
        period_to=date(2025, 12, 31),
        purpose="Kompetansetilskudd",
    )


def _narrative(w):
    from reports.models import ReportNarrative

    return ReportNarrative.objects.create(
        municipality=w.muni, funder="husbanken", period_from=date(2025, 1, 1), period_to=date(2025, 3, 31)
    )


def _startloan_change(w):
    from cases.models import StartLoanStatusChange

    return StartLoanStatusChange.objects.create(
        application=w.get("startloan"), to_status="received", on=date.today()
    )


def _renewal(w):
    from housing.models import TenancyRenewal

    tenancy = w.get("tenancy")
    return TenancyRenewal.objects.create(
        tenancy=tenancy, renewed_on=date.today(), new_end_date=date.today() + timedelta(days=3 * 365)
    )


def _flag_decision(w):
    from housing.models import FlagDecision, LongTenureFlag

    return FlagDecision.objects.create(
        flag=w.get("flag"), decision=LongTenureFlag.Status.REFERRED, decided_on=date.today()
    )


def _import_batch(w):
    """Whatever the import helper keeps per upload, if it keeps a model for it."""
    from django.apps import apps

    for label in ("cases.ImportBatch", "cases.ImportJob", "reports.ImportJob", "boveileder.ImportJob"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        field_names = {fld.name for fld in model._meta.fields}
        values = {"municipality": w.muni} if "municipality" in field_names else {}
        for name in ("uploaded_by", "requested_by", "created_by", "by", "user"):
            if name in field_names:
                values[name] = w.users[Role.MANAGER]
        return model.objects.create(**values)
    raise LookupError("no import model: add a maker for it to OBJECT_MAKERS")


def _exchange_job(w):
    """The import helper keeps a browser import's state in the cache, keyed by a uuid (a finished job)."""
    import uuid

    from django.core.cache import cache

    job_id = uuid.uuid4().hex
    job = {
        "id": job_id,
        "municipality_id": w.muni.pk,
        "user_id": w.users[Role.MANAGER].pk,
        "language": "nb",
        "suffix": ".xlsx",
        "path": "",
        "state": "done",
        "done": 0,
        "total": 0,
        "problems": [],
        "problem_count": 0,
        "counts": {},
    }
    # Under both spellings of the uuid: the job is found whichever the import code keys it by.
    value = uuid.UUID(job_id)
    for spelling in (value.hex, str(value)):
        cache.set(f"exchange-import:{spelling}", {**job, "id": spelling}, 600)
    return value


def _export_job(w):
    """A finished export of the municipality's manager, with its file (kept in the cache, by uuid)."""
    import uuid

    from django.core.cache import cache
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    value = uuid.uuid4()
    path = default_storage.save(f"exports/{value}.xlsx", ContentFile(b"PK"))
    job = {
        "municipality_id": w.muni.pk,
        "user_id": w.users[Role.MANAGER].pk,
        "format": "xlsx",
        "national_ids": False,
        "filename": "boveileder-walk.xlsx",
        "path": path,
        "state": "done",
    }
    for spelling in (value.hex, str(value)):
        cache.set(f"exchange-export:{spelling}", {**job, "id": spelling}, 600)
    return value


def _document(w):
    from cases.models import Document

    document = Document(
        household=w.get("household"), title="walk.pdf", content_type="application/pdf", size=9, sha256=""
    )
    document.file.save("walk", ContentFile(b"%PDF-1.7\n"), save=False)
    document.save()
    return document


def _held_followup(w):
    """A visit logged offline by municipality A's counsellor, kept aside for the manager."""
    from cases.models import HeldFollowUp

    household = w.get("household")
    return HeldFollowUp.objects.create(
        household=household, municipality=w.muni, by=w.users[Role.COUNSELLOR], date=date.today(), kind="phone"
    )


OBJECT_MAKERS = {
    "municipality": lambda w: w.muni,
    "household": _household,
    "person": _person,
    "followup": lambda w: f.FollowUpFactory(household=w.get("household"), by=w.users[Role.COUNSELLOR]),
    "held_followup": _held_followup,
    "consent": lambda w: f.ConsentFactory(household=w.get("household"), agency=w.get("agency")),
    "agency": lambda w: f.PartnerAgencyFactory(municipality=w.muni),
    "unit": lambda w: f.RentalUnitFactory(municipality=w.muni),
    "tenancy": lambda w: f.TenancyFactory(household=w.get("household"), unit=w.get("unit")),
    "renewal": _renewal,
    "flag": lambda w: f.LongTenureFlagFactory(tenancy=w.get("tenancy")),
    "flag_decision": _flag_decision,
    "startloan": lambda w: f.StartLoanApplicationFactory(household=w.get("household")),
    "startloan_change": _startloan_change,
    "decision": _decision,
    "letter": _letter,
    "document": _document,
    "appeal": _appeal,
    "report": _report,
    "grant": _grant,
    "narrative": _narrative,
    "staff": lambda w: w.users[Role.COUNSELLOR],
    # A saved view is its owner's alone (the walk's counsellor, the first role it declares).
    "saved_view": lambda w: SavedView.objects.create(
        user=w.users[Role.COUNSELLOR], name="Forfalt", url_name="cases:caseload", query="show=overdue"
    ),
    "import": _import_batch,
    "exchange_job": _exchange_job,  # not a model: the maker gives the URL value itself
    "export_job": _export_job,  # likewise
}

# URL argument name -> object (its pk is used, unless the argument names another field).
KWARG_OBJECT = {
    "household_pk": "household",
    "household_id": "household",
    "person_pk": "person",
    "person_id": "person",
    "member_pk": "person",
    "followup_pk": "followup",
    "followup_id": "followup",
    "consent_pk": "consent",
    "agency_pk": "agency",
    "unit_pk": "unit",
    "unit_id": "unit",
    "tenancy_pk": "tenancy",
    "tenancy_id": "tenancy",
    "renewal_pk": "renewal",
    "flag_pk": "flag",
    "flag_id": "flag",
    "startloan_pk": "startloan",
    "application_pk": "startloan",
    "loan_pk": "startloan",
    "decision_pk": "decision",
    "decision_id": "decision",
    "letter_pk": "letter",
    "appeal_pk": "appeal",
    "report_pk": "report",
    "report_id": "report",
    "grant_pk": "grant",
    "narrative_pk": "narrative",
    "user_pk": "staff",
    "staff_pk": "staff",
    "import_pk": "import",
    "job_id": "exchange_job",
    "export_id": "export_job",
    "job_pk": "import",
    "batch_pk": "import",
}
# A bare `pk` or `id`: the object by the path segment before it (households/<int:pk>/...), else
# by the URL name's first words (longest match wins).
PK_OBJECT_BY_SEGMENT = {
    "held": "held_followup",
    "kept-aside": "held_followup",
    "households": "household",
    "persons": "person",
    "members": "person",
    "followups": "followup",
    "consents": "consent",
    "agencies": "agency",
    "units": "unit",
    "tenancies": "tenancy",
    "renewals": "renewal",
    "flags": "flag",
    "startloans": "startloan",
    "decisions": "decision",
    "letters": "letter",
    "documents": "document",
    "appeals": "appeal",
    "archive": "report",
    "reports": "report",
    "grants": "grant",
    "narratives": "narrative",
    "staff": "staff",
    "views": "saved_view",
}
# Fallback for a `pk`/`id` with no known segment before it: the URL name's first words.
PK_OBJECT_BY_NAME = {
    "household": "household",
    "caseload": "household",
    "person": "person",
    "member": "person",
    "followup": "followup",
    "follow_up": "followup",
    "consent": "consent",
    "agency": "agency",
    "partner": "agency",
    "unit": "unit",
    "tenancy": "tenancy",
    "move_in": "unit",
    "move_out": "tenancy",
    "renewal": "renewal",
    "flag": "flag",
    "startloan": "startloan",
    "loan": "startloan",
    "decision": "decision",
    "letter": "letter",
    "appeal": "appeal",
    "report": "report",
    "grant": "grant",
    "narrative": "narrative",
    "staff": "staff",
    "user": "staff",
    "import": "import",
    "download": "report",
}
# Arguments that are not objects: a fixed valid value.
PLAIN_KWARGS = {
    "quarter": "2025Q1",
    "funder": "husbanken",
    "year": 2025,
    "fmt": "json",
    "format": "json",
    "slug": None,  # filled with municipality A's slug
    "token": "x",
    "to_status": "in_review",  # a start-up loan status
    "key": "households_assisted",  # an indicator key of docs/domain.md
}
# URLs whose object of A is legitimately not found in the state the registry makes (say why).
A_MAY_404: dict[str, str] = {}


# --- the walk ------------------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns in SKIPPED_NAMESPACES or str(p.pattern).startswith(("static", "media", "__")):
                continue
            full_ns = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), full_ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if route.startswith(("static", "media")):
                continue
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield route, name, p


def all_urls():
    return list(_walk(get_resolver().url_patterns))


def access_roles(callback):
    """The roles `role_required` (or `login_only`) put on the view, through any other decorators."""
    seen = callback
    while seen is not None:
        roles = getattr(seen, "access_roles", None)
        if roles is not None:
            return tuple(roles)
        view_class = getattr(seen, "view_class", None)
        if view_class is not None:
            roles = getattr(view_class, "access_roles", None) or getattr(
                view_class.dispatch, "access_roles", None
            )
            if roles is not None:
                return tuple(roles)
        seen = getattr(seen, "__wrapped__", None)
    return None


def url_kwargs(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def object_for(name: str, kwarg: str) -> str | None:
    if kwarg in KWARG_OBJECT:
        return KWARG_OBJECT[kwarg]
    if kwarg in ("pk", "id"):
        # The path segment before the argument says whose id it is: households/<pk>/consents/new/.
        segment = re.search(rf"([\w-]+)/<(?:\w+:)?{kwarg}>", ROUTES.get(name, ""))
        if segment and segment.group(1) in PK_OBJECT_BY_SEGMENT:
            return PK_OBJECT_BY_SEGMENT[segment.group(1)]
        short = name.split(":")[-1]
        matches = [key for key in PK_OBJECT_BY_NAME if short.startswith(key)]
        if matches:
            return PK_OBJECT_BY_NAME[max(matches, key=len)]
    return None


URLS = all_urls()
ROUTES = {name: route for route, name, _ in URLS if name}


class World:
    """Municipality A with one user per role (and one with none), and objects made on demand."""

    def __init__(self, slug):
        self.muni = f.MunicipalityFactory(name=f"Kommune {slug}", slug=slug)
        self.users = {role: factory(municipality=self.muni) for role, factory in ROLE_FACTORIES.items()}
        self.no_role = f.UserFactory(municipality=self.muni)
        self.objects = {}
        self.get("person")  # every page sees a household whose member has a national ID

    def get(self, key):
        if key not in self.objects:
            self.objects[key] = OBJECT_MAKERS[key](self)
        return self.objects[key]


def _build_url(name, pattern, world):
    kwargs = {}
    for kwarg in url_kwargs(pattern):
        key = object_for(name, kwarg)
        if key is not None:
            made = world.get(key)
            kwargs[kwarg] = getattr(made, "pk", made)
        elif kwarg == "slug":
            kwargs[kwarg] = world.muni.slug
        elif kwarg in PLAIN_KWARGS:
            kwargs[kwarg] = PLAIN_KWARGS[kwarg]
        else:
            pytest.fail(
                f"URL {name!r} has the argument {kwarg!r} the access walk does not know: add it to "
                "KWARG_OBJECT, PK_OBJECT_BY_SEGMENT or PLAIN_KWARGS in tests/boveileder/test_access_walk.py"
            )
    return reverse(name, kwargs=kwargs), bool(kwargs) and any(
        object_for(name, k) not in (None, "municipality") for k in kwargs
    )


def _method(client, url):
    """GET, or the first method the view allows when GET answers 405."""
    response = client.get(url)
    if response.status_code == 405:
        allowed = [m.strip() for m in response["Allow"].split(",") if m.strip() not in ("OPTIONS", "HEAD")]
        return allowed[0].lower()
    return "get"


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle=\"", re.IGNORECASE)
_INLINE_HANDLER = re.compile(r"\son(click|load|change|submit|input|keyup|keydown)=", re.IGNORECASE)


def assert_no_inline_script_or_style(name, response):
    """The CSP blocks inline script, style and event handlers: a page relying on them is broken."""
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    assert not _INLINE_SCRIPT.search(html), f"{name} has an inline <script>, which the CSP blocks"
    assert not _INLINE_STYLE.search(html), (
        f"{name} has inline style (style= or <style>), which the CSP blocks"
    )
    assert not _INLINE_HANDLER.search(html), f"{name} has an inline event handler, which the CSP blocks"


_LINK_VALUES = re.compile(
    r"""\b(?:href|src|action|hx-(?:get|post|put|patch|delete)|data-url)=["']([^"']*)["']"""
)


def assert_no_national_id_in_links(name, response, national_ids):
    """A national ID is never part of a URL: not in the address, a redirect, or any link on the page."""
    assert not any(nid in response.get("Location", "") for nid in national_ids), (
        f"{name} redirects with an ID"
    )
    if "text/html" not in response.get("Content-Type", ""):
        return
    links = _LINK_VALUES.findall(response.content.decode())
    leaked = [link for link in links for nid in national_ids if nid in link]
    assert not leaked, f"{name} links to a URL holding a national ID: {leaked}"


def _is_login_redirect(response):
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_walk_finds_the_projects_urls():
    names = {name for _, name, _ in URLS}
    assert {"home", "login", "cases:caseload", "cases:household_detail", "housing:flag_queue"} <= names
    assert not any(name and name.startswith("admin:") for name in names)


@pytest.mark.parametrize("route,name,pattern", URLS, ids=[name or route for route, name, _ in URLS])
def test_every_url_declares_who_may_open_it(route, name, pattern):
    assert name, f"URL {route!r} has no name: name it so the access walk can reverse it"
    callback = pattern.callback
    if name in OPEN_URLS:
        return
    assert getattr(callback, "login_required", True) is not False, (
        f"{name} is opened to anonymous users (login_not_required) but is not in OPEN_URLS"
    )
    roles = access_roles(callback)
    assert roles, f"{name} has no @role_required(...) (or @login_only): declare who may open it"
    if roles == FUNDER_OBSERVER:
        assert name.startswith("reports:observer"), f"{name}: only the observer's screens are its"
    elif roles == ANY_SIGNED_IN:
        assert name in SIGNED_IN_URLS, (
            f"{name} is open to any signed-in user: add it to SIGNED_IN_URLS if meant"
        )
    else:
        assert set(roles) <= set(ALL_ROLES), f"{name} declares unknown roles {roles}"


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,pattern", URLS, ids=[name or route for route, name, _ in URLS])
def test_every_url_keeps_out_who_should_be_kept_out(client, route, name, pattern):
    if name in OPEN_URLS or not name:
        return
    roles = access_roles(pattern.callback)
    if not roles:
        pytest.fail(f"{name} has no role declaration")
    a = World("kommune-a")
    url, is_object_url = _build_url(name, pattern, a)

    # Anonymous: to the login page, whatever the method.
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert _is_login_redirect(response), f"anonymous {method.upper()} {name} gave {response.status_code}"

    if roles == FUNDER_OBSERVER:
        # A funder observer's screens (tests/reports/test_observer.py): every staff role gets 403.
        for role, user in [*a.users.items(), ("none", a.no_role)]:
            client.force_login(user)
            status = getattr(client, _method(client, url))(url).status_code
            assert status == 403, f"{role} on {name} gave {status}, not 403"
        client.logout()
        return

    if roles == ANY_SIGNED_IN:
        client.force_login(a.users[Role.COUNSELLOR])
        response = client.get(url)
        assert response.status_code in (200, 302), name
        assert_no_inline_script_or_style(name, response)
        return

    # The right role of municipality A gets in (so the registry made the object the view expects).
    right_role = roles[0]
    client.force_login(a.users[right_role])
    method = _method(client, url)
    response = getattr(client, method)(url)
    if not (response.status_code == 404 and name in A_MAY_404):
        assert response.status_code not in (403, 404), (
            f"{right_role} of the object's own municipality got {response.status_code} on {method.upper()} "
            f"{name}: the registry in this file may make the wrong object"
        )
    assert_no_inline_script_or_style(name, response)
    national_ids = [p.national_id for p in Person.objects.exclude(national_id="")]
    assert national_ids and not any(nid in url for nid in national_ids)
    assert_no_national_id_in_links(name, response, national_ids)

    # A role the view does not declare, and staff with no role: 403.
    for role, user in [*((r, u) for r, u in a.users.items() if r not in roles), ("none", a.no_role)]:
        client.force_login(user)
        status = getattr(client, method)(url).status_code
        assert status == 403, f"{role} on {method.upper()} {name} gave {status}, not 403"

    # Staff of municipality B with the right role: 404 for A's object, never its data.
    if is_object_url:
        b = World("kommune-b")
        for role in roles:
            client.force_login(b.users[role])
            status = getattr(client, method)(url).status_code
            assert status == 404, f"{role} of another municipality on {method.upper()} {name} gave {status}"
    client.logout()


def test_the_walk_sees_through_decorators_and_misses_nothing_undeclared():
    from django.views.decorators.http import require_GET

    from boveileder.access import role_required

    def bare(request):
        raise AssertionError

    assert access_roles(bare) is None
    assert access_roles(require_GET(role_required(Role.MANAGER)(bare))) == (Role.MANAGER,)
    assert object_for("cases:household_detail", "pk") == "household"
    assert object_for("cases:consent_add", "pk") == "household"  # households/<int:pk>/consents/new/
    assert object_for("cases:something_new", "pk") is None
    assert object_for("cases:household_detail", "mystery_pk") is None
