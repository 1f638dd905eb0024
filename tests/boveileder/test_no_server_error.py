"""No server error from any input: every URL of the project, for every role that may open it,
gets hypothesis-generated query parameters and form posts: unicode digits, NUL and other control
characters, CR/LF, huge and negative numbers, the first and last dates a date field holds, very
long strings, emoji, right-to-left marks, SQL and HTML fragments, addresses. The records behind the
pages are stored with odd values too (every date at 9999-12-31 or 0001-01-01, any status, an odd
household reference), as an import or an old system could leave them. Every answer is below 500.

The parameter names come from the page itself (its forms and links) and from the apps' source (every
`request.GET.get("…")`/`request.POST.get("…")`), so a new parameter is covered the day it is added.
A form is posted from a valid-looking baseline (the page's own values, or the values of the stored
records) with some fields replaced by odd ones, so the checks behind the first validation are
reached too.

Runtime is bounded by a hypothesis profile: `BOVEILEDER_FUZZ_PROFILE=thorough` for a long run."""

import os
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import IntegrityError, models, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from boveileder.access import ANY_SIGNED_IN
from boveileder.models import Role
from tests.boveileder.test_access_walk import OBJECT_MAKERS, OPEN_URLS, URLS, World, _build_url, access_roles

_COMMON = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "suppress_health_check": list(HealthCheck),
    "report_multiple_bugs": False,
}
# In the suite: after the sweep (every kind once), four drawn inputs per URL, no shrinking (a failing
# input is shown as drawn: shrinking forty parameters takes minutes). Thorough: many more, shrunk.
settings.register_profile(
    "boveileder-fuzz", max_examples=4, phases=[Phase.explicit, Phase.reuse, Phase.generate], **_COMMON
)
settings.register_profile("boveileder-fuzz-thorough", max_examples=200, **_COMMON)
PROFILE = settings.get_profile(
    "boveileder-fuzz-thorough"
    if os.environ.get("BOVEILEDER_FUZZ_PROFILE") == "thorough"
    else "boveileder-fuzz"
)

ROLES = (Role.COUNSELLOR, Role.OFFICER, Role.MANAGER)
ROOT = Path(__file__).resolve().parents[2]
APPS = ("boveileder", "cases", "housing", "reports")


def _source_param_names() -> set[str]:
    """Every parameter a view reads by hand: `request.GET.get("x")`, `request.POST["x"]`, …"""
    found = set()
    pattern = re.compile(r"""\b(?:GET|POST)(?:\.get|\.getlist)?[\(\[]\s*["'](\w+)["']""")
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return found


SOURCE_NAMES = sorted(_source_param_names() | {"next", "page", "after", "before", "q"})

# The odd values, by kind; the first of each is the one the sweep sends.
SAMPLES = {
    "unicode digits": ["²", "³", "¹²", "①", "٣", "१२", "１２", "⁴²", "½"],
    "control characters": ["\x00", "a\x00b", "\r\n", 'x"\r\nSet-Cookie: a=b', "\t", "\x1b[31m", "\x7f"],
    "huge numbers": ["9" * 400, "1e309", "9223372036854775808", "99999999999999999999.99", str(2**31)],
    "negative numbers": ["-1", "-0", "-2147483649", "-" + "9" * 30],
    "edge dates": [
        "9999-12-31",
        "31.12.9999",
        "0001-01-01",
        "01.01.0001",
        "2026-02-30",
        "10000-01-01",
        "9999Q4",
    ],
    "long strings": ["x" * 5000, "å" * 1000, "1" * 300, "A-" * 200],
    "emoji and bidi": ["👨‍👩‍👧", "\u202eevil", "a\u200fb", "Å\u0301", "\ufeff", "𝟙𝟚"],
    "sql and html": ["<script>alert(1)</script>", "' OR 1=1 --", '"; DROP TABLE x; --', "{{ 7*7 }}", "=1+1"],
    "addresses": [
        "/login/",
        "/login/?next=/login/",
        "//evil.example/",
        "http://evil.example",
        "javascript:x",
    ],
    "any text": [""],
}
ODD = {kind: st.sampled_from(values) for kind, values in SAMPLES.items()}
ODD["huge numbers"] |= st.integers(min_value=2**31, max_value=10**40).map(str)
ODD["negative numbers"] |= st.integers(min_value=-(10**30), max_value=-1).map(str)
ODD["any text"] = st.text(max_size=40)
KINDS = sorted(ODD)
EDGE_DATES = [None, date.max, date.min]


class _Form(HTMLParser):
    """The fields of a page's forms with their current values, and the query keys of its links."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.link_keys: set[str] = set()
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "a" and "?" in (a.get("href") or ""):
            self.link_keys |= {k for k, _ in parse_qsl(urlsplit(a["href"]).query, keep_blank_values=True)}
        elif tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a and name in self.fields:
                return
            if kind not in ("submit", "button", "file"):
                self.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if "selected" in a or (not self.fields[self._select] and value):
                self.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _page_fields(response) -> _Form:
    parser = _Form()
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode())
    return parser


def _stored_values(world) -> dict[str, str]:
    """Field name -> a stored record's value (the municipality's own), so a posted form can match
    existing records (a duplicate person, an existing unit) and reach the checks behind that."""
    values: dict[str, str] = {}
    for made in world.objects.values():
        if not isinstance(made, models.Model):
            continue
        for field in made._meta.concrete_fields:
            value = getattr(made, field.attname)
            if value not in (None, "") and not isinstance(value, dict | list):
                values.setdefault(field.name, value.isoformat() if isinstance(value, date) else str(value))
    return values


def _roles(name, pattern):
    if name in OPEN_URLS:
        return ROLES
    roles = access_roles(pattern.callback)
    return ROLES if roles == ANY_SIGNED_IN else tuple(roles)


def _with_observer(world, roles):
    """The funder observer's screens are opened by an observer of the world's municipality."""
    from reports.models import FunderObserver
    from reports.observer import FUNDER_OBSERVER
    from reports.services.sharing import figure_sharing_set

    if tuple(roles) != FUNDER_OBSERVER:
        return
    figure_sharing_set(municipality=world.muni, funder="husbanken", shared=True, by=world.users[Role.MANAGER])
    from tests.factories import UserFactory

    user = UserFactory(municipality=None)
    FunderObserver.objects.create(user=user, funder="husbanken", name="Husbanken Midt").municipalities.add(
        world.muni
    )
    world.users[FUNDER_OBSERVER[0]] = user


def _full_world():
    world = World("kommune-a")
    for key in OBJECT_MAKERS:
        try:
            world.get(key)
        except LookupError:
            continue  # no import model: the walk's registry says so
    return world


def _states(world):
    """Where a record can stand, each as the services leave it (status with its dates)."""
    today, manager = date.today(), world.users[Role.MANAGER]
    return {
        "decision": [
            {},
            {"status": "submitted"},
            {"status": "approved", "approved_by": manager, "approved_on": today},
        ],
        "startloan": [
            {},
            {"status": "in_review"},
            {"status": "rejected", "decided_on": today},
            {"status": "appealed", "decided_on": today, "appealed_on": today},
            {
                "status": "approved",
                "decided_on": today,
                "approval_kind": "certificate",
                "certificate_valid_until": today,
            },
            {"status": "disbursed", "decided_on": today, "disbursed_on": today},
        ],
    }


def _store_odd_records(world, *, states: dict, edge, reference):
    """Stored records as an import or an old system could leave them: each record in one of the
    states the services leave it in, then every date at one edge of the calendar (`edge`), and an
    odd household reference."""
    for key, state in states.items():
        if state:
            made = world.get(key)
            type(made).objects.filter(pk=made.pk).update(**state)
    made = [m for m in world.objects.values() if isinstance(m, models.Model)]
    for model in {type(m) for m in made} if edge else ():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
                continue
            try:
                with transaction.atomic():
                    model.objects.update(**{field.name: edge})
            except IntegrityError:
                pass  # a constraint keeps this one out of the database: nothing to test
    if reference is not None:
        household = world.get("household")
        # PostgreSQL holds no NUL byte in text at all, so no stored reference can have one.
        type(household).objects.filter(pk=household.pk).update(reference=reference.replace("\x00", "")[:40])


def _exercise(client, world, url, *, name, role, page, stored, query_names, odd, changed, records):
    """One input: the records stored oddly, a GET with every parameter odd, and a POST of the page's
    form from its valid-looking baseline with the `changed` fields (and every hand-read name) odd.
    `odd(label)` gives an odd value. Rolled back afterwards."""
    with transaction.atomic():
        _store_odd_records(world, **records)
        client.force_login(world.users[role])
        query = {n: odd(n) for n in query_names}
        response = client.get(url, query)  # a server error raises here
        assert response.status_code < 500, (name, role, query)
        baseline = {
            field: value or stored.get(field.rsplit("-", 1)[-1], "") for field, value in page.fields.items()
        }
        form = {field: odd(field) if field in changed else value for field, value in baseline.items()}
        form |= {n: odd(n) for n in SOURCE_NAMES if n not in form}
        client.force_login(world.users[role])
        response = client.post(url, form)
        assert response.status_code < 500, (name, role, form)
        transaction.set_rollback(True)


def _sweep(world, roles, fields):
    """Every kind of odd value once, to every parameter at once, deterministically: hypothesis's
    draws add variety, the sweep makes sure no kind is missed. The stored records take turns at the
    two ends of the calendar and in each state; the id-like kinds are also sent with a valid form."""
    states = _states(world)
    references = ["H-1\r\n", None, 'H"2; filename*=x']
    cases = []
    for i, kind in enumerate(KINDS):
        records = {
            # The decision from its last state back, the start-up loan from its first on, so both
            # meet each end of the calendar in more than one state.
            "states": {
                key: options[(i if n else -1 - i) % len(options)]
                for n, (key, options) in enumerate(sorted(states.items()))
            },
            "edge": [date.max, date.min, None][i % 3] if kind != "edge dates" else date.max,
            "reference": references[i % len(references)],
        }
        cases.append((kind, roles[i % len(roles)], set(fields), records))
        if kind in ("unicode digits", "huge numbers"):
            cases.append((kind, roles[(i + 1) % len(roles)], set(), records))
    return cases


URL_CASES = [(route, name, pattern) for route, name, pattern in URLS if name]


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,pattern", URL_CASES, ids=[name for _, name, _ in URL_CASES])
def test_no_input_gives_a_server_error(client, route, name, pattern):
    world = _full_world()
    url, _ = _build_url(name, pattern, world)
    roles = _roles(name, pattern)
    _with_observer(world, roles)
    stored = _stored_values(world)
    pages = {}
    for role in roles:
        client.force_login(world.users[role])
        pages[role] = _page_fields(client.get(url))
    query_names = sorted(set(SOURCE_NAMES) | {k for p in pages.values() for k in (*p.fields, *p.link_keys)})

    for kind, role, changed, records in _sweep(world, roles, [f for p in pages.values() for f in p.fields]):
        try:
            _exercise(
                client,
                world,
                url,
                name=name,
                role=role,
                page=pages[role],
                stored=stored,
                query_names=query_names,
                odd=lambda _label, k=kind: SAMPLES[k][0],
                changed=changed,
                records=records,
            )
        except Exception as error:
            raise AssertionError(f"{name} as {role}, every parameter {kind}, records {records}") from error

    states = _states(world)

    @PROFILE
    @given(data=st.data())
    def any_input(data):
        kind = data.draw(st.sampled_from(KINDS), label="kind")
        role = data.draw(st.sampled_from(roles), label="role")
        fields = sorted(pages[role].fields) or [""]
        odd_reference = st.one_of(ODD["control characters"], ODD["control characters"].map("H-1".__add__))
        records = {
            "states": {key: data.draw(st.sampled_from(o), label=f"{key} state") for key, o in states.items()},
            "edge": data.draw(st.sampled_from(EDGE_DATES), label="every stored date"),
            "reference": data.draw(st.one_of(st.none(), odd_reference, ODD["any text"]), label="reference"),
        }
        changed = data.draw(
            st.one_of(
                st.just(set(fields)),  # every field odd at once
                st.sampled_from(fields).map(lambda f: {f}),  # one field odd, the rest valid
                st.sets(st.sampled_from(fields)),
            ),
            label="odd fields",
        )
        _exercise(
            client,
            world,
            url,
            name=name,
            role=role,
            page=pages[role],
            stored=stored,
            query_names=query_names,
            odd=lambda label: data.draw(ODD[kind], label=label),
            changed=changed,
            records=records,
        )

    any_input()
